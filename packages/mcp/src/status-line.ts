// One short line about a running task, for a person and for a model: what it does, how far it is,
// how long it still needs. Sent as `statusMessage` (the tasks extension has no progress notifications).

export interface StatusLineFacts {
  /** The current phase, e.g. "Deleting subjects". */
  phase?: string;
  /** The latest progress message; shown after the phase when it says something else. */
  message?: string;
  /** Overall progress, 0–100. */
  percent?: number;
  /** Items done in the current phase, and how many there are. */
  current?: number;
  total?: number;
  /** Expected time to completion. */
  etaMs?: number;
}

/** Longest line produced; longer labels are cut with an ellipsis. */
export const STATUS_LINE_MAX = 160;

/** E.g. "Deleting subjects: 42/150 (38 %), about 1 min left". */
export function statusLine(facts: StatusLineFacts): string {
  const figures: string[] = [];
  const counts = countsOf(facts.current, facts.total);
  const percent = isNumber(facts.percent) ? `${Math.floor(Math.min(100, Math.max(0, facts.percent)))} %` : undefined;
  if (counts && percent) figures.push(`${counts} (${percent})`);
  else if (counts ?? percent) figures.push((counts ?? percent)!);
  const eta = isNumber(facts.etaMs) ? etaText(facts.etaMs) : undefined;
  const tail = [figures.join(''), eta].filter((part) => part !== undefined && part.length > 0).join(', ');
  const label = labelOf(facts.phase, facts.message);
  if (!label) return tail.length > 0 ? tail : 'Working';
  if (tail.length === 0) return cut(label, STATUS_LINE_MAX);
  return `${cut(label, STATUS_LINE_MAX - tail.length - 2)}: ${tail}`;
}

/** "a few seconds left", "about 40 s left", "about 3 min left", "about 2 h left". */
export function etaText(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 60) return `about ${Math.round(seconds / 10) * 10} s left`;
  const minutes = seconds / 60;
  if (minutes < 90) return `about ${Math.round(minutes)} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}

function countsOf(current: number | undefined, total: number | undefined): string | undefined {
  if (!isNumber(current)) return undefined;
  const done = Math.floor(Math.max(0, current));
  return isNumber(total) && total > 0 ? `${Math.min(done, Math.floor(total))}/${Math.floor(total)}` : `${done} done`;
}

/** What a task is doing, in one line: "Deleting subjects – orders-value", the phase or the message alone, or undefined. */
function labelOf(phase: string | undefined, message: string | undefined): string | undefined {
  const p = oneLine(phase);
  const m = oneLine(message);
  if (p && m && m !== p) return `${p} – ${m}`;
  return p ?? m;
}

function oneLine(text: string | undefined): string | undefined {
  const line = text?.replace(/\s+/g, ' ').trim();
  return line ? line : undefined;
}

function cut(text: string, max: number): string {
  const room = Math.max(1, max);
  return text.length <= room ? text : `${text.slice(0, room - 1).trimEnd()}…`;
}

function isNumber(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
