/**
 * src/sdk/spool/exporter.ts with the real OTLP/HTTP log exporter: nothing listening, then the stand-in
 * collector on that port; a collector refusing the request as invalid; a restart with a spool left behind.
 */
import { diag, DiagLogLevel, SeverityNumber } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SpoolDirectory } from '../../../src/sdk/spool/directory.js';
import { SpoolingLogExporter, type SpoolingOptions } from '../../../src/sdk/spool/exporter.js';
import { startOtlpReceiver, waitFor, type OtlpReceiver } from '../../helpers/otlp-receiver.js';

let dir: string;
let receiver: OtlpReceiver | undefined;
const messages: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tc9-spool-exporter-'));
  messages.length = 0;
  const log = (m: string) => messages.push(m);
  diag.setLogger(
    { error: log, warn: log, info: log, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.INFO, suppressOverrideMessage: true },
  );
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  diag.disable();
  rmSync(dir, { recursive: true, force: true });
});

async function deadPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let nextId = 0;
function batch(n: number): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'spool-test' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  for (let i = 0; i < n; i++) {
    provider
      .getLogger('tc9-observability')
      .emit({ eventName: 'order.placed', severityNumber: SeverityNumber.INFO, attributes: { 'tc9.event.id': `e${nextId++}` } });
  }
  return memory.getFinishedLogRecords();
}

const OPTIONS: SpoolingOptions = {
  what: 'logs export to test',
  exportTimeoutMs: 2_000,
  retryMaxMs: 100,
  retryMinMs: 50,
  reportIntervalMs: 60_000,
};

function spooling(url: string, maxBytes = 10_000_000, options: Partial<SpoolingOptions> = {}) {
  const inner = new OTLPLogExporter({ url, timeoutMillis: 300 });
  const spool = new SpoolDirectory(dir, maxBytes);
  return new SpoolingLogExporter(
    inner,
    spool.recover().then(() => spool),
    { ...OPTIONS, ...options },
  );
}

const exportBatch = (exporter: SpoolingLogExporter, records: ReadableLogRecord[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
// A batch claimed for a replay attempt (renamed .batch.<pid>.replaying) is still in the spool: with retries every
// 50-100 ms, a loaded machine counts the directory while one is out for an attempt.
const batchFiles = () => readdirSync(dir).filter((n) => /\.batch(\.\d+\.replaying)?$/.test(n));
const ids = (r: OtlpReceiver) => r.logs.map((l) => l.attributes['tc9.event.id']);

describe('spooling log exporter', () => {
  it('spools while the collector is down and replays everything, once, when it is back', async () => {
    const port = await deadPort();
    const exporter = spooling(`http://127.0.0.1:${port}/v1/logs`);
    const sent: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const records = batch(10);
      sent.push(...records.map((r) => r.attributes['tc9.event.id']));
      // Answered success: the batch is dealt with, the batch processor goes on.
      expect((await exportBatch(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    }
    expect(batchFiles()).toHaveLength(5);
    expect(messages.filter((m) => /logs export to test failed: .*ECONNREFUSED.*kept in/.test(m))).toHaveLength(1);

    receiver = await startOtlpReceiver({ port });
    await waitFor(() => batchFiles().length === 0 && receiver!.logs.length >= 50, { what: 'the spool to be replayed' });
    expect(ids(receiver).sort()).toEqual([...sent].sort());
    expect(messages.some((m) => /logs export to test works again/.test(m))).toBe(true);

    // Up again: a new batch goes straight through, nothing is spooled.
    expect((await exportBatch(exporter, batch(3))).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.logs).toHaveLength(53);
    expect(readdirSync(dir)).toEqual([]);
    await exporter.shutdown();
  });

  it('drops the newest batches when the spool is full, counts them, and replays the rest', async () => {
    const port = await deadPort();
    const one = JSON.stringify(batch(10)).length; // roughly a batch's size
    const exporter = spooling(`http://127.0.0.1:${port}/v1/logs`, one * 2);
    const batches = Array.from({ length: 8 }, () => batch(10));
    for (const records of batches) expect((await exportBatch(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    const kept = batchFiles().length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(8);
    expect(exporter.dropped).toBe((8 - kept) * 10);
    expect(messages.filter((m) => /log spool .* log records dropped \(10 full; 10 in total\)/.test(m))).toHaveLength(1);

    receiver = await startOtlpReceiver({ port });
    await waitFor(() => batchFiles().length === 0 && receiver!.logs.length >= kept * 10, { what: 'the spool to be replayed' });
    // The oldest batches were kept.
    const expected = batches.slice(0, kept).flatMap((b) => b.map((r) => r.attributes['tc9.event.id']));
    expect(ids(receiver).sort()).toEqual(expected.sort());
    await exporter.shutdown();
    expect(messages.some((m) => m.includes(`${(8 - kept) * 10} log records dropped in total`))).toBe(true);
  });

  it('does not spool a batch the collector refuses as invalid (400): it would be refused again', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"bad"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const exporter = spooling(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`);
    const result = await exportBatch(exporter, batch(2));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(readdirSync(dir)).toEqual([]);
    await exporter.shutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('replays at once what an earlier process left, when the next one starts', async () => {
    const port = await deadPort();
    const first = spooling(`http://127.0.0.1:${port}/v1/logs`);
    const records = batch(7);
    await exportBatch(first, records);
    await first.shutdown();
    expect(batchFiles()).toHaveLength(1);
    expect(messages.some((m) => /1 log batches stay in the spool .*the next start sends them/.test(m))).toBe(true);

    receiver = await startOtlpReceiver();
    const second = spooling(`${receiver.url}/v1/logs`);
    await waitFor(() => receiver!.logs.length >= 7 && batchFiles().length === 0, { what: 'the left-over batch' });
    expect(ids(receiver).sort()).toEqual(records.map((r) => r.attributes['tc9.event.id']).sort());
    await second.shutdown();
  });
});
