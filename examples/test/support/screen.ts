// What a terminal would show for some output: applies the few control sequences the demo's
// progress board writes (cursor to the start of a line n lines up, clear to the end of the screen,
// carriage return, newline) and returns the lines left on the screen.
export function screenOf(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  // eslint-disable-next-line no-control-regex -- escape sequences are what it reads
  const pattern = /\x1b\[(\d*)([A-Za-z])|\r|\n|[^\x1b\r\n]+/g;
  for (const [token, count, command] of output.matchAll(pattern)) {
    if (command === 'F') [row, col] = [Math.max(0, row - Number(count || 1)), 0];
    else if (command === 'J') {
      lines.length = row + 1;
      lines[row] = lines[row]!.slice(0, col);
    } else if (command !== undefined) throw new Error(`unexpected control sequence ${JSON.stringify(token)}`);
    else if (token === '\r') col = 0;
    else if (token === '\n') {
      row += 1;
      col = 0;
      lines[row] ??= '';
    } else {
      const line = lines[row]!.padEnd(col);
      lines[row] = line.slice(0, col) + token + line.slice(col + token.length);
      col += token.length;
    }
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}
