/**
 * The demo's traffic: `users` simulated users arriving over the first part of the run, each living
 * through sessions of the journey until the duration is over (or the demo is interrupted), with a
 * progress bar on stderr when it is a terminal.
 */
import cliProgress from 'cli-progress';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceClient, TrafficStats } from './client.js';
import { EXPERIMENT, Journey, type UserPlan } from './journey.js';

export interface WorkloadOptions {
  baseUrl: string;
  users: number;
  durationMs: number;
  writeKey: string;
  signal: AbortSignal;
  consent: UserPlan['consent'];
  variantOf: UserPlan['variantOf'];
  /** Where the bar goes; only drawn on a terminal. */
  stream?: NodeJS.WriteStream;
}

export interface WorkloadResult {
  stats: TrafficStats;
  /** Users that got into trouble the demo did not plan (a network error): the message of each. */
  problems: string[];
  elapsedMs: number;
}

export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  // Every waiting user and request listens to the interrupt signal: many listeners by design.
  setMaxListeners(0, options.signal);
  const stats = new TrafficStats();
  const client = new ServiceClient(options.baseUrl, stats, options.signal);
  const started = Date.now();
  const deadline = started + options.durationMs;
  // Arrivals over the first 30%; steps scaled so a whole journey fits a few times into the duration.
  const arrivalWindow = options.durationMs * 0.3;
  const thinkMs = Math.min(1500, Math.max(120, options.durationMs / 45));
  const problems: string[] = [];

  const stream = options.stream ?? process.stderr;
  const totalSeconds = Math.max(1, Math.round(options.durationMs / 1000));
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        '  {bar} {value}/{total} s | users {active}/{users} | requests {requests} | runs {runs} ({failed} failed) | 4xx {client} 5xx {server}',
      hideCursor: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let active = 0;
  const payload = () => ({
    active,
    users: options.users,
    requests: stats.requests,
    runs: stats.runsStarted,
    failed: stats.runsFailed,
    client: stats.clientErrors,
    server: stats.serverErrors,
  });
  bar.start(totalSeconds, 0, payload());
  const ticker = setInterval(() => bar.update(Math.min(totalSeconds, Math.round((Date.now() - started) / 1000)), payload()), 250);

  const users = Array.from({ length: options.users }, async (_, index) => {
    const arrival = options.users > 1 ? (arrivalWindow * index) / (options.users - 1) : 0;
    await sleep(arrival, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal.aborted) return;
    active++;
    const journey = new Journey(client, {
      userId: `user-${String(index + 1).padStart(3, '0')}`,
      index,
      writeKey: options.writeKey,
      deadline,
      thinkMs,
      signal: options.signal,
      consent: options.consent,
      variantOf: options.variantOf,
    });
    try {
      await journey.live();
    } catch (err) {
      if (!options.signal.aborted) problems.push(err instanceof Error ? err.message : String(err));
    } finally {
      active--;
    }
  });
  try {
    await Promise.all(users);
  } finally {
    clearInterval(ticker);
    bar.update(Math.min(totalSeconds, Math.round((Date.now() - started) / 1000)), payload());
    bar.stop();
  }
  return { stats, problems, elapsedMs: Date.now() - started };
}

export { EXPERIMENT };
