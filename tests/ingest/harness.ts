/**
 * The ingest endpoint mounted in a real Express or Fastify server on 127.0.0.1 (port from the OS),
 * emitting into a real OTel LoggerProvider with an in-memory exporter.
 */
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import express from 'express';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.js';
import type { IngestOptions } from '../../src/ingest/index.js';
import { expressIngest } from '../../src/express/index.js';
import { fastifyIngest } from '../../src/fastify/index.js';
import type { TrackedEvent } from '../../src/browser/event.js';

export type Framework = 'express' | 'fastify';

export interface IngestServer {
  url: string;
  records(): ReadableLogRecord[];
  close(): Promise<void>;
}

export const WRITE_KEY = 'pk_test_site';
export const CHROME_WINDOWS_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

export async function startIngestServer(framework: Framework, options: IngestOptions = {}): Promise<IngestServer> {
  const exporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] });
  const all: IngestOptions = { config: loadConfig({}), writeKeys: [WRITE_KEY], loggerProvider, ...options };
  let url: string;
  let stop: () => Promise<void>;
  if (framework === 'express') {
    const app = express();
    app.use(expressIngest(all));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  } else {
    const app = Fastify();
    await app.register(fastifyIngest, all);
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    stop = () => app.close();
  }
  return {
    url,
    records: () => exporter.getFinishedLogRecords(),
    close: async () => {
      await stop();
      await loggerProvider.shutdown();
    },
  };
}

export function event(overrides: Partial<TrackedEvent> & Record<string, unknown> = {}): TrackedEvent {
  return {
    id: randomUUID(),
    event: 'page.view',
    sessionId: 'session-1',
    timestamp: new Date().toISOString(),
    context: {
      url: 'https://app.example.com/reports',
      path: '/reports',
      title: 'Reports',
      screenResolution: '1920x1080',
      timezone: 'Europe/Berlin',
      locale: 'de-DE',
    },
    metadata: { source: 'client', version: '0.1.0', retryCount: 0 },
    ...overrides,
  } as TrackedEvent;
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = { 'x-write-key': WRITE_KEY },
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': CHROME_WINDOWS_UA, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
