export { start, shutdown } from './sdk/start.js';
export type { StartOptions, Telemetry } from './sdk/start.js';
export { setupExpressErrorHandler } from './sdk/express.js';
export type { ExpressLikeApp } from './sdk/express.js';
export { scrubEvent } from './sdk/scrub.js';
export { loadConfig, ConfigError } from './config.js';
export type { Config } from './config.js';
