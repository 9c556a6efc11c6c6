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
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>${title}</h1>
  <span id="conn" class="conn" data-state="connecting"><i></i><b>connecting…</b></span>
  <span id="notice" class="notice" role="status"></span>
  <div id="counts" class="counts"></div>
</header>
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
<footer>Operator view of every owner's tasks. Keep it on localhost or behind authentication; never expose it publicly.</footer>
<script type="application/json" id="hw-config">${client}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root{--bg:#f5f6f8;--panel:#fff;--ink:#1c2330;--muted:#6b7380;--line:#e3e6eb;--accent:#2f6fde;
--working:#2f6fde;--queued:#8a6d00;--input:#8e44ad;--completed:#1e8e4f;--failed:#c8322f;--cancelled:#7a7f87;
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Ubuntu,sans-serif;color:var(--ink);background:var(--bg)}
*{box-sizing:border-box}body{margin:0}
header{display:flex;align-items:center;gap:16px;flex-wrap:wrap;padding:12px 20px;background:#151b26;color:#fff}
h1{font-size:17px;margin:0;font-weight:600}h2{font-size:14px;margin:0 0 8px;font-weight:600}
.conn{display:inline-flex;align-items:center;gap:6px;font-size:12px;color:#c9d1dd}
.conn i{width:8px;height:8px;border-radius:50%;background:#d9a400}
.conn[data-state=live] i{background:#35c46a}.conn[data-state=down] i{background:#e5534b}
.notice{font-size:12px;color:#ffb4ae}
.counts{display:flex;gap:8px;margin-left:auto;flex-wrap:wrap}
.chip{font-size:12px;padding:2px 9px;border-radius:10px;background:#2a3242;color:#dfe5ee}
.chip b{font-weight:600;color:#fff;margin-left:4px}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:16px;padding:16px 20px}
@media (min-width:1300px){main{grid-template-columns:minmax(0,1fr) 400px}}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
.toolbar{display:flex;gap:12px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.toolbar input[type=search]{flex:1;min-width:200px;max-width:420px;padding:6px 9px;border:1px solid var(--line);border-radius:6px;font:inherit}
.muted{color:var(--muted);font-size:12px}
.scroll{overflow-x:auto}
table{width:100%;min-width:860px;border-collapse:collapse;table-layout:fixed}
.c-task{width:21%}.c-status{width:112px}.c-progress{width:auto}.c-rate{width:130px}.c-attempt{width:72px}.c-time{width:80px}.c-actions{width:86px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;padding:6px 8px;border-bottom:1px solid var(--line)}
td{padding:8px;border-bottom:1px solid var(--line);vertical-align:top}

tr.fresh{animation:fresh 1.2s ease-out}@keyframes fresh{from{background:#eaf1ff}to{background:transparent}}
.kind{font-weight:600;overflow-wrap:anywhere}.sub{color:var(--muted);font-size:12px;overflow-wrap:anywhere}.sub code{font:11px ui-monospace,SFMono-Regular,Menlo,monospace}
.badge{display:inline-block;font-size:12px;font-weight:600;padding:1px 8px;border-radius:10px;color:#fff;background:var(--muted);white-space:nowrap}
.badge.working{background:var(--working)}.badge.queued{background:var(--queued)}.badge.input_required{background:var(--input)}
.badge.completed{background:var(--completed)}.badge.failed{background:var(--failed)}.badge.cancelled{background:var(--cancelled)}
.bar{position:relative;height:14px;border-radius:7px;background:#e9ecf1;overflow:hidden}
.fill{height:100%;width:0;background:var(--working);transition:width .25s ease-out}
tr[data-status=completed] .fill{background:var(--completed)}tr[data-status=failed] .fill{background:var(--failed)}
tr[data-status=cancelled] .fill{background:var(--cancelled)}tr[data-status=queued] .fill{background:var(--queued)}
.meta{display:flex;gap:8px;margin-top:3px;font-size:12px;min-width:0;overflow:hidden}
.pct{font-weight:600;font-variant-numeric:tabular-nums;min-width:3.2em}
.phase{color:var(--accent);white-space:nowrap}.msg{color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.err{color:var(--failed);font-size:12px;margin-top:2px;word-break:break-word}
.num{font-variant-numeric:tabular-nums;font-size:13px;overflow-wrap:anywhere}
button.cancel{font:inherit;font-size:12px;padding:2px 10px;border-radius:6px;border:1px solid #d9a5a3;background:#fff;color:var(--failed);cursor:pointer}
button.cancel:hover{background:#fdf0ef}button.cancel:disabled{opacity:.5;cursor:default}
.empty{color:var(--muted);text-align:center;padding:24px 0;margin:0}
ol#log{list-style:none;margin:0;padding:0;max-height:70vh;overflow:auto;font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace}
ol#log li{padding:3px 0;border-bottom:1px dashed var(--line);word-break:break-word}
.lv{display:inline-block;min-width:5.5em;font-weight:600}.lv.info{color:var(--accent)}.lv.notice{color:var(--input)}
.lv.warning{color:var(--queued)}.lv.error{color:var(--failed)}.lv.debug{color:var(--muted)}
.t{color:var(--muted);margin-right:6px}
footer{padding:4px 20px 20px;color:var(--muted);font-size:12px}
`;

const SCRIPT = `
'use strict';
const cfg = JSON.parse(document.getElementById('hw-config').textContent);
const STATUSES = ['working', 'queued', 'input_required', 'completed', 'failed', 'cancelled'];
const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const tasks = new Map();
const rows = new Map();
const arrival = new Map();
let arrivals = 0;
const dirty = new Set();
let reorder = false;
let frame = 0;
const $ = (id) => document.getElementById(id);
const rowsEl = $('rows');
const logEl = $('log');

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function dur(ms) {
  if (!(ms >= 0)) return '';
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = ms / 1000;
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + 'm ' + String(Math.floor(s % 60)).padStart(2, '0') + 's';
  return Math.floor(m / 60) + 'h ' + String(m % 60).padStart(2, '0') + 'm';
}
function clock(at) {
  const d = new Date(at);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}

function upsert(task) {
  if (!tasks.has(task.id)) reorder = true;
  if (!arrival.has(task.id)) arrival.set(task.id, ++arrivals);
  tasks.set(task.id, task);
  dirty.add(task.id);
  schedule();
}
function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

function createRow(id) {
  const tr = el('tr');
  tr.dataset.taskId = id;
  tr.className = 'fresh';
  const c = {};
  const task = el('td', 'task');
  c.sub = el('div', 'sub');
  c.sub.append(c.id = el('code'), document.createTextNode(' · '), c.owner = el('span'));
  task.append(c.kind = el('div', 'kind'), c.sub);
  const status = el('td');
  status.append(c.badge = el('span', 'badge'));
  const prog = el('td');
  c.bar = el('div', 'bar');
  c.bar.setAttribute('role', 'progressbar');
  c.bar.setAttribute('aria-valuemin', '0');
  c.bar.setAttribute('aria-valuemax', '100');
  c.bar.append(c.fill = el('div', 'fill'));
  const meta = el('div', 'meta');
  meta.append(c.pct = el('span', 'pct'), c.phase = el('span', 'phase'), c.msg = el('span', 'msg'));
  prog.append(c.bar, meta, c.err = el('div', 'err'));
  const rate = el('td', 'num');
  c.rate = rate;
  const attempt = el('td', 'num');
  c.attempt = attempt;
  const time = el('td', 'num');
  c.time = time;
  const actions = el('td');
  if (cfg.allowCancel) {
    c.cancel = el('button', 'cancel', 'Cancel');
    c.cancel.type = 'button';
    c.cancel.addEventListener('click', () => cancel(id, c.cancel));
    actions.append(c.cancel);
  }
  tr.append(task, status, prog, rate, attempt, time, actions);
  tr._c = c;
  rows.set(id, tr);
  return tr;
}

function updateRow(tr, t) {
  const c = tr._c;
  const pct = Math.max(0, Math.min(100, t.progress || 0));
  tr.dataset.status = t.status;
  c.kind.textContent = t.kind;
  c.id.textContent = t.id.slice(0, 8);
  c.owner.textContent = t.owner;
  c.sub.title = t.id + ' (owner ' + t.owner + ')';
  c.badge.textContent = t.status.replace('_', ' ');
  c.badge.className = 'badge ' + t.status;
  c.fill.style.width = pct + '%';
  c.bar.setAttribute('aria-valuenow', String(Math.floor(pct)));
  c.pct.textContent = (pct === 100 || pct === 0 ? pct : pct.toFixed(1)) + '%';
  c.phase.textContent = t.phase && !TERMINAL.has(t.status) ? t.phase : '';
  c.msg.textContent = t.message || '';
  c.msg.title = t.message || '';
  c.err.textContent = t.error ? t.error.name + ': ' + t.error.message : '';
  const active = !TERMINAL.has(t.status);
  const parts = [];
  if (active && t.rate > 0) parts.push(t.rate.toFixed(t.rate < 10 ? 1 : 0) + ' %/s');
  if (active && t.etaMs > 0) parts.push('ETA ' + dur(t.etaMs));
  if (t.status === 'queued' && t.nextAttemptAt) parts.push('retry in ' + dur(Math.max(0, t.nextAttemptAt - Date.now())));
  c.rate.textContent = parts.join(' · ') || '—';
  c.attempt.textContent = t.maxAttempts ? t.attempt + ' / ' + t.maxAttempts : String(t.attempt);
  const start = t.startedAt || t.createdAt;
  const end = t.finishedAt || Date.now();
  c.time.textContent = dur(end - start);
  c.time.title = 'created ' + new Date(t.createdAt).toLocaleString();
  if (c.cancel) c.cancel.hidden = !active;
}

function matches(t, q, hideDone) {
  if (hideDone && TERMINAL.has(t.status)) return false;
  if (!q) return true;
  return [t.kind, t.owner, t.id, t.status, t.phase || '', t.message || ''].some((s) => s.toLowerCase().includes(q));
}

function evict() {
  if (tasks.size <= cfg.maxTasks) return;
  const byAge = [...tasks.values()].sort((a, b) => a.createdAt - b.createdAt);
  for (const t of byAge) {
    if (tasks.size <= cfg.maxTasks) break;
    if (!TERMINAL.has(t.status)) continue;
    tasks.delete(t.id);
    arrival.delete(t.id);
    const tr = rows.get(t.id);
    if (tr) tr.remove();
    rows.delete(t.id);
  }
}

function render() {
  frame = 0;
  evict();
  for (const id of dirty) {
    const t = tasks.get(id);
    if (!t) continue;
    updateRow(rows.get(id) || createRow(id), t);
  }
  dirty.clear();
  if (reorder) {
    reorder = false;
    const sorted = [...tasks.values()].sort((a, b) => b.createdAt - a.createdAt || arrival.get(b.id) - arrival.get(a.id));
    rowsEl.append(...sorted.map((t) => rows.get(t.id)));
  }
  const q = $('filter').value.trim().toLowerCase();
  const hideDone = $('hide-done').checked;
  const counts = {};
  let shown = 0;
  for (const t of tasks.values()) {
    counts[t.status] = (counts[t.status] || 0) + 1;
    const visible = matches(t, q, hideDone);
    rows.get(t.id).hidden = !visible;
    if (visible) shown++;
  }
  const chips = STATUSES.filter((s) => counts[s]).map((s) => {
    const chip = el('span', 'chip', s.replace('_', ' '));
    chip.append(el('b', '', String(counts[s])));
    return chip;
  });
  $('counts').replaceChildren(...chips);
  $('shown').textContent = tasks.size ? shown + ' of ' + tasks.size + ' shown' : '';
  $('empty').hidden = tasks.size > 0;
}

function addLog(line, atTop) {
  const li = el('li');
  li.append(el('span', 't', clock(line.at)), el('span', 'lv ' + line.level, line.level), document.createTextNode(line.message));
  li.title = line.kind + ' · ' + line.taskId + ' · owner ' + line.owner;
  if (atTop) logEl.prepend(li); else logEl.append(li);
  while (logEl.childElementCount > cfg.maxLogLines) logEl.lastElementChild.remove();
}

function setConn(state, text) {
  const c = $('conn');
  c.dataset.state = state;
  c.querySelector('b').textContent = text;
}

async function cancel(id, button) {
  button.disabled = true;
  try {
    const res = await fetch(cfg.base + '/api/tasks/' + encodeURIComponent(id) + '/cancel', {
      method: 'POST',
      headers: { [cfg.cancelHeader]: '1' },
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((body.error && body.error.message) || 'HTTP ' + res.status);
    if (body.task) upsert(body.task);
  } catch (e) {
    $('notice').textContent = 'Cancel failed: ' + e.message;
    setTimeout(() => ($('notice').textContent = ''), 8000);
    button.disabled = false;
  }
}

function connect() {
  const es = new EventSource(cfg.base + '/api/events');
  es.onopen = () => setConn('live', 'live');
  es.onerror = () => setConn(es.readyState === EventSource.CLOSED ? 'down' : 'connecting', es.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…');
  es.addEventListener('snapshot', (e) => {
    const data = JSON.parse(e.data);
    setConn('live', 'live');
    tasks.clear();
    rows.clear();
    arrival.clear();
    rowsEl.replaceChildren();
    logEl.replaceChildren();
    for (const t of data.tasks) upsert(t);
    for (const line of data.log) addLog(line, true);
    reorder = true;
    schedule();
  });
  es.addEventListener('progress', (e) => upsert(JSON.parse(e.data).task));
  es.addEventListener('task', (e) => {
    const data = JSON.parse(e.data);
    upsert(data.task);
    if (data.log) addLog(data.log, true);
  });
}

$('filter').addEventListener('input', schedule);
$('hide-done').addEventListener('change', schedule);
setInterval(() => {
  for (const t of tasks.values()) if (!TERMINAL.has(t.status)) dirty.add(t.id);
  if (dirty.size) schedule();
}, 1000);
connect();
`;
