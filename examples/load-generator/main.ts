/**
 * Load generator for the compose stack: `node dist/examples/load-generator/main.js`.
 * Waits for the reference service, creates a few organisations, then keeps steady API traffic and simulated
 * user sessions (analytics events over OTLP) going until SIGTERM or LOAD_DURATION_S. Prints a status line
 * every 30 s. Nothing here throws on a failing request: failures are counted.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MigrationApi, type Organisation, type Project } from './api.js';
import { loadGeneratorConfig } from './config.js';
import { otlpEventSink } from './events.js';
import { people, runSession } from './journeys.js';
import { trafficStep, type TrafficStats } from './traffic.js';

const ORG_TYPES = ['production', 'sandbox', 'developer', 'scratch'] as const;

async function waitForService(api: MigrationApi, signal: AbortSignal): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    const health = await api.call('GET', '/health');
    if (health.ok) return;
    if (attempt % 10 === 1) process.stdout.write(`load-generator: waiting for the service (status ${health.status})\n`);
    await sleep(2000, undefined, { signal }).catch(() => undefined);
  }
}

async function ensureOrganisations(api: MigrationApi): Promise<Organisation[]> {
  const existing = await api.call<{ organisations: Organisation[] }>('GET', '/organisations');
  const organisations = existing.body?.organisations ?? [];
  for (const type of ORG_TYPES) {
    if (organisations.some((o) => o.type === type)) continue;
    const created = await api.createOrganisation(`Acme ${type}`, type);
    if (created.ok && created.body) organisations.push(created.body);
  }
  return organisations;
}

async function main(): Promise<void> {
  const config = loadGeneratorConfig(process.env);
  const api = new MigrationApi(config.targetUrl);
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop.abort());
  if (config.durationMs > 0) setTimeout(() => stop.abort(), config.durationMs).unref();

  await waitForService(api, stop.signal);
  const organisations = await ensureOrganisations(api);
  const events = otlpEventSink(config.logsUrl, config.environment);
  const persons = people(config.users, organisations);
  const busy = new Set<string>();
  const stats: TrafficStats = { requests: 0, failures: 0 };
  let sessions = 0;
  let projects: Project[] = [];

  const refreshProjects = async () => {
    const res = await api.call<{ projects: Project[] }>('GET', '/projects');
    if (res.body?.projects) projects = res.body.projects.slice(-200);
  };
  await refreshProjects();

  const timers = [
    setInterval(() => void trafficStep(api, projects, stats), 1000 / config.requestsPerSecond),
    setInterval(() => void refreshProjects(), 30_000),
    setInterval(() => {
      const idle = persons.filter((p) => !busy.has(p.userId));
      const person = idle[Math.floor(Math.random() * idle.length)];
      if (!person) return;
      busy.add(person.userId);
      sessions += 1;
      runSession(person, randomUUID(), { api, events, organisations, runFailureShare: config.runFailureShare })
        .catch((err: unknown) => process.stderr.write(`load-generator: session failed: ${String(err)}\n`))
        .finally(() => busy.delete(person.userId));
    }, 60_000 / Math.max(config.sessionsPerMinute, 0.01)),
    setInterval(() => {
      process.stdout.write(`load-generator: ${stats.requests} requests (${stats.failures} failed), ${sessions} sessions\n`);
    }, 30_000),
  ];

  await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  for (const timer of timers) clearInterval(timer);
  await events.shutdown().catch(() => undefined);
  process.stdout.write(`load-generator: stopped after ${stats.requests} requests, ${sessions} sessions\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load-generator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
