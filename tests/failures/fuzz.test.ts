/**
 * 10,000 malformed, oversized, deeply nested and hostile payloads at the ingest endpoint (Express and
 * Fastify adapters, 5,000 each) and 10,000 at the analytics API: only 4xx answers and ValidationErrors,
 * never a 5xx, another exception or a polluted prototype, and a valid request still works afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { track, validateEvent } from '../../src/analytics/track.js';
import { ValidationError } from '../../src/analytics/validation.js';
import { installInMemoryOtel, type InMemoryOtel } from '../helpers/in-memory-otel.js';
import { startIngestServer, WRITE_KEY, type Framework, type IngestServer } from '../ingest/harness.js';
import { analyticsCase, ingestCase, seeded, validBrowserEvent, type IngestCase } from './hostile.js';

const SEED = 20_251_201;
const PER_FRAMEWORK = 5_000;

function notPolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
}

async function send(url: string, c: IngestCase): Promise<number> {
  const res = await fetch(`${url}/v1/events`, { method: c.method ?? 'POST', headers: c.headers, body: c.body });
  await res.arrayBuffer();
  return res.status;
}

describe.each<Framework>(['express', 'fastify'])('ingest endpoint on %s under hostile payloads', (framework) => {
  let server: IngestServer;
  beforeAll(async () => {
    // No rate limit: every payload must reach validation.
    server = await startIngestServer(framework, { rateLimit: false });
  });
  afterAll(() => server.close());

  it(`answers ${PER_FRAMEWORK} of them with 4xx (or 200 for acceptable ones), never 5xx, and still works after`, async () => {
    const random = seeded(SEED + (framework === 'express' ? 0 : 1));
    const cases = Array.from({ length: PER_FRAMEWORK }, () => ingestCase(random, WRITE_KEY));
    const outcomes: { index: number; kind: string; status: number }[] = new Array(cases.length);
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index]!;
        outcomes[index] = {
          index,
          kind: c.kind,
          status: await send(server.url, c).catch((error: unknown) => -1 * (String(error).length || 1)),
        };
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const wrong = outcomes.filter((o) => (cases[o.index]!.invalid ? o.status < 400 || o.status >= 500 : o.status < 200 || o.status >= 500));
    expect(wrong.slice(0, 10), `seed ${SEED}: ${wrong.length} wrong answers`).toEqual([]);
    // Every family of payloads was tried.
    expect(new Set(outcomes.map((o) => o.kind)).size).toBe(13);
    notPolluted();

    const before = server.records().length;
    const good = validBrowserEvent({ event: 'report.exported', properties: { format: 'csv' } });
    expect(
      await send(server.url, {
        kind: 'valid',
        headers: { 'content-type': 'application/json', 'x-write-key': WRITE_KEY },
        body: JSON.stringify({ batch: [good] }),
        invalid: false,
      }),
    ).toBe(200);
    expect(
      server
        .records()
        .slice(before)
        .map((r) => r.attributes['tc9.event.id']),
    ).toEqual([good.id]);
  }, 180_000);
});

describe('analytics API under hostile events', () => {
  let otel: InMemoryOtel;
  beforeAll(() => {
    otel = installInMemoryOtel();
  });
  afterAll(() => otel.uninstall());

  it('answers 10,000 of them with an id or a ValidationError, nothing else', () => {
    const random = seeded(SEED + 2);
    const unexpected: { index: number; error: string }[] = [];
    let accepted = 0;
    let rejected = 0;
    for (let index = 0; index < 10_000; index++) {
      const input = analyticsCase(random);
      for (const call of [() => validateEvent(input), () => track(input as Parameters<typeof track>[0])]) {
        try {
          const out = call();
          if (typeof out === 'string') accepted++;
        } catch (error) {
          if (error instanceof ValidationError && error.issues.length > 0 && error.message.length > 0) rejected++;
          else unexpected.push({ index, error: String(error) });
        }
      }
    }
    expect(unexpected.slice(0, 10), `seed ${SEED + 2}`).toEqual([]);
    expect(rejected).toBeGreaterThan(15_000);
    expect(otel.logs()).toHaveLength(accepted);
    notPolluted();
    expect(typeof track({ name: 'order.placed', properties: { n: 1 } })).toBe('string');
  }, 60_000);
});
