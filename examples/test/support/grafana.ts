// Reads the PromQL of a Grafana dashboard JSON and expands Grafana's variables, so each
// expression can be evaluated by a real Prometheus as Grafana would send it.

interface Target {
  expr?: string;
  refId?: string;
  hide?: boolean;
}

interface Panel {
  title?: string;
  type?: string;
  targets?: Target[];
  panels?: Panel[];
}

interface Variable {
  name: string;
  type?: string;
  query?: string | { query?: string };
}

export interface GrafanaDashboard {
  panels: Panel[];
  time?: { from: string; to: string };
  templating?: { list: Variable[] };
}

export interface PanelQuery {
  /** `panel "Title" (type) A`, for messages. */
  where: string;
  panelType: string;
  expr: string;
}

/** Every target expression of every panel (rows included), in dashboard order. */
export function panelQueries(dashboard: GrafanaDashboard): PanelQuery[] {
  const found: PanelQuery[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr && !target.hide) {
          found.push({ where: `panel "${panel.title}" (${panel.type}) ${target.refId ?? ''}`.trim(), panelType: panel.type ?? '', expr: target.expr });
        }
      }
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return found;
}

/** Query variables as `{ name, metric, label }` for `label_values(metric, label)` queries. */
export function labelValueVariables(dashboard: GrafanaDashboard): { name: string; metric: string; label: string }[] {
  const found: { name: string; metric: string; label: string }[] = [];
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const q = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const match = /^\s*label_values\(\s*([^,]+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(q ?? '');
    if (!match) throw new Error(`variable ${variable.name}: unsupported query ${JSON.stringify(q)}`);
    found.push({ name: variable.name, metric: match[1]!, label: match[2]! });
  }
  return found;
}

/**
 * Replaces `$name`, `${name}`, `${name:format}` and `[[name]]` with `values[name]`; any variable left
 * without a value is an error (an expression Grafana could not send either).
 */
export function expandVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    const value = values[name];
    if (value === undefined) throw new Error(`no value for the Grafana variable ${whole} in ${expr}`);
    return value;
  });
}

/**
 * Grafana's built-in interval variables for a dashboard range and a scrape interval, as Grafana
 * computes them (`$__rate_interval` = max(`$__interval` + scrape interval, 4 × scrape interval)).
 */
export function builtInVariables(rangeSeconds: number, intervalSeconds: number, scrapeSeconds: number): Record<string, string> {
  const rateInterval = Math.max(intervalSeconds + scrapeSeconds, 4 * scrapeSeconds);
  return {
    __range: `${rangeSeconds}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
    __interval: `${intervalSeconds}s`,
    __interval_ms: String(intervalSeconds * 1000),
    __rate_interval: `${rateInterval}s`,
  };
}
