// A private Prometheus server for tests: Debian's `prometheus` binary run directly (no systemd),
// with a temporary config and TSDB directory, on a free loopback port.
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnChild } from './child-process.js';

/** The prometheus binary: `PROMETHEUS_BIN`, else `prometheus` on the PATH, else Debian's path. */
export function findPrometheus(): string | undefined {
  const candidates = [
    process.env.PROMETHEUS_BIN,
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'prometheus')),
    '/usr/bin/prometheus',
  ];
  for (const path of candidates) {
    if (!path) continue;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (released before it is returned: bind it promptly). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One sample of an instant vector or a range vector, as `/api/v1/query` answers it. */
export interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

export interface PromResult {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  result: PromSeries[] | [number, string];
}

export interface PrometheusOptions {
  /** The URL Prometheus scrapes, e.g. `http://127.0.0.1:3000/metrics`. */
  target: string;
  /** Default `1s`. */
  scrapeInterval?: string;
  /** A whole configuration (YAML) to run instead of the one built from `target` (its job must be `headway`). */
  configText?: string;
}

export interface PrometheusServer {
  readonly url: string;
  /** `/api/v1/query`; rejects with Prometheus's error text when the expression does not evaluate. */
  query(expr: string, time?: number): Promise<PromResult>;
  /** `/api/v1/query_range` over [start, end] (epoch seconds) with a step in seconds. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<PromResult>;
  /** `/api/v1/label/<name>/values`, optionally restricted by a series selector. */
  labelValues(name: string, match?: string): Promise<string[]>;
  /** Scrapes of the target that succeeded so far (from Prometheus's own `up` series). */
  scrapes(): Promise<number>;
  /** What it printed, for failure messages. */
  log(): string;
  close(): Promise<void>;
}

export async function startPrometheus(binary: string, options: PrometheusOptions): Promise<PrometheusServer> {
  const target = new URL(options.target);
  const interval = options.scrapeInterval ?? '1s';
  const dir = mkdtempSync(join(tmpdir(), 'headway-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    options.configText ?? [
      'global:',
      `  scrape_interval: ${interval}`,
      `  scrape_timeout: ${interval}`,
      `  evaluation_interval: ${interval}`,
      'scrape_configs:',
      '  - job_name: headway',
      `    scheme: ${target.protocol.replace(':', '')}`,
      `    metrics_path: ${JSON.stringify(target.pathname)}`,
      '    static_configs:',
      `      - targets: [${JSON.stringify(target.host)}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnChild(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    {},
    20_000,
  );
  const close = async () => {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when /-/ready answers 200; give up if the process ends or after 60 s (a busy machine).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!child.running()) {
      await close();
      throw new Error(`prometheus exited before it was ready:\n${child.output()}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus did not become ready within 60 s:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  const api = async (path: string, params: Record<string, string>): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const body = (await res.json()) as { status: string; data?: unknown; errorType?: string; error?: string; warnings?: string[] };
    if (body.status !== 'success') throw new Error(`${body.errorType ?? res.status}: ${body.error ?? JSON.stringify(body)}`);
    if (body.warnings?.length) throw new Error(`warnings: ${body.warnings.join('; ')}`);
    return body.data;
  };

  return {
    url,
    query: (expr, time) => api('/api/v1/query', { query: expr, ...(time !== undefined && { time: String(time) }) }) as Promise<PromResult>,
    queryRange: (expr, start, end, step) =>
      api('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) }) as Promise<PromResult>,
    labelValues: async (name, match) => {
      const query = match ? `?${new URLSearchParams({ 'match[]': match })}` : '';
      const res = await fetch(`${url}/api/v1/label/${encodeURIComponent(name)}/values${query}`);
      const body = (await res.json()) as { status: string; data: string[]; error?: string };
      if (body.status !== 'success') throw new Error(body.error ?? 'label values failed');
      return body.data;
    },
    scrapes: async () => {
      const data = (await api('/api/v1/query', { query: 'sum(sum_over_time(up{job="headway"}[1h]))' })) as PromResult;
      const first = (data.result as PromSeries[])[0];
      return first?.value ? Number(first.value[1]) : 0;
    },
    log: () => child.output(),
    close,
  };
}
