export { monitor, type MonitorOptions, type MonitorStatus, type MonitoredJob } from './monitor.js';
export type { ScheduleSpec } from './schedule.js';
