// The page's script, part 3: the task view's charts, on one time axis from the task's creation:
// progress (with its attempts and questions), its phases as bars, and its resource samples.
export const TIMELINE_SCRIPT = `
const LABEL_W = 170;
let chartWidth = 760;
const STATUS_COLORS = { working: '#2f6fde', queued: '#8a6d00', input_required: '#8e44ad', completed: '#1e8e4f', failed: '#c8322f', cancelled: '#7a7f87' };

/** A line through the points, with a dot on each when there are too few to make a line. */
function plotLine(f, points, attrs) {
  f.root.append(svg('path', Object.assign({ d: linePath(points, f.x, f.y), fill: 'none' }, attrs)));
  if (points.length > 2) return;
  for (const p of points) f.root.append(svg('circle', { cx: f.x(p[0]), cy: f.y(p[1]), r: 3, fill: attrs.stroke }));
}

/** The time span of a task's view: creation to its end (or now), at least a second. */
function spanOf(t) {
  const t0 = t.createdAt;
  return { t0, t1: Math.max(t0 + 1000, t.finishedAt || Date.now()) };
}

function timeline(t, h) {
  const s = section('Timeline');
  s.dataset.part = 'timeline';
  const { t0, t1 } = spanOf(t);
  const box = el('div', 'chart');
  s.append(box);
  const f = frameChart(box, { width: chartWidth, height: 130, t0, t1, origin: t0, y0: 0, y1: 100, yTicks: [0, 50, 100], yLabel: (v) => v + '%', label: 'Progress over time', margin: { left: LABEL_W } });
  const attempts = (h && h.attempts) || [];
  // Queued, then each attempt as a band.
  const firstStart = attempts.length ? attempts[0].startedAt : t.startedAt;
  const band = (from, to, fill, label, cls) => {
    const x0 = f.x(Math.max(from, t0));
    const x1 = f.x(Math.min(to, t1));
    const g = svg('g', { class: cls });
    g.append(svg('rect', { x: x0, y: f.m.top, width: Math.max(1, x1 - x0), height: f.ph, fill }));
    if (x1 - x0 > 56) g.append(svg('text', { x: x0 + 4, y: f.m.top + 11 }, label));
    titled(g, label + ' · ' + dur(to - from));
    f.root.insertBefore(g, f.root.firstChild);
  };
  if (firstStart) band(t0, firstStart, '#f6f3e6', 'queued', 'band queued');
  attempts.forEach((a, i) => {
    const label = 'attempt ' + a.attempt + (a.outcome && a.outcome !== 'completed' ? ' · ' + a.outcome : '');
    band(a.startedAt, a.endedAt || t1, i % 2 ? '#eef3fc' : '#f4f7fd', label, 'band attempt');
  });
  const markers = inputMarks(f, t, h, t0, t1);
  const points = ((h && h.progress) || []).slice();
  if (!points.length) points.push([t0, 0]);
  const last = points[points.length - 1];
  const endAt = TERMINAL.has(t.status) ? t.finishedAt || last[0] : t1;
  if (endAt > last[0]) points.push([endAt, Math.max(last[1], t.progress || 0)]);
  const color = STATUS_COLORS[t.status] || '#2f6fde';
  const line = stepPath(points, f.x, f.y);
  f.root.append(svg('path', { class: 'area', d: line + 'L' + f.x(points[points.length - 1][0]).toFixed(1) + ',' + f.y(0) + 'L' + f.x(points[0][0]).toFixed(1) + ',' + f.y(0) + 'Z', fill: color, 'fill-opacity': 0.12 }));
  f.root.append(svg('path', { class: 'progress-line', d: line, fill: 'none', stroke: color, 'stroke-width': 2, 'data-points': points.length }));
  f.root.append(svg('text', { x: 0, y: f.m.top + f.ph / 2, 'font-weight': 600 }, 'Progress'));
  f.root.append(...markers);
  box.append(f.root);
  box.append(phaseChart(t, h, t0, t1));
  if (h && h.droppedPhases) s.append(el('p', 'note', h.droppedPhases + ' earlier phases are not shown (the view keeps the latest ' + h.phases.length + ').'));
  return s;
}

/** Questions asked and answered on the progress chart: the wait shaded now, a marker each (returned, to draw on top). */
function inputMarks(f, t, h, t0, t1) {
  const marks = ((h && h.inputs) || []).slice();
  if (t.input && !marks.some((mk) => mk.state === 'requested' && mk.at === t.input.requestedAt)) marks.push({ at: t.input.requestedAt, state: 'requested' });
  let asked;
  const waits = [];
  const markers = [];
  for (const mk of marks) {
    const x = f.x(Math.min(Math.max(mk.at, t0), t1));
    const g = svg('g', { class: 'input-mark ' + mk.state });
    markers.push(g);
    g.append(svg('line', { x1: x, x2: x, y1: f.m.top, y2: f.m.top + f.ph, stroke: '#8e44ad', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }));
    const label = mk.state === 'requested' ? 'asked' : mk.state === 'answered' ? 'answered' + (mk.action && mk.action !== 'accept' ? ' (' + mk.action + ')' : '') : 'withdrawn';
    g.append(svg('text', { x: x + 3, y: f.m.top + f.ph - 4, fill: '#8e44ad' }, label));
    titled(g, label + ' at ' + clock(mk.at));
    if (mk.state === 'requested') asked = mk.at;
    else if (asked !== undefined) {
      waits.push([asked, mk.at]);
      asked = undefined;
    }
  }
  if (asked !== undefined) waits.push([asked, t1]);
  for (const [from, to] of waits) {
    f.root.append(titled(svg('rect', { class: 'waiting', x: f.x(from), y: f.m.top, width: Math.max(1, f.x(to) - f.x(from)), height: f.ph, fill: '#ead7f3', 'fill-opacity': 0.8 }), 'waiting for an answer · ' + dur(to - from)));
  }
  return markers;
}

function phaseChart(t, h, t0, t1) {
  const phases = (h && h.phases) || [];
  const wrap = el('div', 'phases');
  if (!phases.length) {
    wrap.append(el('p', 'note', h ? 'No phases.' : 'Phases are shown for tasks this dashboard saw run.'));
    return wrap;
  }
  const row = 20;
  const box = el('div');
  wrap.append(box);
  const f = frameChart(box, { width: chartWidth, height: phases.length * row + 26, t0, t1, origin: t0, y0: 0, y1: phases.length, label: 'Phases', margin: { left: LABEL_W, top: 4 } });
  phases.forEach((p, i) => {
    const depth = p.path.length - 1;
    const y = f.m.top + i * row;
    const g = svg('g', { class: 'phase' + (p.abandoned ? ' abandoned' : p.endedAt ? ' done' : ' open'), 'data-name': p.name });
    const name = p.name.length > 24 - depth * 2 ? p.name.slice(0, 23 - depth * 2) + '…' : p.name;
    g.append(svg('text', { x: 4 + depth * 12, y: y + 14, fill: '#1c2330' }, name));
    const x0 = f.x(p.startedAt);
    const x1 = Math.max(x0 + 2, f.x(p.endedAt || t1));
    const fill = p.abandoned ? '#f1b9b7' : p.endedAt ? '#9bb8ef' : '#2f6fde';
    g.append(svg('rect', { x: x0, y: y + 3, width: x1 - x0, height: row - 6, rx: 3, fill, stroke: p.abandoned ? '#c8322f' : 'none' }));
    const note = Math.round(p.from) + '–' + Math.round(p.to) + '%' + (p.total ? ' · ' + p.total + ' items' : '') + (p.abandoned ? ' · abandoned' : '') + (p.endedAt ? ' · ' + dur(p.endedAt - p.startedAt) : '');
    const right = x1 + 4 + note.length * 6 < f.width;
    g.append(svg('text', { x: right ? x1 + 4 : x0 - 4, y: y + 14, 'text-anchor': right ? 'start' : 'end' }, note));
    titled(g, p.path.join(' › ') + ' (' + note + ', attempt ' + p.attempt + ')');
    f.root.append(g);
  });
  box.append(f.root);
  return wrap;
}

function resources(t, h) {
  const s = section('Resources');
  s.dataset.part = 'resources';
  const samples = (h && h.resources) || [];
  if (samples.length === 0) {
    s.append(el('p', 'note', 'No resource samples: sampling is off (TaskManager option resources), or the task has not run here.'));
    return s;
  }
  const { t0, t1 } = spanOf(t);
  const cpu = [];
  const elu = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a.attempt !== b.attempt || b.wallMs <= a.wallMs) continue;
    cpu.push([b.at, (100 * (b.cpuMs - a.cpuMs)) / (b.wallMs - a.wallMs)]);
    elu.push([b.at, 100 * b.eventLoopUtilization]);
  }
  const cpuBox = el('div', 'chart cpu');
  const topCpu = Math.max(100, Math.ceil(Math.max(0, ...cpu.map((p) => p[1])) / 50) * 50);
  const fc = frameChart(cpuBox, { width: chartWidth, height: 110, t0, t1, origin: t0, y0: 0, y1: topCpu, yTicks: [0, topCpu / 2, topCpu], yLabel: (v) => Math.round(v) + '%', label: 'CPU over time', margin: { left: LABEL_W } });
  fc.root.append(svg('text', { x: 0, y: fc.m.top + 14, 'font-weight': 600 }, 'CPU'));
  fc.root.append(svg('text', { x: 0, y: fc.m.top + 30 }, '— cpu · - - event loop'));
  if (cpu.length) {
    plotLine(fc, cpu, { class: 'cpu-line', stroke: '#e07b00', 'stroke-width': 2 });
    plotLine(fc, elu, { class: 'elu-line', stroke: '#7b3fb8', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
  } else fc.root.append(svg('text', { x: LABEL_W + 8, y: fc.m.top + fc.ph / 2 }, 'CPU needs two samples of one attempt.'));
  cpuBox.append(fc.root);
  const memBox = el('div', 'chart memory');
  const mb = (v) => v / 1048576;
  const rss = samples.map((p) => [p.at, mb(p.rssBytes)]);
  const heap = samples.map((p) => [p.at, mb(p.heapUsedBytes)]);
  const step = niceStep(Math.max(...rss.map((p) => p[1]), 1), 2);
  const topMem = Math.ceil(Math.max(...rss.map((p) => p[1]), 1) / step) * step;
  const fm = frameChart(memBox, { width: chartWidth, height: 110, t0, t1, origin: t0, y0: 0, y1: topMem, yTicks: [0, topMem / 2, topMem], yLabel: (v) => Math.round(v) + ' MB', label: 'Memory over time', margin: { left: LABEL_W } });
  fm.root.append(svg('text', { x: 0, y: fm.m.top + 14, 'font-weight': 600 }, 'Memory'));
  fm.root.append(svg('text', { x: 0, y: fm.m.top + 30 }, '— rss · - - heap used'));
  plotLine(fm, rss, { class: 'rss-line', stroke: '#0f9d8a', 'stroke-width': 2 });
  plotLine(fm, heap, { class: 'heap-line', stroke: '#5c6bc0', 'stroke-width': 1.5, 'stroke-dasharray': '4 3' });
  memBox.append(fm.root);
  s.append(cpuBox, memBox);
  const last = samples[samples.length - 1];
  s.append(el('p', 'note', samples.length + ' samples · last: CPU ' + dur(last.cpuMs) + ' in ' + dur(last.wallMs) + ', rss ' + mb(last.rssBytes).toFixed(0) + ' MB, heap ' + mb(last.heapUsedBytes).toFixed(0) + ' MB' + (samples.some((p) => p.shared) ? '. Thread-wide figures: other tasks ran on the same thread (a WorkerThreadExecutor gives exact ones).' : '.')));
  return s;
}
`;
