/**
 * A seeded dataset written as raw OTel rows (the way the collector writes them), so the views build the
 * analytics tables exactly as in production. The generated truth (events, spans, histogram points) is
 * returned for the tests to compute their expectations from, independently of ClickHouse.
 */
import type { Store } from '../../src/store/store.js';
import { DURATION_BUCKETS_SECONDS } from '../../src/semconv.js';
import { seededRandom } from '../../examples/migration-service/run/random.js';

export const DAY = 86_400_000;

/** The reference service's seeded stream (mulberry32). */
export const prng = seededRandom;

/** DateTime64(9) input from epoch milliseconds plus extra nanoseconds. */
export const dt = (ms: number, extraNs = 0) => `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1e6 + extraNs).padStart(9, '0')}`;

export interface Event {
  ts: number;
  name: string;
  kind: 'analytics' | 'error' | 'performance';
  user: string;
  session: string;
  attrs: Record<string, string>;
  release?: string;
}

export interface Span {
  ts: number;
  name: string;
  kind: string;
  service: string;
  durationNs: number;
  status: 'Ok' | 'Error' | 'Unset';
  attrs: Record<string, string>;
  traceId: string;
  spanId: string;
}

export interface HistogramPoint {
  service: string;
  attrs: Record<string, string>;
  start: number;
  time: number;
  temporality: 1 | 2;
  counts: number[];
}

export interface Dataset {
  from: number;
  to: number;
  events: Event[];
  spans: Span[];
  histograms: HistogramPoint[];
}

const hex = (rand: () => number, bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(rand() * 256)
      .toString(16)
      .padStart(2, '0'),
  ).join('');

function logRow(e: Event) {
  return {
    Timestamp: dt(e.ts),
    TraceId: '',
    SpanId: '',
    TraceFlags: 0,
    SeverityText: e.kind === 'error' ? 'ERROR' : 'INFO',
    SeverityNumber: e.kind === 'error' ? 17 : 9,
    ServiceName: 'app',
    Body: e.name,
    ResourceSchemaUrl: '',
    ResourceAttributes: { 'service.name': 'app', 'service.version': '1.0.0', ...(e.release ? { 'tc9.release': e.release } : {}) },
    ScopeSchemaUrl: '',
    ScopeName: 'tc9-observability',
    ScopeVersion: '0.1.0',
    ScopeAttributes: {},
    LogAttributes: {
      'tc9.event.kind': e.kind,
      ...(e.user ? { 'user.id': e.user } : {}),
      ...(e.session ? { 'session.id': e.session } : {}),
      ...e.attrs,
    },
    EventName: e.name,
  };
}

function spanRow(s: Span) {
  return {
    Timestamp: dt(s.ts),
    TraceId: s.traceId,
    SpanId: s.spanId,
    ParentSpanId: '',
    TraceState: '',
    SpanName: s.name,
    SpanKind: s.kind,
    ServiceName: s.service,
    ResourceAttributes: { 'service.name': s.service },
    ScopeName: 'test',
    ScopeVersion: '',
    SpanAttributes: s.attrs,
    Duration: s.durationNs,
    StatusCode: s.status,
    StatusMessage: '',
  };
}

function histogramRow(h: HistogramPoint) {
  return {
    ResourceAttributes: { 'service.name': h.service },
    ServiceName: h.service,
    MetricName: 'http.server.request.duration',
    MetricUnit: 's',
    Attributes: h.attrs,
    StartTimeUnix: dt(h.start),
    TimeUnix: dt(h.time),
    Count: h.counts.reduce((a, b) => a + b, 0),
    Sum: 0,
    BucketCounts: h.counts,
    ExplicitBounds: DURATION_BUCKETS_SECONDS,
    AggregationTemporality: h.temporality,
  };
}

