import type { IncomingMessage } from 'node:http';
import { InvalidArgumentError } from '@headway/core';
import type { TaskManager } from '@headway/core';
import { ownerLabeller } from './owner-label.js';
import type { OwnerLabel } from './owner-label.js';

/** The manager methods the dashboard uses. */
export type DashboardManager = Pick<TaskManager, 'list' | 'get' | 'cancel' | 'stats'>;

export interface DashboardOptions {
  /**
   * The manager whose tasks are shown; a function returning it lets the dashboard be created
   * first and passed in the manager's own `reporters` option.
   */
  manager: DashboardManager | (() => DashboardManager);
  /** Page title. Default `Headway tasks`. */
  title?: string;
  /** Task views kept in memory (finished ones are evicted first). Default 500. */
  maxTasks?: number;
  /** Log lines kept in memory. Default 200. */
  maxLogLines?: number;
  /** How often pending frames are written to each client, in ms; progress is coalesced per task in between. Default 100. */
  frameMs?: number;
  /** Comment sent to every client after this many ms, to keep proxies from closing the stream. Default 15000; 0 disables. */
  heartbeatMs?: number;
  /** Frames waiting for one slow client before it is dropped. Default 1000. */
  maxClientBuffer?: number;
  /** Concurrent event streams; more get 503. Default 32. */
  maxClients?: number;
  /** Serve `POST /api/tasks/:id/cancel` and show cancel buttons. Default false. */
  allowCancel?: boolean;
  /** Called for every request; false (or a rejection) answers 403. Use it for auth. */
  authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * Accepted `Host` header names (without port), against DNS rebinding. Default loopback names
   * only (`localhost`, `127.0.0.1`, `[::1]`); `'any'` turns the check off (e.g. behind a proxy).
   */
  allowedHosts?: readonly string[] | 'any';
  /** Path prefix the dashboard is mounted under, e.g. `/ops`. Default none. */
  basePath?: string;
  /**
   * The name the page shows for an owner (the full owner stays in tooltips and the filter), e.g.
   * `(owner) => users.get(owner)?.name ?? owner`. Called once per owner (answers are remembered for
   * the last 1000 owners); a throw or an empty answer falls back to the default, which shortens
   * opaque ids: `session:<uuid>` → `session 3f2a91c0`, `principal:alice` → `alice`.
   */
  ownerLabel?: OwnerLabel;
}

export interface ResolvedDashboardOptions {
  manager: () => DashboardManager;
  title: string;
  maxTasks: number;
  maxLogLines: number;
  frameMs: number;
  heartbeatMs: number;
  maxClientBuffer: number;
  maxClients: number;
  allowCancel: boolean;
  authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
  allowedHosts: ReadonlySet<string> | 'any';
  basePath: string;
  ownerLabel: OwnerLabel;
}

export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(name, value, `a whole number of ${min} or more`);
  }
  return value;
}

export function resolveOptions(options: DashboardOptions): ResolvedDashboardOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('dashboard options', options, 'an object with a manager');
  }
  const manager = options.manager;
  let getManager: () => DashboardManager;
  if (typeof manager === 'function') {
    getManager = () => {
      const m = manager();
      if (!isManager(m)) throw new InvalidArgumentError('manager()', m, 'a TaskManager');
      return m;
    };
  } else if (isManager(manager)) {
    getManager = () => manager;
  } else {
    throw new InvalidArgumentError('manager', manager, 'a TaskManager or a function returning one');
  }
  const title = options.title ?? 'Headway tasks';
  if (typeof title !== 'string' || title.length > 200) throw new InvalidArgumentError('title', title, 'a string of at most 200 characters');
  const allowCancel = options.allowCancel ?? false;
  if (typeof allowCancel !== 'boolean') throw new InvalidArgumentError('allowCancel', allowCancel, 'true or false');
  if (options.authorize !== undefined && typeof options.authorize !== 'function') {
    throw new InvalidArgumentError('authorize', options.authorize, 'a function (req) => boolean | Promise<boolean>');
  }
  const basePath = options.basePath ?? '';
  if (typeof basePath !== 'string' || (basePath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath))) {
    throw new InvalidArgumentError('basePath', basePath, "'' or a path like /ops/tasks (no trailing slash)");
  }
  if (options.ownerLabel !== undefined && typeof options.ownerLabel !== 'function') {
    throw new InvalidArgumentError('ownerLabel', options.ownerLabel, 'a function (owner) => string');
  }
  const hosts = options.allowedHosts ?? LOOPBACK_HOSTS;
  let allowedHosts: ReadonlySet<string> | 'any';
  if (hosts === 'any') allowedHosts = 'any';
  else if (Array.isArray(hosts) && hosts.every((h) => typeof h === 'string' && h.length > 0)) {
    allowedHosts = new Set(hosts.map((h) => h.toLowerCase()));
  } else throw new InvalidArgumentError('allowedHosts', hosts, "an array of host names or 'any'");
  return {
    manager: getManager,
    title,
    maxTasks: integer('maxTasks', options.maxTasks, 500, 1),
    maxLogLines: integer('maxLogLines', options.maxLogLines, 200, 0),
    frameMs: integer('frameMs', options.frameMs, 100, 1),
    heartbeatMs: integer('heartbeatMs', options.heartbeatMs, 15_000, 0),
    maxClientBuffer: integer('maxClientBuffer', options.maxClientBuffer, 1000, 1),
    maxClients: integer('maxClients', options.maxClients, 32, 1),
    allowCancel,
    ...(options.authorize && { authorize: options.authorize }),
    allowedHosts,
    basePath,
    ownerLabel: ownerLabeller(options.ownerLabel),
  };
}

function isManager(value: unknown): value is DashboardManager {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return ['list', 'get', 'cancel', 'stats'].every((key) => typeof m[key] === 'function');
}
