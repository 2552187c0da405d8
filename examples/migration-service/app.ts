/**
 * The reference migration service of the TC9 Migration Tool: organisations, migration projects and runs over
 * PostgreSQL (Prisma 7 with the pg driver adapter). Start it with `node --import tc9-observability/register`
 * for the automatic part (HTTP, Express, Prisma and pg spans, Sentry); what only the service knows goes
 * through tc9-observability's domain API:
 * - request identity (x-user-id, x-session-id, x-org-id) on spans, events and errors: expressIdentity;
 * - the journey's product events (sign in, connect an organisation, create and run a migration, view
 *   results): routes/*, telemetry/events.ts;
 * - every run as a migration run with phase spans, record counts and API calls: telemetry/run-hooks.ts;
 * - every error a request ends with, classified: telemetry/errors.ts (captureError), then Sentry;
 * - the scheduled sweep of abandoned runs as a monitored job: run/sweeper.ts;
 * - optionally the browser tracker's endpoint (ServerOptions.ingest).
 * Without telemetry started all of that is a no-op and the service works the same.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { expressIdentity, expressIngest, setupExpressErrorHandler, type ExpressIngestOptions } from 'tc9-observability/express';
import { applySchema } from './db/apply-schema.js';
import { openDatabase, type Database } from './db/database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { jsonErrorHandler, routeNotFound, type ErrorListener } from './http/errors.js';
import { debugRoutes } from './routes/debug.js';
import { healthRoutes } from './routes/health.js';
import { organisationRoutes } from './routes/organisations.js';
import { projectRoutes } from './routes/projects.js';
import { runRoutes } from './routes/runs.js';
import { SessionStore, sessionRoutes } from './routes/sessions.js';
import { composeHooks, type RunHooks } from './run/hooks.js';
import { RunStore } from './run/run-store.js';
import type { ApiLatency } from './run/salesforce.js';
import { RunScheduler } from './run/scheduler.js';
import { DEFAULT_SWEEPER, RunSweeper, type SweeperOptions } from './run/sweeper.js';
import { captureRequestErrors } from './telemetry/errors.js';
import { telemetryHooks, type TelemetryHooksOptions } from './telemetry/run-hooks.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where unexpected errors (500s, broken runs) are reported besides Sentry. Default: a line on stderr. */
export type ServiceErrorListener = (err: unknown, context: string) => void;

const logToStderr: ServiceErrorListener = (err, context) => {
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`migration-service: ${context}: ${detail}\n`);
};

export interface AppDeps {
  prisma: PrismaClient;
  scheduler: RunScheduler;
  sessions?: SessionStore;
  /** Mounts the browser-events endpoint (POST /v1/events unless `path` says otherwise). */
  ingest?: ExpressIngestOptions;
  onError?: ServiceErrorListener;
}

export function createApp({ prisma, scheduler, sessions = new SessionStore(), ingest, onError = logToStderr }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Before the JSON parser: the endpoint reads its body itself (its own limit, sendBeacon's text/plain).
  if (ingest) app.use(expressIngest(ingest));
  app.use(express.json({ limit: '100kb' }));
  // After the body parser: the parser's stream callbacks would run outside the identity's context.
  app.use(expressIdentity());

  app.use(healthRoutes(prisma));
  app.use(sessionRoutes(sessions));
  app.use(organisationRoutes(prisma));
  app.use(projectRoutes(prisma));
  app.use(runRoutes(prisma, scheduler));
  app.use(debugRoutes());
  app.use(routeNotFound);

  // Classified report first (it passes the error on; Sentry then skips what it has already captured),
  // the span and Sentry for whatever else, then our JSON answer.
  app.use(captureRequestErrors());
  setupExpressErrorHandler(app);
  const onServerError: ErrorListener = (err, req) => onError(err, `${req.method} ${req.path}`);
  app.use(jsonErrorHandler(onServerError));
  return app;
}

export interface ServerOptions {
  databaseUrl?: string;
  /** Size of the pg pool (default 10); 1 for a database that serves one connection at a time (PGlite). */
  maxConnections?: number;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** More wrappers around runs, phases and simulated API calls (inside the telemetry ones). */
  hooks?: RunHooks;
  /** The migration telemetry of runs (telemetry/run-hooks.ts); false leaves it out. Default on. */
  runTelemetry?: TelemetryHooksOptions | false;
  /** The sweep of abandoned runs; false leaves it out. Default every 60 s, runs older than 15 min. */
  sweeper?: Partial<SweeperOptions> | false;
  /** Mounts the browser-events endpoint with these options (write keys etc.); absent: not mounted. */
  ingest?: ExpressIngestOptions;
  /** Latency of the simulated Salesforce API. */
  apiLatency?: ApiLatency;
  onError?: ServiceErrorListener;
}

export interface RunningServer {
  app: Express;
  server: Server;
  port: number;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  db: Database;
  scheduler: RunScheduler;
  sweeper: RunSweeper | undefined;
  /** Stops accepting requests, cancels runs in flight (they end as 'cancelled'), closes Prisma and the pool. */
  close(): Promise<void>;
}

/** How long open requests get to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 3_000;

/** Applies the schema, then listens. Rejects (and releases everything) when the database or the port fails. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const onError = options.onError ?? logToStderr;
  const db = openDatabase(options.databaseUrl ?? DEFAULT_DATABASE_URL, {
    ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
  });
  let scheduler: RunScheduler | undefined;
  let sweeper: RunSweeper | undefined;
  try {
    await applySchema(db.pool);
    const hooks = composeHooks(options.runTelemetry === false ? undefined : telemetryHooks(options.runTelemetry), options.hooks);
    scheduler = new RunScheduler(
      { store: new RunStore(db.prisma), hooks, ...(options.apiLatency && { apiLatency: options.apiLatency }) },
      (err, runId) => onError(err, `run ${runId}`),
    );
    const app = createApp({ prisma: db.prisma, scheduler, onError, ...(options.ingest && { ingest: options.ingest }) });
    const server = createServer(app);
    await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
    const { port, address, family } = server.address() as AddressInfo;
    const host = family === 'IPv6' ? `[${address}]` : address;
    const runs = scheduler;
    if (options.sweeper !== false) {
      sweeper = new RunSweeper(db.prisma, runs, { ...DEFAULT_SWEEPER, ...options.sweeper });
      sweeper.start();
    }
    const sweep = sweeper;
    let closing: Promise<void> | undefined;
    return {
      app,
      server,
      port,
      url: `http://${host}:${port}`,
      db,
      scheduler: runs,
      sweeper: sweep,
      close: () => {
        if (closing === undefined) {
          sweep?.stop();
          closing = closeAll(server, runs, db);
        }
        return closing;
      },
    };
  } catch (err) {
    sweeper?.stop();
    await scheduler?.close();
    await db.close().catch(() => undefined);
    throw err;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function closeAll(server: Server, scheduler: RunScheduler, db: Database): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  cut.unref();
  try {
    await scheduler.close();
    await closed;
  } finally {
    clearTimeout(cut);
    await db.close();
  }
}
