export { RedisTaskStore } from './redis-task-store.js';
export type { RedisTaskStoreOptions } from './redis-task-store.js';
export { CLIENT_DEFAULTS } from './connection.js';
export type { RedisConnection } from './connection.js';
export { RedisStoreError } from './errors.js';
export { KeyLayout } from './keys.js';
