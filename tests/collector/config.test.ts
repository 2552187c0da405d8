/**
 * Structure of otel-collector-config.yaml (no collector runs here): components defined and used, signal
 * routes from the OTLP receiver to the exporters (through connectors), the order of processors on each route,
 * settings that must not drift (span metrics, tail sampling, ClickHouse tables) and the PII patterns.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SPAN_METRICS } from '../../src/dashboards/sql/metric-names.js';

type Section = Record<string, Record<string, unknown> | null>;
interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}
interface CollectorConfig {
  extensions: Section;
  receivers: Section;
  processors: Section;
  connectors: Section;
  exporters: Section;
  service: { extensions: string[]; pipelines: Record<string, Pipeline> };
}

const ROOT = new URL('../../', import.meta.url);
const raw = readFileSync(new URL('otel-collector-config.yaml', ROOT), 'utf8');
const config = parse(raw) as CollectorConfig;
const pipelines = Object.entries(config.service.pipelines);
const signalOf = (pipeline: string) => pipeline.split('/')[0] as string;

interface Route {
  exporter: string;
  /** Pipelines and processors the data went through, in order. */
  pipelines: string[];
  processors: string[];
}

/** Every exporter the OTLP receiver's data of one signal reaches, following connectors into other pipelines. */
function routes(signal: string): Route[] {
  const found: Route[] = [];
  const walk = (name: string, pipeline: Pipeline, via: Route) => {
    const here = { ...via, pipelines: [...via.pipelines, name], processors: [...via.processors, ...(pipeline.processors ?? [])] };
    for (const exporter of pipeline.exporters) {
      if (exporter in (config.connectors ?? {})) {
        for (const [next, p] of pipelines)
          if (p.receivers.includes(exporter)) walk(next, p, { ...here, processors: [...here.processors, exporter] });
      } else {
        found.push({ ...here, exporter });
      }
    }
  };
  for (const [name, p] of pipelines)
    if (signalOf(name) === signal && p.receivers.includes('otlp')) walk(name, p, { exporter: '', pipelines: [], processors: [] });
  return found;
}

