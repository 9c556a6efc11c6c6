const WIDTH = 30;

/** One progress bar line on the terminal (plain lines when not a TTY), with log lines above it. */
export class ProgressBar {
  private shown = false;
  private readonly tty = process.stdout.isTTY === true;
  private last = '';

  update(progress: number, total: number | undefined, message: string | undefined): void {
    const percent = total ? (progress / total) * 100 : progress;
    const filled = Math.max(0, Math.min(WIDTH, Math.round((percent / 100) * WIDTH)));
    const line = `  [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${percent.toFixed(1).padStart(5)}% ${message ?? ''}`;
    if (this.tty) {
      process.stdout.write(`\r\x1b[2K${line.slice(0, (process.stdout.columns || 100) - 1)}`);
      this.shown = true;
    } else if (line !== this.last) console.log(line);
    this.last = line;
  }

  log(line: string): void {
    this.clear();
    console.log(`  ${line}`);
    if (this.tty && this.last) {
      process.stdout.write(this.last.slice(0, (process.stdout.columns || 100) - 1));
      this.shown = true;
    }
  }

  done(): void {
    if (this.shown) process.stdout.write('\n');
    this.shown = false;
    this.last = '';
  }

  private clear(): void {
    if (this.shown && this.tty) process.stdout.write('\r\x1b[2K');
    this.shown = false;
  }
}
