/**
 * Child process of the error-latency benchmark, started as an application would be:
 * `node --import dist/src/register.js` with TC9_EXPORTER=store and otherwise default settings. Captures
 * errors with captureError() and polls its own embedded store until each is a row in application_errors and
 * shows in the error_groups named query. Baseline: the same kind of row inserted straight into otel_logs.
 * Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { captureError } from '../../src/errors/index.js';
import { findQuery, runQuery } from '../../src/queries/index.js';
import { ChdbStore } from '../../src/store/chdb-store.js';

export interface ErrorLatencyChildResult {
  /** Seconds from captureError() to a row in application_errors, per repetition. */
  toRow: number[];
  /** Seconds from captureError() to the error_groups query counting it, per repetition. */
  toQuery: number[];
  /** Seconds from a direct insert into otel_logs to the row in application_errors, per repetition. */
  rawToRow: number[];
  pollMs: number;
}

const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not queryable after ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

async function main(): Promise<void> {
  const repetitions = Number(process.env.BENCH_REPETITIONS ?? 5);
  const config = loadConfig(process.env);
  const store = new ChdbStore({ dataDir: config.store.dataDir, database: config.store.database });
  const rowCount = async (message: string) => {
    const [row] = await store.query<{ n: string }>('SELECT count() AS n FROM application_errors WHERE error_message = {m:String}', {
      m: message,
    });
    return Number(row?.n ?? 0);
  };
  const errorGroups = findQuery('error_groups');
  const result: ErrorLatencyChildResult = { toRow: [], toQuery: [], rawToRow: [], pollMs: POLL_MS };

  for (let i = 0; i < repetitions; i++) {
    // Errors happen at any point of the batch processor's and writer's 1 s cycles: spread the starts.
    await sleep(Math.floor(Math.random() * 1000));
    const message = `bench checkout failed ${randomUUID()}`;
    const started = performance.now();
    const captured = captureError(new Error(message), { userId: 'bench-user', url: '/checkout' });
    await until(async () => (await rowCount(message)) === 1);
    result.toRow.push((performance.now() - started) / 1000);
    const now = Date.now();
    await until(async () => {
      const groups = await runQuery<{ fingerprint: string; occurrences: string }>(store, errorGroups, {
        from: now - 3_600_000,
        to: now + 60_000,
        params: { service: config.serviceName },
      });
      return groups.some((g) => g.fingerprint === captured.fingerprint && Number(g.occurrences) >= i + 1);
    });
    result.toQuery.push((performance.now() - started) / 1000);
  }

  for (let i = 0; i < repetitions; i++) {
    const message = `bench raw error ${randomUUID()}`;
    const started = performance.now();
    await store.insert('otel_logs', [
      {
        Timestamp: new Date().toISOString().replace('T', ' ').replace('Z', ''),
        ServiceName: config.serviceName,
        SeverityText: 'ERROR',
        SeverityNumber: 17,
        Body: message,
        EventName: 'tc9.error',
        LogAttributes: {
          'tc9.event.kind': 'error',
          'exception.type': 'Error',
          'exception.message': message,
          'tc9.error.fingerprint': 'bench-raw',
        },
      },
    ]);
    await until(async () => (await rowCount(message)) === 1);
    result.rawToRow.push((performance.now() - started) / 1000);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await store.close();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`error-latency bench child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
