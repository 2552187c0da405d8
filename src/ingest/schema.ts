/**
 * Validation of browser event batches. The envelope must be right for anything to be accepted; each
 * event is then checked on its own, so one bad event costs only itself. Problems are reported as
 * `batch[<i>].<field>: <what is wrong>`.
 */
import { z } from 'zod';
import type { TrackedEvent } from '../browser/event.js';
import { EVENT } from '../semconv.js';

export const MAX_EVENTS_PER_BATCH = 500;
const MAX_PROPERTIES = 100;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;

const nonEmpty = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);
const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const context = z.object({
  url: httpUrl.optional(),
  path: nonEmpty(2048).startsWith('/', 'must start with /').optional(),
  referrer: httpUrl.optional(),
  title: nonEmpty(512).optional(),
  screenResolution: z
    .string()
    .regex(/^\d{1,5}x\d{1,5}$/, 'must be WIDTHxHEIGHT')
    .optional(),
  timezone: nonEmpty(64).optional(),
  locale: nonEmpty(35).optional(),
});

const metadata = z.object({
  source: z.literal('client', 'must be "client"').optional(),
  version: nonEmpty(64).optional(),
  retryCount: z.int().min(0).max(1000).optional(),
});

/** W3C trace context ids: lowercase hex, not all zeros. */
const hexId = (length: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${length}}$`), `must be ${length} lowercase hex digits`)
    .refine((v) => /[^0]/.test(v), 'must not be all zeros');

const MAX_DEPTH = 8;

/** Whether `value` nests arrays or objects deeper than `max` levels; looks no deeper than that. */
function tooDeep(value: unknown, max: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (max === 0) return true;
  return Object.values(value).some((v) => tooDeep(v, max - 1));
}

const properties = z
  .record(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'property names are 1 to 128 of A-Z a-z 0-9 _ . : -'), z.unknown())
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `at most ${MAX_PROPERTIES} properties`)
  // A page's property is context, not a document; deeper values could not even be serialised (stack depth).
  .refine((p) => !Object.values(p).some((v) => tooDeep(v, MAX_DEPTH)), `must not nest objects or arrays deeper than ${MAX_DEPTH} levels`);

/** What the reserved event names need in their properties, so they land in the right columns. */
function requireProperties(event: { event: string; properties?: Record<string, unknown> | undefined }, ctx: z.RefinementCtx): void {
  const p = event.properties ?? {};
  const need = (key: string, ok: (v: unknown) => boolean, what: string) => {
    if (!ok(p[key])) ctx.addIssue({ code: 'custom', path: ['properties', key], message: `${event.event} events need ${what}` });
  };
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  switch (event.event) {
    case EVENT.featureUsed:
      need('feature', text, 'the feature name (a non-empty string)');
      break;
    case EVENT.error:
      need('message', text, 'the error message (a non-empty string)');
      break;
    case EVENT.performance:
      need('metric', text, 'the metric name (a non-empty string)');
      need('value', (v) => typeof v === 'number' && Number.isFinite(v), 'a finite number value');
      break;
    case EVENT.experimentExposure:
      need('experiment', text, 'the experiment key (a non-empty string)');
      need('variant', text, 'the variant (a non-empty string)');
      break;
  }
}

export const browserEventSchema = z
  .object({
    id: z.uuid('must be a UUID'),
    event: z.string().regex(EVENT_NAME, 'must be a name of 1 to 128 letters, digits, _ . : - starting with a letter'),
    sessionId: nonEmpty(128),
    userId: nonEmpty(256).optional(),
    timestamp: isoTime,
    properties: properties.optional(),
    context: context.optional(),
    metadata: metadata.optional(),
    traceId: hexId(32).optional(),
    spanId: hexId(16).optional(),
  })
  .superRefine(requireProperties)
  .superRefine((event, ctx) => {
    if ((event.traceId === undefined) !== (event.spanId === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [event.traceId === undefined ? 'traceId' : 'spanId'],
        message: 'traceId and spanId go together',
      });
  });

export type BrowserEvent = z.output<typeof browserEventSchema>;

// The tracker's wire type must stay assignable to what is validated here.
type Assignable<T extends U, U> = T;
export type TrackerEventFits = Assignable<TrackedEvent, z.input<typeof browserEventSchema>>;

const envelope = z.object({
  batch: z
    .array(z.unknown(), 'must be an array of events')
    .min(1, 'must hold at least one event')
    .max(MAX_EVENTS_PER_BATCH, `must hold at most ${MAX_EVENTS_PER_BATCH} events`),
  sentAt: isoTime.optional(),
  writeKey: z.string().optional(),
});

export type Envelope = z.output<typeof envelope>;

/** Plainer words than zod's defaults for the common cases; messages set on the schema take precedence. */
const messages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${issue.expected === 'object' || issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`;
};

export interface Rejection {
  index: number;
  /** The event's id when it had a readable one. */
  id?: string;
  errors: string[];
}

export type EnvelopeResult = { ok: true; envelope: Envelope } | { ok: false; errors: string[] };

export function parseEnvelope(body: unknown): EnvelopeResult {
  const r = envelope.safeParse(body, { error: messages });
  return r.success ? { ok: true, envelope: r.data } : { ok: false, errors: describe(r.error, []) };
}

export function validateEvents(batch: unknown[]): { valid: { index: number; event: BrowserEvent }[]; rejected: Rejection[] } {
  const valid: { index: number; event: BrowserEvent }[] = [];
  const rejected: Rejection[] = [];
  batch.forEach((item, index) => {
    const r = browserEventSchema.safeParse(item, { error: messages });
    if (r.success) {
      valid.push({ index, event: r.data });
      return;
    }
    const id = (item as { id?: unknown } | null)?.id;
    rejected.push({ index, ...(typeof id === 'string' ? { id } : {}), errors: describe(r.error, ['batch', index]) });
  });
  return { valid, rejected };
}

/** `batch[2].context.url: must be an http(s) URL` */
function describe(error: z.ZodError, prefix: PropertyKey[]): string[] {
  return error.issues.map((issue) => `${formatPath([...prefix, ...issue.path]) || 'body'}: ${issue.message}`);
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? (out ? `${out}.${name}` : name) : `${out}[${JSON.stringify(name)}]`;
  }, '');
}
