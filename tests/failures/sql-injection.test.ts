/**
 * SQL injection strings in analytics events (server-side track() and the browser ingest endpoint) go
 * through the embedded store as data: stored verbatim, and every table is still there afterwards.
 * Event names cannot carry them at all: names are validated.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { track } from '../../src/analytics/track.js';
import { ValidationError } from '../../src/analytics/validation.js';
import { loadConfig } from '../../src/config.js';
import { createIngestHandler } from '../../src/ingest/handler.js';
import { ChdbStore } from '../../src/store/chdb-store.js';
import { createStoreExporters, type StoreExporters } from '../../src/store/exporters.js';
import { testDataDir } from '../helpers/chdb.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { SQL_INJECTIONS } from './hostile.js';

const database = `tc9_inj_${randomBytes(4).toString('hex')}`;
const config = loadConfig({
  TC9_EXPORTER: 'store',
  TC9_DATA_DIR: testDataDir(),
  CLICKHOUSE_DATABASE: database,
  OTEL_SERVICE_NAME: 'injection',
});
let exporters: StoreExporters;
let reader: ChdbStore;
let otel: InMemoryOtel;

beforeAll(async () => {
  exporters = await createStoreExporters(config);
  reader = new ChdbStore({ dataDir: testDataDir(), database });
  otel = installInMemoryOtel({ logRecordProcessors: [new SimpleLogRecordProcessor({ exporter: exporters.logs })] });
});
afterAll(async () => {
  await otel?.uninstall();
  await reader?.command(`DROP DATABASE IF EXISTS \`${database}\` SYNC`);
  await reader?.close();
  await exporters?.shutdown();
});

const tables = async () =>
  (await reader.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name')).map(
    (t) => t.name,
  );

it('stores injection strings verbatim as data and leaves every table in place', async () => {
  const before = await tables();
  expect(before).toContain('otel_logs');

  for (const sql of SQL_INJECTIONS) expect(() => track({ name: sql })).toThrow(ValidationError);

  const runId = randomUUID();
  SQL_INJECTIONS.forEach((sql, i) => {
    track({
      name: 'search.performed',
      userId: sql,
      sessionId: sql,
      orgId: sql,
      properties: { q: sql, i, run: runId, nested: { q: sql } },
      context: { title: sql, section: sql },
      metadata: { buildId: sql },
    });
  });
  const ingest = createIngestHandler({ config, writeKeys: ['pk'], rateLimit: false });
  const reply = await ingest.handle({
    method: 'POST',
    headers: { 'x-write-key': 'pk' },
    clientAddress: '203.0.113.9',
    body: {
      parsed: {
        batch: SQL_INJECTIONS.map((sql, i) => ({
          id: randomUUID(),
          event: 'search.performed',
          sessionId: sql,
          userId: sql,
          timestamp: new Date().toISOString(),
          properties: { q: sql, i, run: runId },
          context: { title: sql, path: `/search/${i}` },
        })),
      },
    },
  });
  expect(reply.status).toBe(200);
  await exporters.logs.forceFlush();

  const rows = await reader.query<{
    source: string;
    i: string;
    q: string;
    user: string;
    session: string;
    title: string;
    org: string;
    build: string;
    nested: string;
  }>(
    `SELECT LogAttributes['tc9.event.source'] AS source, LogAttributes['tc9.prop.i'] AS i, LogAttributes['tc9.prop.q'] AS q,
            LogAttributes['user.id'] AS user, LogAttributes['session.id'] AS session, LogAttributes['tc9.ctx.title'] AS title,
            LogAttributes['tc9.org.id'] AS org, LogAttributes['tc9.ctx.build_id'] AS build, LogAttributes['tc9.prop.nested'] AS nested
     FROM otel_logs WHERE EventName = 'search.performed' AND LogAttributes['tc9.prop.run'] = {run:String} ORDER BY source, toUInt32(i)`,
    { run: runId },
  );
  expect(rows).toHaveLength(2 * SQL_INJECTIONS.length);
  for (const source of ['browser', 'server']) {
    const of = rows.filter((r) => r.source === source);
    expect(of.map((r) => r.q)).toEqual(SQL_INJECTIONS);
    expect(of.map((r) => r.session)).toEqual(SQL_INJECTIONS);
    expect(of.map((r) => r.title)).toEqual(SQL_INJECTIONS);
  }
  const server = rows.filter((r) => r.source === 'server');
  expect(server.map((r) => r.user)).toEqual(SQL_INJECTIONS);
  expect(server.map((r) => r.org)).toEqual(SQL_INJECTIONS);
  expect(server.map((r) => r.build)).toEqual(SQL_INJECTIONS);
  expect(server.map((r) => JSON.parse(r.nested))).toEqual(SQL_INJECTIONS.map((q) => ({ q })));

  expect(await tables()).toEqual(before);
  const [{ n }] = await reader.query<{ n: number }>('SELECT count() AS n FROM otel_logs');
  expect(n).toBe(2 * SQL_INJECTIONS.length);
});
