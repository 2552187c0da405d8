/**
 * OpenTelemetry's own diagnostics (exporter failures, dropped spans, misconfiguration) go to stderr
 * through the diag logger, at the level OTEL_LOG_LEVEL asks for. All levels go to stderr: stdout
 * belongs to the app (DiagConsoleLogger would print info and debug there).
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { format } from 'node:util';
import type { Config } from '../config.js';

const LEVELS: Record<Config['logLevel'], DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

const write = (message: string, ...args: unknown[]) => {
  process.stderr.write(`${format(message, ...args)}\n`);
};

export const stderrLogger: DiagLogger = { error: write, warn: write, info: write, debug: write, verbose: write };

export function setupDiagLogger(level: Config['logLevel']): void {
  // suppressOverrideMessage: NodeSDK may have installed a console logger from OTEL_LOG_LEVEL already; ours wins quietly.
  diag.setLogger(stderrLogger, { logLevel: LEVELS[level], suppressOverrideMessage: true });
}
