// The page's script, part 2: small SVG chart helpers, and the activity charts (tasks started and
// finished, durations per kind) over the last hour, read from GET /api/activity.
export const CHART_SCRIPT = `
const SVGNS = 'http://www.w3.org/2000/svg';
const PALETTE = ['#2f6fde', '#e07b00', '#7b3fb8', '#0f9d8a', '#c2185b', '#6d8a00', '#8d6e63', '#00838f', '#5c6bc0', '#ad1457'];
const SEC = 1000;
const MIN = 60 * SEC;
const kindColors = new Map();

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVGNS, tag);
  for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  if (text !== undefined) e.textContent = text;
  return e;
}
function titled(node, text) {
  node.append(svg('title', {}, text));
  return node;
}
function colorOf(kind) {
  if (kind === 'other') return '#9aa1ab';
  if (!kindColors.has(kind)) kindColors.set(kind, PALETTE[kindColors.size % PALETTE.length]);
  return kindColors.get(kind);
}
/** A round step so that max / step gives about \`count\` ticks. */
function niceStep(max, count) {
  const raw = Math.max(max, 1e-9) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}
const TIME_STEPS = [SEC, 2 * SEC, 5 * SEC, 10 * SEC, 15 * SEC, 30 * SEC, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, 60 * MIN, 3 * 60 * MIN];
function timeTicks(t0, t1, count) {
  const step = TIME_STEPS.find((s) => (t1 - t0) / s <= count) || TIME_STEPS[TIME_STEPS.length - 1];
  const ticks = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return { ticks, step };
}
function timeLabel(t, step) {
  const d = new Date(t);
  const hm = String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  return step < MIN ? hm + ':' + String(d.getSeconds()).padStart(2, '0') : hm;
}
/** Elapsed time from a start, for a task's own timeline. */
function elapsedLabel(ms) {
  if (ms === 0) return '0';
  return dur(ms);
}
function widthOf(box, fallback) {
  return Math.max(280, Math.floor(box.clientWidth || fallback));
}

/**
 * A chart frame: an svg of the box's width, a plot area inside margins, a time axis at the bottom
 * (clock times, or elapsed time from \`origin\` when given) and a y axis with grid lines.
 */
function frameChart(box, opts) {
  const width = opts.width || widthOf(box, 600);
  const height = opts.height;
  const m = Object.assign({ top: 8, right: 12, bottom: 20, left: 44 }, opts.margin || {});
  const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': opts.label });
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const x = (t) => m.left + ((t - opts.t0) / Math.max(1, opts.t1 - opts.t0)) * pw;
  const y = opts.log
    ? (v) => m.top + ph - ((Math.log10(Math.max(v, opts.y0)) - Math.log10(opts.y0)) / (Math.log10(opts.y1) - Math.log10(opts.y0))) * ph
    : (v) => m.top + ph - ((v - opts.y0) / Math.max(1e-9, opts.y1 - opts.y0)) * ph;
  for (const tick of opts.yTicks || []) {
    root.append(svg('line', { class: 'grid', x1: m.left, x2: m.left + pw, y1: y(tick), y2: y(tick) }));
    root.append(svg('text', { x: m.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, opts.yLabel ? opts.yLabel(tick) : String(tick)));
  }
  root.append(svg('line', { class: 'axis', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph }));
  const { ticks, step } = opts.origin !== undefined ? elapsedTicks(opts.t0, opts.t1, opts.origin, Math.max(2, Math.floor(pw / 90))) : timeTicks(opts.t0, opts.t1, Math.max(2, Math.floor(pw / 80)));
  for (const t of ticks) {
    root.append(svg('line', { class: 'axis', x1: x(t), x2: x(t), y1: m.top + ph, y2: m.top + ph + 4 }));
    const label = opts.origin !== undefined ? elapsedLabel(t - opts.origin) : timeLabel(t, step);
    root.append(svg('text', { x: x(t), y: height - 4, 'text-anchor': 'middle' }, label));
  }
  return { root, x, y, m, pw, ph, width, height };
}
function elapsedTicks(t0, t1, origin, count) {
  const step = niceStep(t1 - t0, count);
  const ticks = [];
  for (let t = origin + Math.ceil((t0 - origin) / step) * step; t <= t1 + 1e-6; t += step) ticks.push(t);
  return { ticks, step };
}
/** A line through [t, v] points. */
function linePath(points, x, y) {
  return points.map((p, i) => (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join('');
}
/** A step line: each value holds until the next point (what progress reports mean). */
function stepPath(points, x, y) {
  return points.map((p, i) => (i ? 'H' + x(p[0]).toFixed(1) + 'V' : 'M' + x(p[0]).toFixed(1) + ',') + y(p[1]).toFixed(1)).join('');
}
/** A small stable number in [0, 1) from a string, to spread dots without moving them on redraw. */
function jitter(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}
function legendItem(color, text, stat) {
  const span = el('span');
  const swatch = el('i');
  swatch.style.background = color;
  span.append(swatch, document.createTextNode(text));
  if (stat) span.append(el('span', 'stat', stat));
  return span;
}

// ---- Activity over the last hour ------------------------------------------------------------
let activity;
let activityTimer = 0;
let activityLast = 0;

/** Fetches /api/activity now, or soon when one was fetched less than a second ago. */
function refreshActivity() {
  if (activityTimer) return;
  const wait = Math.max(0, 1000 - (Date.now() - activityLast));
  activityTimer = setTimeout(async () => {
    activityTimer = 0;
    activityLast = Date.now();
    try {
      activity = await getJson('/api/activity');
      activity.skew = Date.now() - activity.now;
      drawActivity();
    } catch (e) {
      $('tp-span').textContent = 'unavailable: ' + e.message;
    }
  }, wait);
}

/** The span shown: from the first data (at least 5 minutes back) to now, at most the window. */
function activitySpan(a, now) {
  let first = now;
  if (a.throughput.length) first = Math.min(first, a.throughput[0].at);
  const span = Math.min(a.windowMs, Math.max(5 * MIN, now - first + a.bucketMs));
  const bucket = [10 * SEC, 30 * SEC, MIN, 2 * MIN, 5 * MIN].find((b) => b >= a.bucketMs && span / b <= 60) || 5 * MIN;
  return { t0: now - span, t1: now, span, bucket };
}
function spanText(span) {
  return span >= 59 * MIN ? 'last hour' : 'last ' + Math.round(span / MIN) + ' min';
}

function drawActivity() {
  if (!activity) return;
  const now = Date.now() - activity.skew;
  const s = activitySpan(activity, now);
  drawThroughput(activity, s);
  drawDurations(activity);
}

function drawThroughput(a, s) {
  const box = $('tp-chart');
  const bars = new Map();
  const totals = { started: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const b of a.throughput) {
    if (b.at < s.t0 - a.bucketMs) continue;
    const at = Math.floor(b.at / s.bucket) * s.bucket;
    const bar = bars.get(at) || { at, started: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const k in totals) {
      bar[k] += b[k];
      totals[k] += b[k];
    }
    bars.set(at, bar);
  }
  let max = 1;
  for (const b of bars.values()) max = Math.max(max, b.started, b.completed + b.failed + b.cancelled);
  const step = Math.max(1, niceStep(max, 3));
  const top = Math.ceil(max / step) * step;
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const t0 = Math.floor(s.t0 / s.bucket) * s.bucket;
  const f = frameChart(box, { height: 190, t0, t1: s.t1 + s.bucket * 0.2, y0: 0, y1: top, yTicks: ticks, label: 'Tasks started and finished per ' + dur(s.bucket) });
  const slot = Math.max(2, f.x(t0 + s.bucket) - f.x(t0));
  const w = Math.max(1, Math.min(14, slot / 2 - 1));
  for (const b of [...bars.values()].sort((p, q) => p.at - q.at)) {
    const g = svg('g', { class: 'bucket', 'data-at': b.at });
    const x = f.x(b.at) + slot / 2;
    if (b.started) g.append(svg('rect', { class: 'started', x: x - w - 0.5, y: f.y(b.started), width: w, height: f.y(0) - f.y(b.started), fill: '#2f6fde' }));
    let base = 0;
    for (const [k, color] of [['completed', '#1e8e4f'], ['failed', '#c8322f'], ['cancelled', '#7a7f87']]) {
      if (!b[k]) continue;
      g.append(svg('rect', { class: k, x: x + 0.5, y: f.y(base + b[k]), width: w, height: f.y(base) - f.y(base + b[k]), fill: color }));
      base += b[k];
    }
    titled(g, timeLabel(b.at, SEC) + ' + ' + dur(s.bucket) + ': started ' + b.started + ', completed ' + b.completed + ', failed ' + b.failed + ', cancelled ' + b.cancelled);
    f.root.append(g);
  }
  box.replaceChildren(f.root);
  $('tp-span').textContent = spanText(s.span) + ' · per ' + dur(s.bucket);
  $('tp-legend').replaceChildren(
    legendItem('#2f6fde', 'started', ' ' + totals.started),
    legendItem('#1e8e4f', 'completed', ' ' + totals.completed),
    legendItem('#c8322f', 'failed', ' ' + totals.failed),
    legendItem('#7a7f87', 'cancelled', ' ' + totals.cancelled),
  );
}

const MAX_KIND_COLUMNS = 12;

/** Durations per kind: one column per kind (most tasks first), a dot per finished task on a log scale, its mean as a bar. */
function drawDurations(a) {
  const box = $('dur-chart');
  const kinds = a.durations.kinds.slice(0, MAX_KIND_COLUMNS);
  const column = new Map(kinds.map((k, i) => [k.kind, i]));
  const points = a.durations.points.filter((p) => column.has(p.kind));
  let lo = Infinity;
  let hi = 0;
  for (const k of kinds) {
    lo = Math.min(lo, Math.max(1, k.minMs));
    hi = Math.max(hi, k.maxMs);
  }
  if (!kinds.length) {
    lo = 10;
    hi = 10000;
  }
  const y0 = Math.pow(10, Math.floor(Math.log10(lo)));
  const y1 = Math.max(y0 * 10, Math.pow(10, Math.ceil(Math.log10(Math.max(hi, 1.0001)))));
  const yTicks = [];
  for (let v = y0; v <= y1 * 1.0001; v *= 10) yTicks.push(v);
  const width = widthOf(box, 600);
  const m = { top: 8, right: 12, bottom: 34, left: 52 };
  const height = 190;
  const root = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': 'Duration of finished tasks by kind' });
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const y = (v) => m.top + ph - ((Math.log10(Math.max(v, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * ph;
  for (const tick of yTicks) {
    root.append(svg('line', { class: 'grid', x1: m.left, x2: m.left + pw, y1: y(tick), y2: y(tick) }));
    root.append(svg('text', { x: m.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, dur(tick)));
  }
  root.append(svg('line', { class: 'axis', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph }));
  const band = pw / Math.max(1, kinds.length);
  const center = (i) => m.left + band * (i + 0.5);
  const spread = Math.min(band * 0.6, 40);
  kinds.forEach((k, i) => {
    const color = colorOf(k.kind);
    const chars = Math.max(4, Math.floor(band / 6.5));
    const name = k.kind.length > chars ? k.kind.slice(0, chars - 1) + '…' : k.kind;
    root.append(titled(svg('text', { class: 'kind-label', x: center(i), y: m.top + ph + 14, 'text-anchor': 'middle', fill: '#1c2330' }, name), k.kind));
    root.append(svg('text', { x: center(i), y: m.top + ph + 28, 'text-anchor': 'middle' }, String(k.count)));
    const mean = svg('line', { class: 'mean', 'data-kind': k.kind, x1: center(i) - spread / 2 - 4, x2: center(i) + spread / 2 + 4, y1: y(Math.max(k.meanMs, y0)), y2: y(Math.max(k.meanMs, y0)), stroke: color, 'stroke-width': 2.5 });
    root.append(titled(mean, k.kind + ': mean ' + dur(k.meanMs) + ' over ' + k.count + ' tasks'));
  });
  for (const p of points) {
    const color = colorOf(p.kind);
    const cx = center(column.get(p.kind)) + (jitter(p.id) - 0.5) * spread;
    const attrs = { class: 'dot ' + p.status, cx: cx.toFixed(1), cy: y(Math.max(p.ms, y0)).toFixed(1), r: 4, 'data-task-id': p.id, 'data-kind': p.kind };
    if (p.status === 'completed') Object.assign(attrs, { fill: color, 'fill-opacity': 0.75 });
    else Object.assign(attrs, { fill: '#fff', stroke: p.status === 'failed' ? '#c8322f' : '#7a7f87', 'stroke-width': 2, 'stroke-dasharray': p.status === 'cancelled' ? '2 2' : 'none' });
    const dot = titled(svg('circle', attrs), p.kind + ' · ' + dur(p.ms) + ' · ' + p.status + ' · finished ' + timeLabel(p.at, SEC) + ' · ' + p.id);
    dot.addEventListener('click', () => openTaskLink(p.id));
    root.append(dot);
  }
  if (!kinds.length) root.append(svg('text', { x: m.left + pw / 2, y: m.top + ph / 2, 'text-anchor': 'middle' }, 'No task has finished in the last hour.'));
  box.replaceChildren(root);
  const more = a.durations.kinds.length - kinds.length;
  $('dur-span').textContent = 'finished in the last hour' + (a.durations.sampled ? ' · dots are a sample, figures exact' : '') + (more > 0 ? ' · ' + more + ' more kinds in the list below' : '');
  const legend = a.durations.kinds.map((k) => {
    const extra = (k.failed ? ' · ' + k.failed + ' failed' : '') + (k.cancelled ? ' · ' + k.cancelled + ' cancelled' : '');
    const item = legendItem(colorOf(k.kind), k.kind, ' ' + k.count + ' · mean ' + dur(k.meanMs) + ' · max ' + dur(k.maxMs) + extra);
    item.dataset.kind = k.kind;
    return item;
  });
  legend.push(el('span', 'stat', '● completed  ○ failed (red) or cancelled (dashed)'));
  $('dur-legend').replaceChildren(...legend);
}

taskListeners.push((task, type) => {
  if (type === 'started' || type === 'completed' || type === 'failed' || type === 'cancelled') refreshActivity();
});
`;
