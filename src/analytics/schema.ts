/**
 * The server-side analytics event (after the spec's AnalyticsEvent, EventContext and EventMetadata) and
 * its validation rules. See README.md in this folder for how an event maps onto a log record.
 */
import { z } from 'zod';
import { EVENT } from '../semconv.js';

export const EVENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/;
export const PROPERTY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
export const MAX_PROPERTIES = 100;
const MAX_DEPTH = 8;
/** Emitted by captureError and the performance helpers, not by track(). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set<string>([EVENT.error, EVENT.performance]);
export const SCREEN_RESOLUTION = /^\d{1,5}x\d{1,5}$/;
export const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const nonEmpty = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

export const eventContextSchema = z
  .object({
    url: httpUrl.optional(),
    /** Path of the page or route, when there is no full URL. */
    path: nonEmpty(2048).startsWith('/', 'must start with /').optional(),
    referrer: httpUrl.optional(),
    userAgent: nonEmpty(1024).optional(),
    browser: nonEmpty(128).optional(),
    os: nonEmpty(128).optional(),
    device: z.enum(['mobile', 'desktop', 'tablet', 'other'], 'must be one of mobile, desktop, tablet, other').optional(),
    screenResolution: z.string().regex(SCREEN_RESOLUTION, 'must be WIDTHxHEIGHT').optional(),
    timezone: nonEmpty(64).optional(),
    locale: nonEmpty(35).optional(),
    title: nonEmpty(512).optional(),
  })
  // Further context is allowed (written as tc9.ctx.<key>), as long as it is a plain value.
  .catchall(z.union([nonEmpty(1024), z.number(), z.boolean()], 'must be a non-empty string, a number or a boolean'));

export const eventMetadataSchema = z.object({
  version: z.string().regex(SEMVER, 'must be a semantic version (1.2.3)').optional(),
  environment: z.enum(['development', 'staging', 'production', 'test'], 'must be one of development, staging, production, test').optional(),
  buildId: nonEmpty(128).optional(),
  deploymentId: nonEmpty(128).optional(),
  source: z.enum(['client', 'server', 'api'], 'must be one of client, server, api').optional(),
  retryCount: z.int('must be an integer').min(0, 'must not be negative').optional(),
  transmissionId: nonEmpty(128).optional(),
});

const properties = z
  .record(z.string().regex(PROPERTY_KEY_PATTERN, 'property names are 1 to 128 of A-Z a-z 0-9 _ . : -'), z.unknown())
  .refine((p) => Object.keys(p).length <= MAX_PROPERTIES, `must have at most ${MAX_PROPERTIES} properties`);

export const analyticsEventSchema = z
  .object({
    /** Event name: one of EVENT.* or the application's own (letters, digits, _ . : -). */
    name: z
      .string('must be a string')
      .regex(EVENT_NAME_PATTERN, 'must be 1 to 128 letters, digits, _ . : - starting with a letter')
      .refine((n) => !RESERVED_NAMES.has(n), 'is reserved: errors go through captureError, measurements through the performance helpers'),
    userId: nonEmpty(256).optional(),
    sessionId: nonEmpty(128).optional(),
    /** Defaults to now. */
    timestamp: z.date('must be a valid Date').optional(),
    properties: properties.optional(),
    context: eventContextSchema.optional(),
    metadata: eventMetadataSchema.optional(),
    /** Segmentation: the user's organisation, its type, and the user's type. */
    orgId: nonEmpty(256).optional(),
    orgType: nonEmpty(64).optional(),
    userType: nonEmpty(64).optional(),
  })
  .superRefine((event, ctx) => {
    for (const [key, value] of Object.entries(event.properties ?? {})) {
      const problem = notJson(value, 0);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: ['properties', key, ...problem.path],
          message: `must be serialisable to JSON (${problem.what})`,
        });
    }
    requireProperties(event, ctx);
  });

export type AnalyticsEvent = z.input<typeof analyticsEventSchema>;
export type EventContext = z.input<typeof eventContextSchema>;
export type EventMetadata = z.input<typeof eventMetadataSchema>;
export type ValidEvent = z.output<typeof analyticsEventSchema>;

/** What the reserved event names need in their properties, so they land in the right columns. */
function requireProperties(event: ValidEvent, ctx: z.RefinementCtx): void {
  // quick-check.ts asks the same of the events it passes without zod: keep the two in step.
  const p = event.properties ?? {};
  const need = (key: string, what: string) => {
    const v = p[key];
    if (typeof v !== 'string' || v.length === 0)
      ctx.addIssue({ code: 'custom', path: ['properties', key], message: `${event.name} events need ${what}` });
  };
  if (event.name === EVENT.featureUsed) need('feature', 'the feature name (a non-empty string)');
  if (event.name === EVENT.experimentExposure) {
    need('experiment', 'the experiment key (a non-empty string)');
    need('variant', 'the variant (a non-empty string)');
  }
}

/** Why `value` would not survive JSON.stringify unchanged, or undefined when it would. */
export function notJson(value: unknown, depth: number): { path: PropertyKey[]; what: string } | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || value === undefined) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path: [], what: String(value) };
  if (typeof value !== 'object') return { path: [], what: `a ${typeof value}` };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? { path: [], what: 'an invalid Date' } : undefined;
  if (depth >= MAX_DEPTH) return { path: [], what: `nested deeper than ${MAX_DEPTH} levels` };
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return { path: [], what: `a ${(value as object).constructor?.name ?? 'class instance'}` };
  }
  for (const [k, v] of Object.entries(value)) {
    const inner = notJson(v, depth + 1);
    if (inner) return { path: [Array.isArray(value) ? Number(k) : k, ...inner.path], what: inner.what };
  }
  return undefined;
}
