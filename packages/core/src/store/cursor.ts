import { InvalidArgumentError } from '../errors.js';

/** Cursors are opaque to callers: the seq of the last record of the previous page, encoded. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  if (typeof cursor !== 'string') throw new InvalidArgumentError('cursor', cursor, 'a cursor string from a previous page');
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^s:(\d{1,15})$/.exec(text);
  if (!match) throw new InvalidArgumentError('cursor', cursor, 'a cursor string from a previous page');
  return Number(match[1]);
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function checkPageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError('limit', limit, `an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}