describe('collector config: components', () => {
  it('defines every component a pipeline uses and uses every component it defines', () => {
    const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
    for (const [, p] of pipelines) {
      for (const r of p.receivers) used.receivers.add(r);
      for (const r of p.processors ?? []) used.processors.add(r);
      for (const r of p.exporters) used.exporters.add(r);
    }
    const connectors = new Set(Object.keys(config.connectors));
    for (const r of used.receivers) expect(r in config.receivers || connectors.has(r), `receiver ${r}`).toBe(true);
    for (const r of used.processors) expect(r in config.processors, `processor ${r}`).toBe(true);
    for (const r of used.exporters) expect(r in config.exporters || connectors.has(r), `exporter ${r}`).toBe(true);
    for (const name of Object.keys(config.receivers)) expect(used.receivers.has(name), `unused receiver ${name}`).toBe(true);
    for (const name of Object.keys(config.processors)) expect(used.processors.has(name), `unused processor ${name}`).toBe(true);
    for (const name of Object.keys(config.exporters)) expect(used.exporters.has(name), `unused exporter ${name}`).toBe(true);
    // A connector is an exporter of one pipeline and a receiver of another.
    for (const name of connectors) {
      expect(used.exporters.has(name) && used.receivers.has(name), `connector ${name} wired on both ends`).toBe(true);
    }
    expect(Object.keys(config.extensions).sort()).toEqual([...config.service.extensions].sort());
    expect(config.service.extensions).toContain('health_check');
  });

  it('uses the snake_case component names of the pinned collector (0.153+), no deprecated aliases or batch processor', () => {
    const types = [config.receivers, config.processors, config.connectors, config.exporters, config.extensions].flatMap((s) =>
      Object.keys(s).map((k) => k.split('/')[0]),
    );
    for (const alias of ['resourcedetection', 'spanmetrics', 'otlphttp', 'otlp_grpc_alias', 'batch']) expect(types).not.toContain(alias);
    expect(types).toEqual(
      expect.arrayContaining([
        'resource_detection',
        'span_metrics',
        'otlp_http',
        'tail_sampling',
        'memory_limiter',
        'redaction',
        'transform',
        'clickhouse',
        'forward',
      ]),
    );
    // Our distribution (collector/builder-config.yaml) is what compose builds and the validate test runs.
    const manifest = readFileSync(new URL('collector/builder-config.yaml', ROOT), 'utf8');
    const versions = new Set([...manifest.matchAll(/gomod: \S+ v0\.(\d+)\.\d+/g)].map((m) => Number(m[1])));
    expect(versions.size, 'one collector release for every component').toBe(1);
    expect([...versions][0]).toBeGreaterThanOrEqual(153);
  });

  // Tests move these through the environment; what production gets (the default after `:-`) must not change.
  it('receives OTLP on gRPC 4317 and HTTP 4318, health on 13133 (env-overridable, same defaults)', () => {
    expect(config.receivers.otlp).toEqual({
      protocols: {
        grpc: { endpoint: '${env:OTEL_COLLECTOR_OTLP_GRPC_ENDPOINT:-0.0.0.0:4317}' },
        http: { endpoint: '${env:OTEL_COLLECTOR_OTLP_HTTP_ENDPOINT:-0.0.0.0:4318}' },
      },
    });
    expect(config.extensions.health_check).toEqual({ endpoint: '${env:OTEL_COLLECTOR_HEALTH_ENDPOINT:-0.0.0.0:13133}' });
    expect((config.processors.tail_sampling as { decision_wait: string }).decision_wait).toBe('${env:SENTRY_TRACES_DECISION_WAIT:-10s}');
    expect((config.exporters.clickhouse as { compress: string }).compress).toBe('${env:CLICKHOUSE_COMPRESS:-lz4}');
  });
});

describe('collector config: routes', () => {
  it('puts memory_limiter first in every pipeline', () => {
    for (const [name, p] of pipelines) expect(p.processors?.[0], name).toBe('memory_limiter');
  });

  it('sends traces to ClickHouse unsampled and to Sentry through tail sampling', () => {
    // Spans themselves (not the metrics the span_metrics connector makes of them).
    const traces = routes('traces').filter((r) => signalOf(r.pipelines.at(-1) as string) === 'traces');
    const clickhouse = traces.filter((r) => r.exporter === 'clickhouse');
    const sentry = traces.filter((r) => r.exporter === 'otlp_http/sentry');
    expect(clickhouse).toHaveLength(1);
    expect(clickhouse[0]?.processors).not.toContain('tail_sampling');
    expect(clickhouse[0]?.processors).toEqual(expect.arrayContaining(['resource_detection', 'redaction/pii', 'transform/pii']));
    expect(sentry).toHaveLength(1);
    expect(sentry[0]?.processors).toContain('tail_sampling');
    // PII is removed before anything leaves, sampling happens after.
    const p = sentry[0]?.processors ?? [];
    expect(p.indexOf('redaction/pii')).toBeLessThan(p.indexOf('tail_sampling'));
    // Tail sampling nowhere else.
    for (const [name, pipeline] of pipelines) if (pipeline.processors?.includes('tail_sampling')) expect(name).toBe('traces/sentry');
  });

  it('derives span metrics from every span, before tail sampling, and stores them with the other metrics', () => {
    const spanMetricRoutes = routes('traces').filter((r) => r.processors.includes('span_metrics'));
    expect(spanMetricRoutes.map((r) => [r.exporter, signalOf(r.pipelines.at(-1) as string)])).toEqual([['clickhouse', 'metrics']]);
    const before = spanMetricRoutes[0]?.processors ?? [];
    expect(before.slice(0, before.indexOf('span_metrics'))).not.toContain('tail_sampling');
    expect(routes('metrics').map((r) => r.exporter)).toEqual(['clickhouse']);
  });

  it('sends logs (events, errors) to ClickHouse only, redacted', () => {
    const logs = routes('logs');
    expect(logs.map((r) => r.exporter)).toEqual(['clickhouse']);
    expect(logs[0]?.processors).toEqual(expect.arrayContaining(['redaction/pii', 'transform/pii']));
  });
});

