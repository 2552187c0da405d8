/**
 * How the CLI ends: 0 when the command did its job, 1 when it failed (bad configuration, store error,
 * a failed check), 2 when it was called wrongly (unknown option, bad flag value), 3 when it did its job and
 * found nothing (gdpr export of an unknown user). Errors print one line on stderr; the stack only with
 * --verbose or TC9_DEBUG.
 */
import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { StoreError } from '../store/store.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** The command worked and found nothing for what was asked (gdpr export of a user the store holds no rows of). */
export const EXIT_NO_DATA = 3;

/** The command was called wrongly: exit 2, with a pointer to its --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure whose message is the whole story (no "error:" prefix worth adding, no stack worth showing). */
export class CliFailure extends Error {
  override name = 'CliFailure';
}

/** Why a network call failed, in words: "connection refused", "timed out after 2 s", ... */
export function networkReason(err: unknown, timeoutMs?: number): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError')
    return timeoutMs ? `timed out after ${formatSeconds(timeoutMs)}` : 'timed out';
  const code = e?.cause?.code ?? e?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeoutMs ? `timed out after ${formatSeconds(timeoutMs)}` : 'timed out';
    default:
      return e?.cause?.message ?? e?.message ?? String(err);
  }
}

export const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

const firstLine = (text: string) => text.split('\n')[0] ?? text;

/** The message and exit code for anything a command throws. */
export function describeError(err: unknown, command = 'tc9-obs'): { message: string; exitCode: number } {
  if (err instanceof CommanderError) return { message: '', exitCode: err.exitCode === 0 ? EXIT_OK : EXIT_USAGE };
  if (err instanceof UsageError) return { message: `error: ${err.message}\n(see ${command} --help)`, exitCode: EXIT_USAGE };
  if (err instanceof ConfigError)
    return { message: `${err.message}\nfix: set ${err.variable} to ${err.accepts}, or unset it for the default`, exitCode: EXIT_FAILURE };
  if (err instanceof StoreError) {
    const table = /Unknown table (?:expression identifier )?'?([\w.`]+)'?/.exec(err.message)?.[1];
    if (table || /UNKNOWN_DATABASE/.test(err.message)) {
      const what = table ? `table ${table.replace(/`/g, '')}` : 'database';
      // Most often the wrong store rather than an unmigrated one: say how to point at the right one first.
      const fix =
        err.kind === 'chdb'
          ? 'fix: point TC9_DATA_DIR or --data-dir at the store your app writes (the demo writes .tc9/demo/store), or run tc9-obs db migrate to create the schema here'
          : 'fix: check CLICKHOUSE_URL and CLICKHOUSE_DATABASE point at the store your app writes, or run tc9-obs db migrate to create the schema there';
      return {
        message: `tc9-observability store (${err.kind}): ${what} does not exist: the schema is not migrated\n${fix}`,
        exitCode: EXIT_FAILURE,
      };
    }
    // Another process holds the chDB directory (its lock file); withExistingStore catches the usual case first.
    if (/Cannot lock file|Another server instance in same directory/i.test(err.message)) {
      return {
        message: `tc9-observability store (chdb): the data directory is in use by another process (an app writing telemetry to it; chDB opens a store from one process at a time)\nfix: stop that app and run this again, or read a copy of the directory`,
        exitCode: EXIT_FAILURE,
      };
    }
    // The second line names the statement; useful with --verbose, noise otherwise.
    const reason = firstLine(err.message);
    const hint = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Timeout error/i.test(err.message)
      ? err.kind === 'clickhouse'
        ? '\nfix: start ClickHouse (docker compose up clickhouse) or correct CLICKHOUSE_URL'
        : ''
      : /Authentication failed|AUTHENTICATION_FAILED/i.test(err.message)
        ? '\nfix: check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD'
        : '';
    return { message: reason + hint, exitCode: EXIT_FAILURE };
  }
  if (err instanceof CliFailure) return { message: err.message, exitCode: EXIT_FAILURE };
  if (err instanceof Error) return { message: firstLine(err.message), exitCode: EXIT_FAILURE };
  return { message: String(err), exitCode: EXIT_FAILURE };
}

/** Stack and causes, for --verbose / TC9_DEBUG. */
export function errorDetails(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? (current.stack ?? current.message) : String(current));
    current = current instanceof Error ? current.cause : undefined;
    if (current) parts.push('caused by:');
  }
  return parts.join('\n');
}
