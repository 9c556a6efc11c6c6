export { createDashboard } from './dashboard.js';
export type { Dashboard, DashboardServer, DashboardStats, ListenOptions } from './dashboard.js';
export type { DashboardManager, DashboardOptions } from './options.js';
export { LOOPBACK_HOSTS } from './options.js';
export { CANCEL_HEADER } from './http-handler.js';
export type { NextFunction } from './http-handler.js';
export type { TaskView } from './task-view.js';
export type { LogLine } from './log-line.js';
export type { EventStreamStats } from './event-stream.js';
