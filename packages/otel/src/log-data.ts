/** Log data as the span event attribute shows it: strings as they are, anything else as JSON. */
export function logDataText(data: unknown): string {
  if (typeof data === 'string') return data;
  try {
    return JSON.stringify(data) ?? String(data);
  } catch {
    return String(data);
  }
}
