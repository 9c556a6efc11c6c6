// A strict-enough parser of the Prometheus text exposition format (0.0.4), for tests.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type?: string;
  help?: string;
  samples: Sample[];
}

export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
  /** Sample value by name and labels; undefined when absent. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Distinct sample series (name + label set). */
  seriesCount(): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

export function parseExposition(text: string): Exposition {
  const families = new Map<string, Family>();
  const samples: Sample[] = [];
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!m) return; // a plain comment
      if (m[1] === 'HELP') family(m[2]!).help = m[3];
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) throw new Error(`line ${i + 1}: bad type ${m[3]}`);
        family(m[2]!).type = m[3];
      }
      return;
    }
    const sample = parseSample(line, i + 1);
    samples.push(sample);
    const owner =
      families.get(sample.name) ??
      [...families.values()].find((f) => SUFFIXES.some((s) => f.name + s === sample.name)) ??
      family(sample.name);
    owner.samples.push(sample);
  });
  const key = (name: string, labels: Record<string, string>) =>
    `${name}{${Object.keys(labels)
      .sort()
      .map((k) => `${k}=${JSON.stringify(labels[k])}`)
      .join(',')}}`;
  const index = new Map(samples.map((s) => [key(s.name, s.labels), s.value]));
  if (index.size !== samples.length) throw new Error('duplicate series in exposition');
  return {
    families,
    samples,
    value: (name, labels = {}) => index.get(key(name, labels)),
    seriesCount: () => index.size,
  };
}

function parseSample(line: string, lineNo: number): Sample {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) throw new Error(`line ${lineNo}: no metric name in ${JSON.stringify(line)}`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    while (line[pos] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
      if (!labelMatch) throw new Error(`line ${lineNo}: bad label at ${pos}`);
      pos += labelMatch[0].length;
      let value = '';
      for (;;) {
        const c = line[pos++];
        if (c === undefined) throw new Error(`line ${lineNo}: unterminated label value`);
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          value += e === 'n' ? '\n' : e === '\\' ? '\\' : e === '"' ? '"' : `\\${e}`;
        } else value += c;
      }
      labels[labelMatch[1]!] = value;
      if (line[pos] === ',') pos++;
    }
    pos++;
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2) throw new Error(`line ${lineNo}: bad value part ${JSON.stringify(line.slice(pos))}`);
  const raw = rest[0]!;
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`line ${lineNo}: bad value ${raw}`);
  return { name, labels, value };
}
