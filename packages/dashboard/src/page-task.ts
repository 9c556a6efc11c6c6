// The page's script, part 4: a task's own view (a drawer opened from its row, a dot of the
// duration chart, or the URL #task=<id>): facts, its question, its timeline of progress, attempts
// and phases, resources plotted, its dependencies and its log, from GET /api/tasks/:id.
export const TASK_SCRIPT = `
let detailId;
let detail;
let detailTimer = 0;
let detailLast = 0;
let taskFrame = 0;

/** Renders the open task at the next animation frame (many frames may arrive in between). */
function scheduleTaskRender() {
  if (!taskFrame) taskFrame = requestAnimationFrame(() => {
    taskFrame = 0;
    renderTask();
  });
}

function routeFromHash() {
  const m = /^#task=(.+)$/.exec(location.hash);
  let id;
  try {
    id = m ? decodeURIComponent(m[1]) : undefined;
  } catch {
    id = undefined;
  }
  if (id) openTask(id);
  else closeTask();
}
function openTask(id) {
  if (detailId !== id) {
    detailId = id;
    detail = undefined;
    clearTimeout(detailTimer);
    detailTimer = 0;
  }
  $('drawer').hidden = false;
  $('scrim').hidden = false;
  renderTask();
  fetchDetail(true);
  $('tv-close').focus({ preventScroll: true });
}
function closeTask() {
  detailId = undefined;
  detail = undefined;
  $('drawer').hidden = true;
  $('scrim').hidden = true;
}
function leaveTask() {
  if (location.hash) location.hash = '';
  else closeTask();
}

/** Fetches the open task's view now, or at most twice a second. */
function fetchDetail(now) {
  if (!detailId || detailTimer) return;
  const wait = now ? 0 : Math.max(0, 500 - (Date.now() - detailLast));
  detailTimer = setTimeout(async () => {
    detailTimer = 0;
    detailLast = Date.now();
    const id = detailId;
    if (!id) return;
    try {
      const body = await getJson('/api/tasks/' + encodeURIComponent(id));
      if (id === detailId) detail = body;
    } catch (e) {
      if (id === detailId) detail = { missing: e.status === 404, failure: e.message };
    }
    if (id === detailId) scheduleTaskRender();
  }, wait);
}

function currentTask() {
  const live = tasks.get(detailId);
  const stored = detail && detail.task;
  if (live && stored) return Object.assign({}, stored, live);
  return live || stored;
}

function renderTask() {
  if (!detailId) return;
  const t = currentTask();
  const body = $('tv-body');
  $('tv-kind').textContent = t ? t.kind : 'Task';
  const sub = $('tv-sub');
  sub.replaceChildren(el('code', '', detailId));
  if (t) sub.append(document.createTextNode(' · '), el('span', 'owner', ownerText(t)));
  if (t) sub.title = 'owner ' + t.owner;
  const b = $('tv-badge');
  b.hidden = !t;
  if (t) {
    b.textContent = statusText(t.status);
    b.className = 'badge ' + t.status;
  }
  if (!t) {
    body.replaceChildren(el('p', 'note', detail && detail.missing ? 'No such task: it may have expired and been removed.' : detail && detail.failure ? 'Could not load the task: ' + detail.failure : 'Loading…'));
    return;
  }
  const h = detail && detail.history;
  chartWidth = Math.max(320, body.clientWidth - 40);
  const parts = [facts(t)];
  if (t.input) parts.push(question(t.input));
  if (t.error) parts.push(el('div', 'failure', t.error.name + ': ' + t.error.message));
  parts.push(timeline(t, h), resources(t, h), dependencies(t), taskLog(h));
  const scroll = $('drawer').scrollTop;
  body.replaceChildren(...parts);
  $('drawer').scrollTop = scroll;
}

function fact(name, value, title) {
  const d = el('div');
  const dd = el('dd', '', value);
  if (title) dd.title = title;
  d.append(el('dt', '', name), dd);
  return d;
}
function facts(t) {
  const dl = el('dl', 'facts');
  const now = Date.now();
  const pct = Math.max(0, Math.min(100, t.progress || 0));
  const progress = (pct === 100 || pct === 0 ? pct : pct.toFixed(1)) + '%' + (t.phase && !TERMINAL.has(t.status) ? ' · ' + t.phase : '');
  dl.append(fact('Progress', progress), fact('Message', t.message || '—'), fact('Owner', ownerText(t), t.owner), fact('Attempt', attemptText(t)));
  dl.append(fact('Created', new Date(t.createdAt).toLocaleString()));
  if (t.startedAt) dl.append(fact('Waited', dur(t.startedAt - t.createdAt)));
  if (t.startedAt) dl.append(fact(t.finishedAt ? 'Ran for' : 'Running for', dur((t.finishedAt || now) - t.startedAt)));
  if (t.finishedAt) dl.append(fact('Finished', new Date(t.finishedAt).toLocaleString()));
  if (t.status === 'working' && (t.rate > 0 || t.etaMs > 0)) dl.append(fact('Rate · ETA', (t.rate > 0 ? t.rate.toFixed(1) + ' %/s' : '—') + (t.etaMs > 0 ? ' · ' + dur(t.etaMs) : '')));
  if (t.status === 'queued' && t.nextAttemptAt) dl.append(fact('Next attempt', 'in ' + dur(Math.max(0, t.nextAttemptAt - now))));
  return dl;
}

function question(q) {
  const box = el('div', 'question');
  box.setAttribute('role', 'note');
  box.append(el('h3', '', 'Waiting for an answer'), el('p', '', q.message));
  if (q.fields && q.fields.length) {
    const table = el('table');
    const head = el('tr');
    head.append(el('th', '', 'Field'), el('th', '', 'Type'), el('th', '', ''));
    table.append(head);
    for (const f of q.fields) {
      const tr = el('tr');
      const about = [f.title, f.description, f.options ? 'one of: ' + f.options.join(', ') : ''].filter(Boolean).join(' — ');
      tr.append(el('td', '', f.name + (f.required ? ' *' : '')), el('td', '', f.type || ''), el('td', '', about));
      table.append(tr);
    }
    box.append(table);
  }
  const asked = 'Asked ' + dur(Math.max(0, Date.now() - q.requestedAt)) + ' ago' + (q.expiresAt ? ' · expires in ' + dur(Math.max(0, q.expiresAt - Date.now())) : '');
  box.append(el('div', 'note', asked + '. The task goes on once the client that started it answers.'));
  return box;
}

function section(title) {
  const s = el('section', 'section');
  s.append(el('h3', '', title));
  return s;
}

function taskItem(d) {
  const li = el('li');
  if (!d.kind) {
    li.append(el('span', 'badge', 'unknown'), el('code', '', d.id), el('span', 'note', 'not found (expired?)'));
    return li;
  }
  const a = el('a', '', d.kind);
  a.href = '#task=' + encodeURIComponent(d.id);
  li.dataset.taskId = d.id;
  li.append(badge(d.status), a, el('code', 'sub', d.id.slice(0, 8)), el('span', 'sub', ownerText(d)));
  return li;
}
function dependencies(t) {
  const s = section('Dependencies');
  s.dataset.part = 'dependencies';
  const deps = (detail && detail.dependencies) || (t.dependsOn || []).map((id) => tasks.get(id) || { id });
  const after = (detail && detail.dependents) || [];
  if (!deps.length && !after.length) {
    s.append(el('p', 'note', 'None: it waits for no task, and no task shown here waits for it.'));
    return s;
  }
  if (deps.length) {
    s.append(el('div', 'sub', 'Waits for'));
    const ul = el('ul', 'deps waits-for');
    ul.append(...deps.map((d) => taskItem(tasks.get(d.id) || d)));
    s.append(ul);
  }
  if (after.length) {
    s.append(el('div', 'sub', 'Needed by'));
    const ul = el('ul', 'deps needed-by');
    ul.append(...after.map((d) => taskItem(tasks.get(d.id) || d)));
    s.append(ul);
  }
  return s;
}

function taskLog(h) {
  const s = section('Log');
  s.dataset.part = 'log';
  const lines = (h && h.log) || [];
  if (!lines.length) {
    s.append(el('p', 'note', h ? 'No log lines yet.' : 'The log is shown for tasks this dashboard saw run.'));
    return s;
  }
  const ol = el('ol', 'tlog');
  ol.append(...lines.map((line) => logItem(line, false)));
  s.append(ol);
  if (h.droppedLog) s.append(el('p', 'note', h.droppedLog + ' earlier lines are not kept.'));
  return s;
}

taskListeners.push((task) => {
  if (!detailId) return;
  if (task.id === detailId || (detail && detail.dependencies && detail.dependencies.some((d) => d.id === task.id))) {
    scheduleTaskRender();
    fetchDetail(false);
  }
});
`;
