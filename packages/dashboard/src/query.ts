import { InvalidArgumentError, TASK_STATUSES } from '@headway/core';
import { MAX_PAGE_SIZE } from '@headway/core/spi';
import type { ListQuery, TaskStatus } from '@headway/core';

const LIST_PARAMS = new Set(['limit', 'cursor', 'status', 'kind', 'owner']);

/** Parses `GET /api/tasks` query parameters; anything unexpected is an `InvalidArgumentError`. */
export function parseListQuery(params: URLSearchParams): Omit<ListQuery, 'owner'> & { owner?: string } {
  for (const key of new Set(params.keys())) {
    if (!LIST_PARAMS.has(key)) throw new InvalidArgumentError('query parameter', key, [...LIST_PARAMS].join(', '));
    if (params.getAll(key).length > 1) throw new InvalidArgumentError(key, params.getAll(key).join(','), 'a single value');
  }
  const query: Omit<ListQuery, 'owner'> & { owner?: string } = {};
  const limit = params.get('limit');
  if (limit !== null) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(n >= 1 && n <= MAX_PAGE_SIZE)) throw new InvalidArgumentError('limit', limit, `an integer from 1 to ${MAX_PAGE_SIZE}`);
    query.limit = n;
  }
  const cursor = params.get('cursor');
  if (cursor !== null) {
    if (cursor === '') throw new InvalidArgumentError('cursor', cursor, 'a cursor string from a previous page');
    query.cursor = cursor;
  }
  const status = params.get('status');
  if (status !== null) {
    const list = status.split(',');
    for (const s of list) {
      if (!(TASK_STATUSES as readonly string[]).includes(s)) {
        throw new InvalidArgumentError('status', s, `a comma-separated list of ${TASK_STATUSES.join(', ')}`);
      }
    }
    query.status = list as TaskStatus[];
  }
  for (const key of ['kind', 'owner'] as const) {
    const value = params.get(key);
    if (value === null) continue;
    if (value === '' || value.length > 256) throw new InvalidArgumentError(key, value, 'a non-empty string of at most 256 characters');
    query[key] = value;
  }
  return query;
}
