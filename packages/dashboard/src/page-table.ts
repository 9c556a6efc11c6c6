// The page's script, part 1: shared helpers, the task table, the recent log and the event stream.
// Plain browser JavaScript (no build step); the parts are joined into one inline script.
export const TABLE_SCRIPT = `
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
// Called with each task frame: (task, type). The charts and the task view listen.
const taskListeners = [];

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
function statusText(s) {
  return s.replace('_', ' ');
}
function badge(status) {
  return el('span', 'badge ' + status, statusText(status));
}
function ownerText(t) {
  return t.ownerLabel || t.owner;
}
function attemptText(t) {
  return t.maxAttempts > 1 ? t.attempt + ' / ' + t.maxAttempts : String(t.attempt);
}
function openTaskLink(id) {
  location.hash = 'task=' + encodeURIComponent(id);
}

function upsert(task, type) {
  if (!tasks.has(task.id)) reorder = true;
  if (!arrival.has(task.id)) arrival.set(task.id, ++arrivals);
  tasks.set(task.id, task);
  dirty.add(task.id);
  schedule();
  for (const listener of taskListeners) listener(task, type);
}
function schedule() {
  if (!frame) frame = requestAnimationFrame(render);
}

function createRow(id) {
  const tr = el('tr');
  tr.dataset.taskId = id;
  tr.className = 'fresh';
  tr.tabIndex = 0;
  tr.addEventListener('click', (e) => {
    if (!e.target.closest('button')) openTaskLink(id);
  });
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === tr) openTaskLink(id);
  });
  const c = {};
  const task = el('td', 'task');
  c.sub = el('div', 'sub');
  c.sub.append(c.id = el('code'), document.createTextNode(' · '), c.owner = el('span', 'owner'));
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
  c.owner.textContent = ownerText(t);
  c.sub.title = t.id + ' (owner ' + t.owner + ')';
  c.badge.textContent = statusText(t.status);
  c.badge.className = 'badge ' + t.status;
  c.fill.style.width = pct + '%';
  c.bar.setAttribute('aria-valuenow', String(Math.floor(pct)));
  c.pct.textContent = (pct === 100 || pct === 0 ? pct : pct.toFixed(1)) + '%';
  c.phase.textContent = t.phase && !TERMINAL.has(t.status) ? t.phase : '';
  const waits = t.status === 'queued' && t.dependsOn && t.dependsOn.length && !t.startedAt;
  const msg = t.input ? 'Asks: ' + t.input.message : t.message || (waits ? 'waiting for ' + t.dependsOn.length + (t.dependsOn.length === 1 ? ' task' : ' tasks') : '');
  c.msg.textContent = msg;
  c.msg.title = msg;
  c.msg.className = t.input ? 'msg ask' : 'msg';
  c.err.textContent = t.error ? t.error.name + ': ' + t.error.message : '';
  const active = !TERMINAL.has(t.status);
  const parts = [];
  // Rate and ETA mean something only while the task works (not while it waits for an answer or a retry).
  if (t.status === 'working' && t.rate > 0) parts.push(t.rate.toFixed(t.rate < 10 ? 1 : 0) + ' %/s');
  if (t.status === 'working' && t.etaMs > 0) parts.push('ETA ' + dur(t.etaMs));
  if (t.status === 'queued' && t.nextAttemptAt) parts.push('retry in ' + dur(Math.max(0, t.nextAttemptAt - Date.now())));
  c.rate.textContent = parts.join(' · ') || '—';
  c.attempt.textContent = attemptText(t);
  const start = t.startedAt || t.createdAt;
  const end = t.finishedAt || Date.now();
  c.time.textContent = dur(end - start);
  c.time.title = 'created ' + new Date(t.createdAt).toLocaleString();
  if (c.cancel) c.cancel.hidden = !active;
}

function matches(t, q, hideDone) {
  if (hideDone && TERMINAL.has(t.status)) return false;
  if (!q) return true;
  return [t.kind, t.owner, ownerText(t), t.id, t.status, t.phase || '', t.message || ''].some((s) => s.toLowerCase().includes(q));
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
    const chip = el('span', 'chip', statusText(s));
    chip.append(el('b', '', String(counts[s])));
    return chip;
  });
  $('counts').replaceChildren(...chips);
  $('shown').textContent = tasks.size ? shown + ' of ' + tasks.size + ' shown' : '';
  $('empty').hidden = tasks.size > 0;
}

function logItem(line, withTask) {
  const li = el('li');
  li.append(el('span', 't', clock(line.at)), el('span', 'lv ' + line.level, line.level), document.createTextNode(line.message));
  if (withTask) li.title = line.kind + ' · ' + line.taskId + ' · owner ' + line.owner;
  return li;
}
function addLog(line, atTop) {
  const li = logItem(line, true);
  if (atTop) logEl.prepend(li); else logEl.append(li);
  while (logEl.childElementCount > cfg.maxLogLines) logEl.lastElementChild.remove();
}

function setConn(state, text) {
  const c = $('conn');
  c.dataset.state = state;
  c.querySelector('b').textContent = text;
}
function notice(text) {
  $('notice').textContent = text;
  setTimeout(() => ($('notice').textContent = ''), 8000);
}

async function getJson(path) {
  const res = await fetch(cfg.base + path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = new Error((body.error && body.error.message) || 'HTTP ' + res.status);
    error.status = res.status;
    throw error;
  }
  return body;
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
    if (body.task) upsert(body.task, 'cancel');
  } catch (e) {
    notice('Cancel failed: ' + e.message);
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
    for (const t of data.tasks) upsert(t, 'snapshot');
    for (const line of data.log) addLog(line, true);
    reorder = true;
    schedule();
  });
  es.addEventListener('progress', (e) => upsert(JSON.parse(e.data).task, 'progress'));
  es.addEventListener('task', (e) => {
    const data = JSON.parse(e.data);
    upsert(data.task, data.type);
    if (data.log) addLog(data.log, true);
  });
}
`;
