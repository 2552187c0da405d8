/**
 * `npm start` / `tc9-obs demo`: the reference migration service observed end to end on this machine, with
 * no Docker and no accounts.
 *
 * 1. Telemetry in embedded mode: start() with the store exporter (chDB under <outDir>/store, migrated first).
 * 2. PostgreSQL: DATABASE_URL, else an embedded PGlite served on a local port (postgres.ts).
 * 3. The service in this process (instrumented: the loader hook is registered before it is imported).
 * 4. Simulated users over HTTP for the duration (workload.ts, journey.ts), with a progress bar.
 * 5. Flush, wait for the rows, print the performance, migration, journey and error views (src/cli/views.ts),
 *    write <outDir>/report.html, say where errors went.
 * Ctrl-C during the workload ends it early; everything after still happens. Nothing is left running.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { register } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { assignVariant } from '../analytics/experiments.js';
import { collectViews, formatViews } from '../cli/views.js';
import type { Telemetry } from '../sdk/start.js';
import { start } from '../sdk/start.js';
import { createStore } from '../store/create-store.js';
import { migrate } from '../store/migrate.js';
import type { Store } from '../store/store.js';
import { errorsHint, nextCommand } from './hints.js';
import { openDemoDatabase, type DemoDatabase } from './postgres.js';
import { collectReportData, writeReport } from './report/index.js';
import { DEMO_SERVICE, demoSettings, sentryTraceUrl } from './settings.js';
import { waitForRows } from './wait-for-rows.js';
import { EXPERIMENT, runWorkload, type WorkloadResult } from './workload.js';

export interface DemoOptions {
  /** How long the simulated users act. Default 40 s. */
  durationSeconds?: number;
  /** Simulated users. Default 25. */
  users?: number;
  /** Demo data (store, database) and the report. Default .tc9/demo. */
  outDir?: string;
  /** Open the report in a browser when done (only on a desktop terminal). Default true. */
  openBrowser?: boolean;
}

export { errorsHint, nextCommand } from './hints.js';

export const DEMO_DEFAULTS = { durationSeconds: 40, users: 25, outDir: '.tc9/demo' } as const;

type RunningService = Awaited<ReturnType<typeof import('../../examples/migration-service/app.js').startServer>>;

const out = (line = '') => process.stdout.write(`${line}\n`);

let hookRegistered = false;

