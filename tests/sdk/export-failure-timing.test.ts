/**
 * With the collector down, the app says so while it runs, not at shutdown, and shutdown stays within its bound.
 * - The first failure of each signal is reported (one line naming the signal, the endpoint and the reason)
 *   soon after the first failed export attempt: the test waits for the lines, and only then asks the app to
 *   stop. OTEL_EXPORTER_OTLP_TIMEOUT is long (30 s), so the OTLP exporter's own retries of a refused
 *   connection take over 10 s: a report only after them misses the wait.
 * - SIGTERM ends the process within TC9_SHUTDOWN_TIMEOUT_MS (1.5 s here) plus a generous margin (the test's
 *   deadline), whether nothing listens at the collector address or something accepts and never answers, and
 *   whether the app has no signal handler (it dies by the signal) or a graceful one that closes its server
 *   and lets the process end (exit code 0).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/otlp-receiver.js';
import { FIXTURES, startApp, type ChildApp } from './child-app.js';

const APP = `${FIXTURES}export-failure-app.mjs`;
const SHUTDOWN_TIMEOUT_MS = 1500;
/** Far below what the old code took (a graceful app waited out every export's retries), far above what it needs. */
const MARGIN_MS = 2000;

let refusedPort: number;
let silent: Server;
const silentSockets = new Set<Socket>();
const apps: ChildApp[] = [];

beforeAll(async () => {
  // A port on which nothing listens (bound by the OS, then released).
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  refusedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  // A collector that accepts connections and never answers.
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

const failureLine = (signal: string) =>
  new RegExp(`tc9-observability: ${signal} export to http://127\\.0\\.0\\.1:\\d+/v1/${signal} failed: ([^\\n]+)`, 'g');

/** Sends the signal and waits for the exit, at most `deadlineMs` (then the child is killed and the test fails). */
async function exitAfter(app: ChildApp, signal: NodeJS.Signals, deadlineMs: number) {
  const sentAt = performance.now();
  app.process.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs);
  });
  const result = await Promise.race([app.exited, late]);
  clearTimeout(timer);
  if (result === 'late') {
    await app.stop();
    throw new Error(`no exit within ${deadlineMs} ms of ${signal}; stderr:\n${app.stderr()}`);
  }
  return { ...result, afterMs: Math.round(performance.now() - sentAt) };
}

const collectors = {
  refused: () => refusedPort,
  silent: () => (silent.address() as AddressInfo).port,
};

describe.each([
  ['refused', 'none', { code: null, signal: 'SIGTERM' }],
  ['refused', 'graceful', { code: 0, signal: null }],
  ['silent', 'none', { code: null, signal: 'SIGTERM' }],
  ['silent', 'graceful', { code: 0, signal: null }],
] as const)('collector %s, app signal handler: %s', (collector, handler, expectedExit) => {
  it('reports the failure while running, then exits within TC9_SHUTDOWN_TIMEOUT_MS of SIGTERM with the code it would have had', async () => {
    const app = await startApp(APP, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectors[collector]()}`,
        // Refused: the exporter's retries of a refused connection last > 10 s. Silent: one attempt times out after 3 s.
        OTEL_EXPORTER_OTLP_TIMEOUT: collector === 'refused' ? '30000' : '3000',
        OTEL_BSP_SCHEDULE_DELAY: '500',
        OTEL_BLRP_SCHEDULE_DELAY: '500',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        TC9_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        APP_SIGNAL_HANDLER: handler === 'graceful' ? 'graceful' : undefined,
      },
    });
    apps.push(app);

    // The first failed attempt is reported within seconds, while the app runs: traces and logs (the spool's
    // line) at least; for a refused connection metrics too.
    const signals = collector === 'refused' ? ['traces', 'logs', 'metrics'] : ['traces', 'logs'];
    await waitFor(() => signals.every((s) => failureLine(s).test(app.stderr())), {
      what: `a failure line for ${signals.join(', ')} before shutdown`,
      timeoutMs: collector === 'refused' ? 6000 : 10_000,
    });
    const reason = collector === 'refused' ? /ECONNREFUSED/ : /timed out|no answer/i;
    expect(app.stderr().match(failureLine('traces'))?.[0]).toMatch(reason);
    expect(app.process.exitCode).toBeNull();

    const exit = await exitAfter(app, 'SIGTERM', SHUTDOWN_TIMEOUT_MS + MARGIN_MS);
    expect({ code: exit.code, signal: exit.signal }).toEqual(expectedExit);

    // Once per outage: one line per signal over the whole run, shutdown included.
    const stderr = app.stderr();
    for (const s of signals) expect(stderr.match(failureLine(s)), stderr).toHaveLength(1);
    expect(stderr).not.toMatch(/unhandled|uncaught/i);
  });
});
