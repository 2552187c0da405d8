/**
 * Attribute values are cut at the value limit on whole code points: half a surrogate pair made the store
 * refuse the row (CANNOT_PARSE_ESCAPE_SEQUENCE), and before the writer isolated bad rows, its whole batch.
 */
import { describe, expect, it } from 'vitest';
import { MAX_VALUE_LENGTH, text } from '../../src/analytics/record.js';
import { toLogRecord } from '../../src/ingest/to-log-record.js';

const isWellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('value limit', () => {
  const emojiAtTheCut = `${'a'.repeat(MAX_VALUE_LENGTH - 1)}😀tail`;

  it('text() cuts before a pair that straddles the limit, and keeps short values whole', () => {
    const cut = text(emojiAtTheCut);
    expect(isWellFormed(cut)).toBe(true);
    expect(cut).toBe('a'.repeat(MAX_VALUE_LENGTH - 1));
    expect(text('🎉'.repeat(10))).toBe('🎉'.repeat(10));
    expect(text('x'.repeat(MAX_VALUE_LENGTH + 5))).toHaveLength(MAX_VALUE_LENGTH);
  });

  it('browser events taken in at the ingest door are cut the same way', () => {
    const record = toLogRecord({
      event: { id: 'e1', event: 'page_view', sessionId: 's1', timestamp: new Date().toISOString(), properties: { note: emojiAtTheCut } },
      timestamp: new Date(),
      receivedAt: new Date(),
      client: {},
    } as never);
    const values = Object.values(record.attributes ?? {}).filter((v): v is string => typeof v === 'string');
    const note = values.find((v) => v.startsWith('aaaa'));
    expect(note).toBeDefined();
    expect(isWellFormed(note!)).toBe(true);
  });
});
