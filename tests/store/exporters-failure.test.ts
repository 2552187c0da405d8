import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { loadConfig } from '../../src/config.js';
import { createStoreExporters } from '../../src/store/exporters.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function someSpans(n: number): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'x' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  for (let i = 0; i < n; i++) provider.getTracer('t').startSpan(`op ${i}`, { kind: SpanKind.SERVER, attributes: { i } }).end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

const exportSpans = (exporter: { export(s: ReadableSpan[], cb: (r: ExportResult) => void): void }, spans: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe('store exporters when the store fails', () => {
  it('never throw into the app: an unreachable server costs rows, counted', async () => {
    const config = loadConfig({ CLICKHOUSE_URL: `http://127.0.0.1:${await closedPort()}`, TC9_EXPORTER: 'store' });
    const exporters = await createStoreExporters(config);
    const spans = await someSpans(3);
    expect((await exportSpans(exporters.spans, spans)).code).toBe(ExportResultCode.SUCCESS);
    await expect(exporters.spans.forceFlush?.()).resolves.toBeUndefined();
    expect(exporters.stats()).toMatchObject({ written: 0, failed: 3 });
    await expect(exporters.shutdown()).resolves.toBeUndefined();
  });

  it('answer FAILED instead of growing when the buffer is full', async () => {
    const config = loadConfig({ CLICKHOUSE_URL: `http://127.0.0.1:${await closedPort()}`, TC9_EXPORTER: 'store' });
    const exporters = await createStoreExporters(config, { maxBytes: 2_000, flushIntervalMs: 3_600_000 });
    const results = [];
    for (const span of await someSpans(20)) results.push((await exportSpans(exporters.spans, [span])).code);
    expect(results[0]).toBe(ExportResultCode.SUCCESS);
    expect(results).toContain(ExportResultCode.FAILED);
    const dropped = results.filter((c) => c === ExportResultCode.FAILED).length;
    expect(exporters.stats().dropped).toBe(dropped);
    expect(exporters.stats().bufferedBytes).toBeLessThanOrEqual(2_000);
    await exporters.shutdown();
  });
});
