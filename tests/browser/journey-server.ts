/**
 * The app a browser test drives: an Express server on 127.0.0.1 (port from the OS) serving the test
 * page and the tracker bundle, mounting the ingest endpoint, and an API route that records a
 * server-side step of the journey. Everything is written to the embedded ClickHouse store (chDB)
 * through the store's exporters, as in embedded mode.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import express from 'express';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rolldown } from 'rolldown';
import { loadConfig } from '../../src/config.js';
import { expressIngest } from '../../src/express/index.js';
import { ATTR, EVENT, SCOPE_NAME } from '../../src/semconv.js';
import { ChdbStore } from '../../src/store/chdb-store.js';
import { createStoreExporters } from '../../src/store/exporters.js';
import { testDataDir } from '../helpers/chdb.js';

export const WRITE_KEY = 'pk_journey';
const FIXTURES = join(import.meta.dirname, '../fixtures/browser');

export interface IngestRequestSeen {
  at: number;
  writeKeyHeader: boolean;
  sessionHeader: string | undefined;
  contentType: string | undefined;
  status: number;
}

export interface LogRowSeen {
  EventName: string;
  LogAttributes: Record<string, string>;
  Timestamp: string;
}

export interface JourneyServer {
  url: string;
  ingestRequests: IngestRequestSeen[];
  /** The next n fetch requests (not beacons) to the ingest endpoint fail with 503 and Retry-After: 1. */
  failIngest(n: number): void;
  /** Log records of one session in the store, oldest first (after flushing what is buffered). */
  sessionLogs(sessionId: string): Promise<LogRowSeen[]>;
  query<T>(sql: string, params?: Record<string, unknown>): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Builds, once per test process and into a directory of its own, the tracker bundle (with the
 * project's build script) and the React fixture app (production React, as apps ship it).
 */
let bundleDir: Promise<string> | undefined;
function bundles(): Promise<string> {
  bundleDir ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tc9-tracker-'));
    await promisify(execFile)(process.execPath, ['scripts/build-browser.mjs', '--out', dir]);
    const app = await rolldown({
      input: join(FIXTURES, 'react-app.ts'),
      platform: 'browser',
      tsconfig: false,
      transform: { define: { 'process.env.NODE_ENV': '"production"' } },
    });
    await app.write({ file: join(dir, 'react-app.js'), format: 'iife', sourcemap: true });
    await app.close();
    return dir;
  })();
  return bundleDir;
}

export async function startJourneyServer(): Promise<JourneyServer> {
  const database = `tc9_journey_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    TC9_DATA_DIR: testDataDir(),
    CLICKHOUSE_DATABASE: database,
    OTEL_SERVICE_NAME: 'migrations-app',
    TC9_INGEST_WRITE_KEYS: WRITE_KEY,
  });
  const [bundle, exporters] = await Promise.all([bundles(), createStoreExporters(config)]);
  const reader = new ChdbStore({ dataDir: testDataDir(), database });
  const resource = resourceFromAttributes({
    'service.name': 'migrations-app',
    'service.version': '1.0.0',
    'deployment.environment.name': 'test',
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: exporters.logs })] });

  const ingestRequests: IngestRequestSeen[] = [];
  let failures = 0;
  const app = express();
  app.use('/v1/events', (req, res, next) => {
    const at = Date.now();
    res.on('finish', () =>
      ingestRequests.push({
        at,
        writeKeyHeader: req.get('x-write-key') !== undefined,
        sessionHeader: req.get('x-session-id'),
        contentType: req.get('content-type'),
        status: res.statusCode,
      }),
    );
    if (failures > 0 && req.method === 'POST' && req.get('x-write-key') !== undefined) {
      failures--;
      res.status(503).set('retry-after', '1').json({ error: 'unavailable' });
      return;
    }
    next();
  });
  app.use(expressIngest({ config, loggerProvider }));
  app.get('/tracker.js', (_req, res) => res.sendFile(join(bundle, 'tracker.js')));
  app.get('/tracker.js.map', (_req, res) => res.sendFile(join(bundle, 'tracker.js.map')));
  app.get(['/app', '/app/{*rest}'], (_req, res) => res.sendFile(join(FIXTURES, 'app.html')));
  app.get('/react-app.js', (_req, res) => res.sendFile(join(bundle, 'react-app.js')));
  app.get('/react', (_req, res) => res.sendFile(join(FIXTURES, 'react.html')));
  app.get('/goodbye.html', (_req, res) => res.sendFile(join(FIXTURES, 'goodbye.html')));
  app.post('/api/migrations', express.json(), (req, res) => {
    const id = randomUUID();
    recordServerStep(loggerProvider, req.get('x-session-id'), {
      migration_id: id,
      template: String((req.body as { template?: unknown }).template),
    });
    res.status(201).json({ id });
  });

  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    ingestRequests,
    failIngest: (n) => {
      failures = n;
    },
    sessionLogs: async (sessionId) => {
      await loggerProvider.forceFlush();
      await exporters.logs.forceFlush();
      return reader.query<LogRowSeen>(
        "SELECT EventName, LogAttributes, toString(Timestamp) AS Timestamp FROM otel_logs WHERE LogAttributes['session.id'] = {sid:String} ORDER BY Timestamp",
        { sid: sessionId },
      );
    },
    query: (sql, params) => reader.query(sql, params),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await loggerProvider.shutdown();
      await exporters.shutdown();
      await reader.close();
    },
  };
}

/** The server-side step of the journey, as the app's own analytics call records it. */
function recordServerStep(loggerProvider: LoggerProvider, sessionId: string | undefined, properties: Record<string, string>): void {
  const attributes: Record<string, string> = {
    [ATTR.eventId]: randomUUID(),
    [ATTR.eventKind]: 'analytics',
    [ATTR.eventSource]: 'server',
  };
  if (sessionId) attributes[ATTR.sessionId] = sessionId;
  for (const [k, v] of Object.entries(properties)) attributes[ATTR.propPrefix + k] = v;
  loggerProvider.getLogger(SCOPE_NAME).emit({ eventName: EVENT.migrationCreated, attributes });
}