export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const durationSeconds = options.durationSeconds ?? DEMO_DEFAULTS.durationSeconds;
  const users = options.users ?? DEMO_DEFAULTS.users;
  if (!(durationSeconds > 0) || !Number.isInteger(users) || users < 1) {
    process.stderr.write(`demo: --duration must be > 0 seconds and --users a whole number >= 1 (got ${durationSeconds}, ${users})\n`);
    return 2;
  }
  const outDir = resolve(options.outDir ?? DEMO_DEFAULTS.outDir);

  // Ctrl-C: the first ends the workload (the rest of the demo still runs), a second one quits at once.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new Error('interrupted'));
    process.stderr.write('\ndemo: interrupted, finishing up (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);

  let database: DemoDatabase | undefined;
  let telemetry: Telemetry | undefined;
  let service: RunningService | undefined;
  let store: Store | undefined;
  try {
    await mkdir(outDir, { recursive: true });
    const { config, writeKey, databaseUrl } = demoSettings(process.env, outDir);
    out(`tc9-observability demo: ${users} users for ${durationSeconds} s, data in ${display(outDir)}`);

    out('  store: migrating the embedded ClickHouse (chDB)');
    store = createStore(config.store);
    await migrate(store, { retention: config.store.retention });

    out(
      databaseUrl
        ? '  database: DATABASE_URL'
        : '  database: starting the embedded PostgreSQL (PGlite; the first start takes a few seconds)',
    );
    database = await openDemoDatabase(databaseUrl, join(outDir, 'postgres'));

    telemetry = await start({ config });
    if (!telemetry) throw new Error('telemetry did not start');
    if (!hookRegistered) {
      // Before the service is imported: Express, pg and Prisma are instrumented as with --import register.
      register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
      hookRegistered = true;
    }
    const { startServer } = await import('../../examples/migration-service/app.js');
    service = await startServer({
      databaseUrl: database.url,
      ...(database.maxConnections !== undefined && { maxConnections: database.maxConnections }),
      port: 0,
      // A little slower than the default, so runs last long enough to watch their progress.
      apiLatency: { baseMs: 15, perRecordMs: 0.05 },
      sweeper: { intervalMs: 5_000, staleAfterMs: 10 * 60_000 },
      ingest: { config, writeKeys: [writeKey], rateLimit: { burst: 5_000, perSecond: 2_000 } },
      onError: () => undefined,
    });
    out(`  service: ${service.url} (${database.description})`);
    out();

    const consent = telemetry.consent;
    let declined = 0;
    const startedAt = new Date();
    const workload = await runWorkload({
      baseUrl: service.url,
      users,
      durationMs: durationSeconds * 1000,
      writeKey,
      signal: interrupt.signal,
      consent: (userId, granted) => {
        consent.set(userId, granted);
        if (!granted) declined++;
      },
      variantOf: (userId) => assignVariant(EXPERIMENT.key, userId, EXPERIMENT.variants),
    });
    workload.stats.consentDeclined = declined;
    printTraffic(workload, interrupt.signal.aborted);

    // Runs still going get a moment to finish; closing the service cancels the rest (they end 'cancelled').
    await Promise.race([service.scheduler.idle(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await service.close();
    service = undefined;

    out('  waiting for the telemetry to land in the store ...');
    const { landed, complete } = await waitForRows(store, startedAt, () => telemetry!.flush(), {
      serverSpans: true,
      migrationRuns: workload.stats.runsStarted > 0,
      events: true,
      errors: workload.stats.serverErrors + workload.stats.clientErrors + workload.stats.runsFailed > 0,
    });
    if (!complete) out(`  (not everything arrived in time: ${JSON.stringify(landed)})`);
    const range = { from: new Date(startedAt.getTime() - 1000), to: new Date(Date.now() + 1000), service: DEMO_SERVICE };
    out();
    out(formatViews(await collectViews(store, range), range));

    const data = await collectReportData(store, range, { key: EXPERIMENT.key, conversionEvent: 'migration.created' });
    const reportPath = await writeReport(
      join(outDir, 'report.html'),
      data,
      {
        title: 'tc9-observability demo: the migration service',
        facts: [
          ['users', String(users)],
          ['requests', String(workload.stats.requests)],
          ['migration runs', `${workload.stats.runsStarted} (${workload.stats.runsFailed} failed)`],
          ['browser events', String(workload.stats.browserEvents)],
          ['errors captured', String(landed.errors)],
          ['duration', `${Math.round(workload.elapsedMs / 1000)} s`],
        ],
      },
      { sentryTraceUrl: sentryTraceUrl(process.env) },
    );
    out(`Report: ${reportPath}`);
    out(errorsHint(landed.errors, config.sentry.dsn));
    if (options.openBrowser !== false) openInBrowser(reportPath);
    // Printed before the store is closed (finally, below), and valid once this process has exited.
    out();
    out(`Next: ${nextCommand(outDir)}`);
    return 0;
  } catch (err) {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await service?.close().catch(() => undefined);
    await telemetry?.shutdown().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await database?.close().catch(() => undefined);
  }
}

function printTraffic(result: WorkloadResult, interrupted: boolean): void {
  const s = result.stats;
  out();
  out(
    `  ${interrupted ? 'interrupted after' : 'done in'} ${Math.round(result.elapsedMs / 1000)} s: ${s.signIns} sign-ins, ${s.requests} requests ` +
      `(${s.clientErrors} 4xx, ${s.serverErrors} 5xx), ${s.runsStarted} migration runs (${s.runsFailed} failed), ${s.browserEvents} browser events`,
  );
  if (s.consentDeclined > 0) out(`  ${s.consentDeclined} user(s) declined analytics consent: their events were dropped before export`);
  for (const problem of result.problems) out(`  a simulated user stopped early: ${problem}`);
}

function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Best effort, on a desktop only: a headless machine or CI just gets the path printed above. */
function openInBrowser(path: string): void {
  if (!process.stdout.isTTY) return;
  const command =
    process.platform === 'darwin'
      ? 'open'
      : process.platform === 'win32'
        ? 'explorer'
        : process.env.DISPLAY || process.env.WAYLAND_DISPLAY
          ? 'xdg-open'
          : undefined;
  if (!command) return;
  try {
    const child = spawn(command, [path], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser: the path is printed
  }
}
