/** What the demo tells the user at its end: the command to look at the data again, and where errors went. */
import { isAbsolute, relative } from 'node:path';
import { demoStoreDir } from './settings.js';

/** A path as typed from `cwd`: relative when under it; quoted for a POSIX shell when it needs to be. */
function shellPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return /^[\w./-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/**
 * The report command over the demo's store, to run from where the demo ran. It names the store: the CLI's own
 * default (.tc9/data) is where an app writes, not the demo.
 */
export function nextCommand(outDir: string, cwd: string = process.cwd()): string {
  return `npx tc9-obs report --since 24h --data-dir ${shellPath(demoStoreDir(outDir), cwd)}`;
}

/** The Spotlight sidecar's own address; as a DSN it keeps Sentry's events on this machine. */
const SPOTLIGHT_DSN = 'http://spotlight@localhost:8969/0';

/** Where the captured errors went, and how to see them in Sentry's UI or locally in Spotlight. */
export function errorsHint(errors: number, dsn: string | undefined): string {
  if (dsn) return `Errors: ${errors} captured; also sent to Sentry (${new URL(dsn).host}).`;
  return [
    `Errors: ${errors} captured into the store (the errors view above). SENTRY_DSN is not set, so none went to Sentry.`,
    '  To send them to your Sentry project, run the demo with SENTRY_DSN=<your project DSN> set.',
    '  To see them locally in Spotlight (a Sentry-like UI), start it in another terminal with `npx @spotlightjs/spotlight`',
    '  (UI at http://localhost:8969), then run the demo again with Spotlight on and a DSN pointing at this machine',
    '  (the Sentry SDK only starts with a DSN; this one sends nothing elsewhere):',
    `    SENTRY_SPOTLIGHT=1 SENTRY_DSN=${SPOTLIGHT_DSN} npx tc9-obs demo`,
  ].join('\n');
}
