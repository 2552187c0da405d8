/**
 * The reference migration service of the TC9 Migration Tool: organisations, migration projects and runs over
 * PostgreSQL (Prisma 7 with the pg driver adapter). It has no telemetry code of its own; start it with
 * `node --import tc9-observability/register` to observe it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { setupExpressErrorHandler } from 'tc9-observability';
import { applySchema } from './db/apply-schema.js';
import { openDatabase, type Database } from './db/database.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { jsonErrorHandler, routeNotFound, type ErrorListener } from './http/errors.js';
import { debugRoutes } from './routes/debug.js';
import { healthRoutes } from './routes/health.js';
import { organisationRoutes } from './routes/organisations.js';
import { projectRoutes } from './routes/projects.js';
import { runRoutes } from './routes/runs.js';
import type { RunHooks } from './run/hooks.js';
import { RunStore } from './run/run-store.js';
import type { ApiLatency } from './run/salesforce.js';
import { RunScheduler } from './run/scheduler.js';

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
  onError?: ServiceErrorListener;
}

export function createApp({ prisma, scheduler, onError = logToStderr }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  app.use(healthRoutes(prisma));
  app.use(organisationRoutes(prisma));
  app.use(projectRoutes(prisma));
  app.use(runRoutes(prisma, scheduler));
  app.use(debugRoutes());
  app.use(routeNotFound);

  // Sentry capture first (it passes the error on), then our JSON answer.
  setupExpressErrorHandler(app);
  const onServerError: ErrorListener = (err, req) => onError(err, `${req.method} ${req.path}`);
  app.use(jsonErrorHandler(onServerError));
  return app;
}

export interface ServerOptions {
  databaseUrl?: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Telemetry (or any other) wrappers around runs, phases and simulated API calls. */
  hooks?: RunHooks;
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
  /** Stops accepting requests, cancels runs in flight (they end as 'cancelled'), closes Prisma and the pool. */
  close(): Promise<void>;
}

/** How long open requests get to finish on close before their connections are cut. */
const CLOSE_GRACE_MS = 3_000;

/** Applies the schema, then listens. Rejects (and releases everything) when the database or the port fails. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const onError = options.onError ?? logToStderr;
  const db = openDatabase(options.databaseUrl ?? DEFAULT_DATABASE_URL);
  let scheduler: RunScheduler | undefined;
  try {
    await applySchema(db.pool);
    scheduler = new RunScheduler(
      { store: new RunStore(db.prisma), ...(options.hooks && { hooks: options.hooks }), ...(options.apiLatency && { apiLatency: options.apiLatency }) },
      (err, runId) => onError(err, `run ${runId}`),
    );
    const app = createApp({ prisma: db.prisma, scheduler, onError });
    const server = createServer(app);
    await listen(server, options.port ?? 3000, options.host ?? '127.0.0.1');
    const { port, address, family } = server.address() as AddressInfo;
    const host = family === 'IPv6' ? `[${address}]` : address;
    const runs = scheduler;
    let closing: Promise<void> | undefined;
    return {
      app,
      server,
      port,
      url: `http://${host}:${port}`,
      db,
      scheduler: runs,
      close: () => (closing ??= closeAll(server, runs, db)),
    };
  } catch (err) {
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
