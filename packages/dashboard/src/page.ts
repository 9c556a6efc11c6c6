import { CHART_SCRIPT } from './page-charts.js';
import { PAGE_STYLE } from './page-style.js';
import { TABLE_SCRIPT } from './page-table.js';
import { TASK_SCRIPT } from './page-task.js';
import { TIMELINE_SCRIPT } from './page-timeline.js';

export interface PageConfig {
  title: string;
  basePath: string;
  allowCancel: boolean;
  maxTasks: number;
  maxLogLines: number;
  cancelHeader: string;
  /** CSP nonce for the inline style and script. */
  nonce: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Starts the page once every part is defined: the stream, the charts, the task view's route.
const BOOT_SCRIPT = `
$('filter').addEventListener('input', schedule);
$('hide-done').addEventListener('change', schedule);
$('tv-close').addEventListener('click', leaveTask);
$('scrim').addEventListener('click', leaveTask);
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && detailId) leaveTask();
});
window.addEventListener('hashchange', routeFromHash);
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    drawActivity();
    if (detailId) renderTask();
  }, 150);
});
let ticks = 0;
setInterval(() => {
  ticks++;
  for (const t of tasks.values()) if (!TERMINAL.has(t.status)) dirty.add(t.id);
  if (dirty.size) schedule();
  const open = detailId && currentTask();
  if (open && !TERMINAL.has(open.status)) {
    scheduleTaskRender();
    if (ticks % 2 === 0) fetchDetail(false);
  }
  if (ticks % 10 === 0) refreshActivity();
  else if (ticks % 5 === 0) drawActivity();
}, 1000);
connect();
refreshActivity();
routeFromHash();
`;

/** The whole dashboard: one HTML document with inline CSS and JS, nothing fetched but the API. */
export function renderPage(config: PageConfig): string {
  const { nonce } = config;
  const client = JSON.stringify({
    base: config.basePath,
    allowCancel: config.allowCancel,
    maxTasks: config.maxTasks,
    maxLogLines: config.maxLogLines,
    cancelHeader: config.cancelHeader,
  }).replace(/</g, '\\u003c');
  const title = escapeHtml(config.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style nonce="${nonce}">${PAGE_STYLE}</style>
</head>
<body>
<header>
  <h1>${title}</h1>
  <span id="conn" class="conn" data-state="connecting"><i></i><b>connecting…</b></span>
  <span id="notice" class="notice" role="status"></span>
  <div id="counts" class="counts"></div>
</header>
<div class="activity">
  <section class="panel" id="throughput">
    <div class="chart-head"><h2>Tasks started and finished</h2><span id="tp-span" class="muted"></span></div>
    <div id="tp-chart" class="chart"></div>
    <div id="tp-legend" class="legend"></div>
  </section>
  <section class="panel" id="durations">
    <div class="chart-head"><h2>Duration by kind</h2><span id="dur-span" class="muted"></span></div>
    <div id="dur-chart" class="chart"></div>
    <div id="dur-legend" class="legend"></div>
  </section>
</div>
<main>
  <section class="panel tasks">
    <div class="toolbar">
      <input id="filter" type="search" placeholder="Filter: kind, owner, id, status, phase…" autocomplete="off">
      <label><input id="hide-done" type="checkbox"> hide finished</label>
      <span id="shown" class="muted"></span>
    </div>
    <div class="scroll">
    <table>
      <colgroup><col class="c-task"><col class="c-status"><col class="c-progress"><col class="c-rate"><col class="c-attempt"><col class="c-time"><col class="c-actions"></colgroup>
      <thead><tr><th>Task</th><th>Status</th><th>Progress</th><th>Rate · ETA</th><th>Attempt</th><th>Time</th><th></th></tr></thead>
      <tbody id="rows"></tbody>
    </table>
    </div>
    <p id="empty" class="empty">No tasks yet. They appear here as soon as they are created.</p>
  </section>
  <section class="panel log">
    <h2>Recent log</h2>
    <ol id="log"></ol>
  </section>
</main>
<footer>Operator view of every owner's tasks. Keep it on localhost or behind authentication; never expose it publicly. Click a task for its own view.</footer>
<div id="scrim" class="scrim" hidden></div>
<aside id="drawer" class="drawer" hidden aria-label="Task details">
  <div class="drawer-head">
    <div><div id="tv-kind" class="tv-kind"></div><div id="tv-sub" class="sub"></div></div>
    <span id="tv-badge" class="badge"></span>
    <button id="tv-close" class="close" type="button" aria-label="Close the task view" title="Close (Esc)">×</button>
  </div>
  <div id="tv-body"></div>
</aside>
<script type="application/json" id="hw-config">${client}</script>
<script nonce="${nonce}">${TABLE_SCRIPT}${CHART_SCRIPT}${TIMELINE_SCRIPT}${TASK_SCRIPT}${BOOT_SCRIPT}</script>
</body>
</html>
`;
}
