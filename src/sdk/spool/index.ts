/**
 * The disk spool for log records (analytics events) while the collector is unreachable; see exporter.ts
 * for how it behaves, directory.ts for the files, location.ts for where they are.
 */
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Config } from '../../config.js';
import { FAILURE_REPORT_INTERVAL_MS } from '../export-failures.js';
import { SpoolDirectory } from './directory.js';
import { SpoolingLogExporter } from './exporter.js';
import { resolveSpoolDir } from './location.js';

export { SpoolDirectory } from './directory.js';
export { SpoolingLogExporter, type SpoolingOptions } from './exporter.js';
export { decodeBatch, encodeBatch, SpoolFormatError } from './format.js';
export { defaultSpoolDirs, resolveSpoolDir } from './location.js';

/** Opens the configured spool (recovering what an earlier process left) and wraps `inner` with it. */
export function createSpoolingLogExporter(inner: LogRecordExporter, config: Config, what: string): SpoolingLogExporter {
  const spool = (async () => {
    const dir = new SpoolDirectory(await resolveSpoolDir(config.spool.dir, config.serviceName), config.spool.maxBytes);
    await dir.recover();
    return dir;
  })();
  return new SpoolingLogExporter(inner, spool, {
    what,
    // The OTLP exporter answers within its timeout (retries included); the margin covers a busy event loop.
    exportTimeoutMs: config.otlp.timeoutMs + 1_000,
    retryMaxMs: config.spool.retryMaxMs,
    reportIntervalMs: FAILURE_REPORT_INTERVAL_MS,
  });
}