/** Bucket index of a value in seconds (upper bounds inclusive, last bucket +Inf). */
export function bucketOf(seconds: number): number {
  const i = DURATION_BUCKETS_SECONDS.findIndex((b) => seconds <= b);
  return i < 0 ? DURATION_BUCKETS_SECONDS.length : i;
}

const PAGES = ['/', '/migrations', '/migrations/new', '/settings', '/reports'];
const FEATURES = ['bulk-edit', 'templates', 'export'];
const ROUTES = [
  { route: '/users/:id', method: 'GET', n: 240, scaleMs: 40 },
  { route: '/orders', method: 'POST', n: 160, scaleMs: 120 },
  { route: '/health', method: 'GET', n: 40, scaleMs: 2 },
];

export function generate(seed = 7, now = Date.now()): Dataset {
  const rand = prng(seed);
  const from = Math.floor(now / DAY) * DAY - 21 * DAY;
  const to = from + 21 * DAY;
  const at = (day: number, ms: number) => from + day * DAY + ms;
  const events: Event[] = [];
  const spans: Span[] = [];
  const histograms: HistogramPoint[] = [];

  // Product activity: 40 users, each active on some days with one session of page views and feature use.
  for (let u = 1; u <= 40; u++) {
    const user = `u${String(u).padStart(2, '0')}`;
    const activity = 0.1 + (u % 5) * 0.15;
    for (let day = 0; day < 21; day++) {
      if (rand() > activity) continue;
      const session = `${user}-s${day}`;
      let t = at(day, Math.floor(rand() * 20 * 3_600_000));
      const steps = 1 + Math.floor(rand() * 6);
      for (let k = 0; k < steps; k++) {
        events.push({
          ts: t,
          name: 'page.view',
          kind: 'analytics',
          user,
          session,
          attrs: { 'url.path': PAGES[Math.floor(rand() * PAGES.length)]! },
        });
        t += 1_000 + Math.floor(rand() * 120_000);
        if (rand() < 0.3) {
          const feature = FEATURES[(u + k) % FEATURES.length]!;
          events.push({
            ts: t,
            name: 'feature.used',
            kind: 'analytics',
            user,
            session,
            attrs: { 'tc9.feature.name': feature, 'tc9.duration_ms': String(100 + k) },
          });
          t += 1_000 + Math.floor(rand() * 30_000);
        }
      }
    }
  }

  // Funnel signup.started -> signup.details -> signup.completed, one hour window, known patterns.
  const funnelPatterns: Array<Array<[string, number]>> = [
    [
      ['signup.started', 0],
      ['signup.details', 60_000],
      ['signup.completed', 120_000],
    ], // completes
    [
      ['signup.started', 0],
      ['signup.details', 60_000],
    ], // drops at completion
    [['signup.started', 0]], // drops at details
    [
      ['signup.started', 0],
      ['signup.completed', 60_000],
    ], // skips details: level 1
    [
      ['signup.details', 0],
      ['signup.started', 60_000],
      ['signup.completed', 120_000],
    ], // out of order: level 1
    [
      ['signup.started', 0],
      ['signup.details', 2 * 3_600_000],
    ], // details outside the window: level 1
    [
      ['signup.started', 0],
      ['signup.started', 600_000],
      ['signup.details', 700_000],
      ['signup.completed', 800_000],
    ], // completes
  ];
  for (let f = 1; f <= 35; f++) {
    const user = `f${String(f).padStart(2, '0')}`;
    const pattern = funnelPatterns[f % funnelPatterns.length]!;
    const start = at(2 + (f % 15), 3_600_000 + f * 1_000);
    for (const [name, offset] of pattern)
      events.push({ ts: start + offset, name, kind: 'analytics', user, session: `${user}-signup`, attrs: {} });
  }

  // Experiment: first exposure decides the variant; only conversions after it count.
  for (let x = 1; x <= 30; x++) {
    const user = `x${String(x).padStart(2, '0')}`;
    const variant = x % 3 === 0 ? 'treatment' : 'control';
    const start = at(5 + (x % 10), 7_200_000 + x * 1_000);
    const expose = (ts: number, v: string) =>
      events.push({
        ts,
        name: 'experiment.exposure',
        kind: 'analytics',
        user,
        session: `${user}-x`,
        attrs: { 'tc9.experiment.key': 'new-onboarding', 'tc9.experiment.variant': v },
      });
    expose(start, variant);
    if (x % 4 === 0) expose(start + 60_000, variant === 'control' ? 'treatment' : 'control');
    if (x % 5 === 0)
      events.push({ ts: start - 60_000, name: 'signup.completed', kind: 'analytics', user, session: `${user}-x`, attrs: {} });
    else if (x % 2 === 0 || x % 3 === 0)
      events.push({ ts: start + 300_000, name: 'signup.completed', kind: 'analytics', user, session: `${user}-x`, attrs: {} });
  }

  // Classified errors, three groups over two releases.
  for (let e = 0; e < 60; e++) {
    const fingerprint = ['fp-timeout', 'fp-null', 'fp-quota'][e % 3]!;
    events.push({
      ts: at(e % 21, 5_000_000 + e * 7_000),
      name: 'tc9.error',
      kind: 'error',
      user: e % 4 === 0 ? '' : `u${String(1 + (e % 9)).padStart(2, '0')}`,
      session: '',
      release: e < 30 ? 'app@1.0.0' : 'app@1.1.0',
      attrs: {
        'tc9.error.fingerprint': fingerprint,
        'exception.type': `${fingerprint}-type`,
        'exception.message': `${fingerprint} happened`,
        'tc9.error.category': 'SERVER_ERROR',
      },
    });
  }

  // Server spans with exact durations; some 5xx and error statuses; one other service.
  for (const { route, method, n, scaleMs } of ROUTES) {
    for (let i = 0; i < n; i++) {
      const durationNs = Math.floor(scaleMs * 1e6 * (0.2 + -Math.log(1 - rand()))) + Math.floor(rand() * 1000);
      const r = rand();
      const status5xx = r < 0.06;
      // 4xx answers: some with status Error, as SDKs that do not follow OTel's HTTP conventions set it.
      const status4xx = !status5xx && r < 0.11;
      const statusError = !status5xx && rand() < (status4xx ? 0.5 : 0.03);
      spans.push({
        ts: at(Math.floor(rand() * 21), Math.floor(rand() * DAY)),
        name: `${method} ${route}`,
        kind: 'Server',
        service: i % 10 === 0 ? 'other' : 'api',
        durationNs,
        status: statusError ? 'Error' : 'Unset',
        attrs: {
          'http.route': route,
          'http.request.method': method,
          'http.response.status_code': status5xx ? '503' : status4xx ? '404' : '200',
        },
        traceId: hex(rand, 16),
        spanId: hex(rand, 8),
      });
    }
  }

  // Prisma operations.
  const ops = [
    { model: 'User', method: 'findMany', scaleMs: 8, n: 120 },
    { model: 'Order', method: 'create', scaleMs: 25, n: 80 },
    { model: '', method: '$queryRaw', scaleMs: 60, n: 30 },
  ];
  for (const op of ops) {
    for (let i = 0; i < op.n; i++) {
      spans.push({
        ts: at(Math.floor(rand() * 21), Math.floor(rand() * DAY)),
        name: 'prisma:client:operation',
        kind: 'Internal',
        service: 'api',
        durationNs: Math.floor(op.scaleMs * 1e6 * (0.1 + -Math.log(1 - rand()))),
        status: rand() < 0.05 ? 'Error' : 'Unset',
        attrs: { method: op.method, ...(op.model ? { model: op.model, name: `${op.model}.${op.method}` } : { name: op.method }) },
        traceId: hex(rand, 16),
        spanId: hex(rand, 8),
      });
    }
  }

  // Migration runs, each with extract/transform/load phases in the same trace.
  for (let r = 0; r < 24; r++) {
    const template = ['accounts', 'contacts', 'opportunities'][r % 3]!;
    const traceId = hex(rand, 16);
    const start = at(r % 21, 10_000_000 + r * 60_000);
    const processed = 500 + Math.floor(rand() * 5000);
    const failed = r % 5 === 0;
    let t = start;
    let total = 0;
    for (const phase of ['extract', 'transform', 'load']) {
      const durationNs = Math.floor((200 + rand() * 3000) * 1e6);
      spans.push({
        ts: t,
        name: `migration.phase ${phase}`,
        kind: 'Internal',
        service: 'worker',
        durationNs,
        status: failed && phase === 'load' ? 'Error' : 'Ok',
        attrs: {
          'tc9.migration.run_id': `run-${r}`,
          'tc9.migration.phase': phase,
          'tc9.migration.template': template,
          'tc9.migration.records.processed': String(processed),
        },
        traceId,
        spanId: hex(rand, 8),
      });
      t += Math.ceil(durationNs / 1e6);
      total += durationNs;
    }
    spans.push({
      ts: start,
      name: 'migration.run',
      kind: 'Internal',
      service: 'worker',
      durationNs: total,
      status: failed ? 'Error' : 'Ok',
      attrs: {
        'tc9.migration.run_id': `run-${r}`,
        'tc9.migration.template': template,
        'tc9.migration.outcome': failed ? 'failed' : 'succeeded',
        'tc9.migration.records.processed': String(processed),
        'user.id': `u${String(1 + (r % 9)).padStart(2, '0')}`,
      },
      traceId,
      spanId: hex(rand, 8),
    });
  }

  // http.server.request.duration: delta points from 'api', cumulative series from 'api-legacy'
  // (one started before the range: last minus first point; one inside it: its last point).
  const observe = (counts: number[], n: number, scaleS: number) => {
    for (let i = 0; i < n; i++) counts[bucketOf(scaleS * (0.2 + -Math.log(1 - rand())))]! += 1;
  };
  const empty = () => new Array<number>(DURATION_BUCKETS_SECONDS.length + 1).fill(0);
  for (const { route, method, scaleMs } of ROUTES) {
    for (const status of ['200', '500']) {
      for (let p = 0; p < 6; p++) {
        const counts = empty();
        observe(counts, status === '200' ? 30 + p : 2, scaleMs / 1000);
        const time = at(p * 3, 60_000);
        histograms.push({
          service: 'api',
          attrs: { 'http.route': route, 'http.request.method': method, 'http.response.status_code': status },
          start: time - 60_000,
          time,
          temporality: 1,
          counts,
        });
      }
    }
    for (const [k, seriesStart] of [from - DAY, from + DAY].entries()) {
      const cumulative = empty();
      for (let p = 0; p < 4; p++) {
        observe(cumulative, 20 + k * 5, scaleMs / 1000);
        histograms.push({
          service: 'api-legacy',
          attrs: { 'http.route': route, 'http.request.method': method, 'http.response.status_code': '200', 'service.instance': String(k) },
          start: seriesStart,
          time: at(2 + p * 4, 120_000),
          temporality: 2,
          counts: [...cumulative],
        });
      }
    }
  }

  return { from, to, events: events.sort((a, b) => a.ts - b.ts), spans, histograms };
}

export async function seed(store: Store, data: Dataset): Promise<void> {
  await store.insert('otel_logs', data.events.map(logRow));
  await store.insert('otel_traces', data.spans.map(spanRow));
  await store.insert('otel_metrics_histogram', data.histograms.map(histogramRow));
}

/** Long retention for seeded data, so no TTL can touch it while the tests run. */
export const TEST_RETENTION = { errorLogsDays: 3650, analyticsDataDays: 3650, userDataAnonymizationDays: 3000, performanceDataDays: 3650 };