describe('collector config: settings', () => {
  it('has span metrics with the RED dimensions, delta temporality, a pinned unit and the names the dashboards read', () => {
    const sm = config.connectors.span_metrics as {
      namespace: string;
      aggregation_temporality: string;
      histogram: { unit: string; explicit: { buckets: string[] } };
      dimensions: Array<{ name: string }>;
    };
    expect(sm.dimensions.map((d) => d.name)).toEqual(
      expect.arrayContaining(['http.route', 'http.request.method', 'http.response.status_code']),
    );
    expect(sm.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_DELTA');
    expect(sm.histogram.unit).toBe('ms');
    expect(`${sm.namespace}.calls`).toBe(SPAN_METRICS.calls);
    expect(`${sm.namespace}.duration`).toBe(SPAN_METRICS.duration);
    expect(sm.histogram.explicit.buckets).toContain('1s');
  });

  it('keeps every error trace, slow traces and a configurable share in the Sentry sample', () => {
    const ts = config.processors.tail_sampling as { policies: Array<Record<string, unknown> & { name: string; type: string }> };
    const policy = (type: string) => ts.policies.find((p) => p.type === type) as Record<string, Record<string, unknown>>;
    expect(policy('status_code').status_code).toEqual({ status_codes: ['ERROR'] });
    expect(String(policy('latency').latency?.threshold_ms)).toMatch(/^\$\{env:SENTRY_TRACES_SLOW_MS:-\d+\}$/);
    expect(String(policy('probabilistic').probabilistic?.sampling_percentage)).toMatch(/^\$\{env:SENTRY_TRACES_SAMPLE_PERCENT:-\d+\}$/);
  });

  it('writes to our own ClickHouse tables (create_schema false) with retries and a batching queue', () => {
    const ch = config.exporters.clickhouse as Record<string, unknown> & {
      metrics_tables: Record<string, { name: string }>;
      sending_queue: { enabled: boolean; batch: Record<string, unknown> };
      retry_on_failure: { enabled: boolean };
    };
    expect(ch.create_schema).toBe(false);
    expect(ch.retry_on_failure.enabled).toBe(true);
    expect(ch.sending_queue.enabled).toBe(true);
    expect(ch.sending_queue.batch).toBeTruthy();
    const ddlTables = new Set(
      readdirSync(new URL('clickhouse/', ROOT))
        .filter((f) => f.endsWith('.sql'))
        .flatMap((f) =>
          [
            ...readFileSync(new URL(`clickhouse/${f}`, ROOT), 'utf8').matchAll(
              /CREATE TABLE IF NOT EXISTS \{\{db\}\}\.(\w+?)\{\{local\}\}/g,
            ),
          ].map((m) => m[1]),
        ),
    );
    const names = [ch.traces_table_name, ch.logs_table_name, ...Object.values(ch.metrics_tables).map((t) => t.name)];
    expect(Object.keys(ch.metrics_tables).sort()).toEqual(['exponential_histogram', 'gauge', 'histogram', 'sum', 'summary']);
    for (const name of names) expect(ddlTables.has(String(name)), `table ${String(name)} in clickhouse/*.sql`).toBe(true);
  });

  it('batches in every exporter queue and takes every secret and endpoint from the environment', () => {
    for (const [name, exporter] of Object.entries(config.exporters)) {
      expect((exporter as { sending_queue?: { batch?: unknown } }).sending_queue?.batch, name).toBeTruthy();
    }
    const sentry = config.exporters['otlp_http/sentry'] as {
      traces_endpoint: string;
      headers: Record<string, string>;
      compression: string;
    };
    expect(sentry.traces_endpoint).toBe('${env:SENTRY_OTLP_TRACES_ENDPOINT}');
    expect(sentry.headers['x-sentry-auth']).toBe('sentry sentry_key=${env:SENTRY_PUBLIC_KEY}');
    expect((config.exporters.clickhouse as { password: string }).password).toBe('${env:CLICKHOUSE_WRITER_PASSWORD}');
    // Nothing that looks like a literal credential.
    expect(raw).not.toMatch(/(password|sentry_key|token)\s*[:=]\s*(?!\$\{env:)[A-Za-z0-9]{6,}/i);
  });
});

/** Go (RE2) regex text -> JS RegExp: a leading (?i) becomes the i flag. */
const goRegex = (pattern: string) => (pattern.startsWith('(?i)') ? new RegExp(pattern.slice(4), 'gi') : new RegExp(pattern, 'g'));

describe('collector config: PII patterns', () => {
  const redaction = config.processors['redaction/pii'] as {
    blocked_values: string[];
    blocked_key_patterns: string[];
    allow_all_keys: boolean;
  };
  const transform = config.processors['transform/pii'] as {
    log_statements: Array<{ statements: string[] }>;
    trace_statements: Array<{ statements: string[] }>;
  };
  const blocked = redaction.blocked_values.map(goRegex);
  const masked = (value: string) => blocked.some((re) => new RegExp(re.source, re.flags).test(value));

  it('masks e-mail addresses, bearer tokens, JWTs and card numbers in attribute values', () => {
    expect(redaction.allow_all_keys).toBe(true);
    for (const pii of [
      'contact jane.doe+test@example.co.uk now',
      'Authorization: Bearer abcDEF123456789xyz',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      '4111 1111 1111 1111',
      '5500-0000-0000-0004',
      '378282246310005',
    ]) {
      expect(masked(pii), pii).toBe(true);
    }
  });

  it('leaves ids, routes, trace ids and timestamps alone', () => {
    for (const fine of [
      '/projects/:id/runs',
      'c1cf9557-6450-4a31-8e21-ffc44a090096',
      '8288c715c78abc1ee6433adbc7042aef',
      '1763812800000',
      'GET /organisations',
      'migration-service@1.4.0',
    ]) {
      expect(masked(fine), fine).toBe(false);
    }
  });

  it('masks secret-looking keys', () => {
    const keys = redaction.blocked_key_patterns.map(goRegex);
    const isBlocked = (k: string) => keys.some((re) => new RegExp(`^(?:${re.source})$`, re.flags).test(k));
    for (const k of ['http.request.header.authorization', 'db.password', 'client_secret', 'x-api-key', 'api_key', 'refresh_token'])
      expect(isBlocked(k), k).toBe(true);
    for (const k of ['http.route', 'user.id', 'session.id', 'tc9.migration.run_id', 'tc9.error.fingerprint'])
      expect(isBlocked(k), k).toBe(false);
  });

  it('redacts the values of secret query parameters and keeps the parameter names', () => {
    const statements = [...transform.log_statements, ...transform.trace_statements].flatMap((s) => s.statements);
    const query = statements.find((s) => s.startsWith('replace_all_patterns(attributes'));
    expect(query).toBeDefined();
    // OTTL string literals here have no escapes; the collector turns $$ into $ (a Go regexp group reference).
    const [, pattern = '', replacement = ''] = /"value", "([^"]+)", "([^"]+)"\)$/.exec(query ?? '') ?? [];
    expect(replacement).toBe('$${1}[REDACTED]');
    const re = goRegex(pattern);
    const apply = (url: string) => url.replace(re, (_m, name: string) => `${name}[REDACTED]`);
    expect(apply('https://app.example.com/cb?code=abc123&state=xyz&access_token=s3cr3t#top')).toBe(
      'https://app.example.com/cb?code=[REDACTED]&state=xyz&access_token=[REDACTED]#top',
    );
    expect(apply('/projects?page=2&sort=name')).toBe('/projects?page=2&sort=name');
  });
});
