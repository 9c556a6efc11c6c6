// Live progress bars on a terminal: one line per running task, redrawn in place, with lines of text
// printed above them. Not on a terminal (a pipe, a file), bars draw nothing: only the lines are
// printed, plainly, with no control codes.
//
// A bar draws its fill and the caller's text after it, and adds no figures of its own: the text is
// one status line with one percent and at most one ETA (an MCP server's status line, which words
// both, or `figuresText` for a caller that has the numbers).

const BAR_WIDTH = 24;
const LABEL_WIDTH = 8;

/** One task's bar on a `ProgressBoard`. */
export interface Bar {
  /** Fills the bar to `percent` (0–100); `text`, when given, replaces the status line shown after it. */
  update(percent: number, text?: string): void;
  /** Removes the bar; `line`, when given, is printed in its place for good. */
  done(line?: string): void;
}

/** A set of live bars under a stream of printed lines. */
export class ProgressBoard {
  private readonly bars: BarLine[] = [];
  /** Bar lines currently on the screen, below the printed lines. */
  private drawn = 0;

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    /** Redraw bars in place; by default only when `out` is a terminal. */
    readonly live: boolean = out.isTTY === true,
  ) {}

  /** Prints a line above the bars. */
  print(line: string): void {
    this.render([line]);
  }

  /** Adds a bar labelled `label`, drawn below the others. */
  bar(label: string): Bar {
    const line = new BarLine(label);
    this.bars.push(line);
    this.render();
    return {
      update: (percent, text) => {
        if (!this.bars.includes(line)) return;
        line.set(percent, text);
        this.render();
      },
      done: (text) => {
        const index = this.bars.indexOf(line);
        if (index < 0) return;
        this.bars.splice(index, 1);
        this.render(text === undefined ? [] : [text]);
      },
    };
  }

  private render(lines: readonly string[] = []): void {
    if (!this.live) {
      if (lines.length > 0) this.out.write(lines.map((line) => `${line}\n`).join(''));
      return;
    }
    // Back to the first bar line (CPL), clear to the end of the screen, print the new lines where
    // the bars were, then the bars again below them. Bar lines are cut to the terminal's width so
    // none wraps, which would break the count of lines to go back.
    const width = Math.max(20, (this.out.columns || 100) - 1);
    let text = this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[0J` : '';
    for (const line of lines) text += `${line}\n`;
    for (const bar of this.bars) text += `${cut(bar.text(), width)}\n`;
    this.drawn = this.bars.length;
    if (text.length > 0) this.out.write(text);
  }
}

class BarLine {
  private percent = 0;
  private status = '';

  constructor(private readonly label: string) {}

  set(percent: number, text: string | undefined): void {
    this.percent = Math.max(0, Math.min(100, percent));
    this.status = text ?? this.status;
  }

  text(): string {
    // Floored, as status lines floor their percent: the bar is full only at 100.
    const filled = Math.floor((this.percent / 100) * BAR_WIDTH);
    return `    ${this.label.padEnd(LABEL_WIDTH)} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${this.status}`.trimEnd();
  }
}

/** A status line from the numbers, e.g. " 42% Hashing: src/a.ts · ETA 3.1 s" (the percent floored; the ETA while below 100). */
export function figuresText(percent: number, label: string, etaMs?: number): string {
  const floored = Math.floor(Math.max(0, Math.min(100, percent)));
  const eta = etaMs !== undefined && floored < 100 ? ` · ETA ${formatSeconds(etaMs)}` : '';
  return [`${String(floored).padStart(3)}%`, label].filter((part) => part.length > 0).join(' ') + eta;
}

/** "0.4 s", "12 s", "3 min 5 s". */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
