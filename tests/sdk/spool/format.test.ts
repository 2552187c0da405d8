/** src/sdk/spool/format.ts: a spooled batch decodes to records the OTLP exporter turns into the very same request. */
import { SeverityNumber } from '@opentelemetry/api';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, SpoolFormatError } from '../../../src/sdk/spool/format.js';

function someRecords(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(
      { 'service.name': 'shop', 'process.pid': 42, 'host.arch': 'amd64' },
      { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' },
    ),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const events = provider.getLogger('tc9-observability', '1', { schemaUrl: 'https://example.com/s' });
  const other = provider.getLogger('app');
  events.emit({
    eventName: 'order.placed',
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    attributes: { 'tc9.event.id': 'e1', 'tc9.prop.n': '1', count: 3, ok: true, ratio: 0.5, tags: ['a', 'b'] },
    context: undefined,
  });
  other.emit({
    body: { nested: { list: [1, 'two', null, new Uint8Array([0, 1, 255])] }, bytes: Buffer.from('hi') },
    attributes: { 'a.b': "'); DROP TABLE otel_logs; --" },
  });
  other.emit({ body: 'plain text \u0000 with NUL and emoji 🚀', timestamp: new Date('2025-01-02T03:04:05.678Z') });
  return exporter.getFinishedLogRecords();
}

const serialize = (records: ReadableLogRecord[]) => new TextDecoder().decode(JsonLogsSerializer.serializeRequest(records));

describe('spooled batch format', () => {
  it('decodes to records that serialise to the same OTLP request, byte for byte', () => {
    const records = someRecords();
    const decoded = decodeBatch(encodeBatch(records));
    expect(decoded).toHaveLength(3);
    expect(serialize(decoded)).toBe(serialize(records));
    // Shared resource and scope objects: the request groups records under one resource, per scope.
    expect(decoded[0]!.resource).toBe(decoded[2]!.resource);
    expect(decoded[1]!.instrumentationScope).toBe(decoded[2]!.instrumentationScope);
    expect(decoded[1]!.body).toEqual({
      nested: { list: [1, 'two', null, new Uint8Array([0, 1, 255])] },
      bytes: new Uint8Array(Buffer.from('hi')),
    });
  });

  it('rejects a truncated or foreign file with SpoolFormatError', () => {
    const text = encodeBatch(someRecords());
    expect(() => decodeBatch(text.slice(0, text.length - 10))).toThrow(SpoolFormatError);
    expect(() => decodeBatch('{"v":2,"resources":[],"scopes":[],"records":[]}')).toThrow(/format version 1/);
    expect(() => decodeBatch('{"v":1,"resources":[],"scopes":[],"records":[{"r":0,"s":0}]}')).toThrow(/record 0 is incomplete/);
  });
});
