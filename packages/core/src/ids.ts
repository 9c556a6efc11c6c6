import { randomFillSync } from 'node:crypto';

// 128 random bits per id from the CSPRNG, drawn from a pooled buffer so that creating
// a task does not pay for a system call each time.
const ID_BYTES = 16;
const POOL_SIZE = ID_BYTES * 256;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

/** A new task id: 128 bits from `crypto`, base64url (22 characters). */
export function newTaskId(): string {
  if (offset + ID_BYTES > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  pool.fill(0, offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** True for strings shaped like ids this library issues. */
export function isTaskIdShape(value: unknown): value is string {
  return typeof value === 'string' && TASK_ID_PATTERN.test(value);
}
