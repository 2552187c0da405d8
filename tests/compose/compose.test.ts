/**
 * Structure of docker-compose.yml (no Docker engine here): the services of the full stack, pinned images,
 * health checks and the startup order they gate, ports, mounts of files that exist, and every variable the
 * mounted configuration files expect being provided to their container.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLICKHOUSE_PLUGIN_VERSION } from '../../src/dashboards/datasource.js';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');
/** A YAML file without its comment lines (comments mention ${VAR} syntax in prose). */
const withoutComments = (path: string) => read(path).replace(/^\s*#.*$/gm, '');
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const ONE_SHOT = new Set(['clickhouse-migrate']);

describe('docker-compose.yml', () => {
  it('runs the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['clickhouse', 'clickhouse-migrate', 'grafana', 'load-generator', 'migration-service', 'otel-collector', 'postgres', 'sink'].sort(),
    );
  });

  it('pins every pulled image to a version (never latest) and tags the locally built one', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toBeDefined();
      const image = s.image as string;
      expect(image, name).not.toMatch(/:latest$/);
      if (s.build) expect(image, name).toMatch(/:local$/);
      else expect(image, name).toMatch(/:\d+(\.\d+){1,3}(@sha256:[0-9a-f]{64})?$/);
    }
    for (const line of read('examples/migration-service/Dockerfile')
      .split('\n')
      .filter((l) => l.startsWith('FROM '))) {
      expect(line).toMatch(/^FROM node:\d+\.\d+\.\d+-[a-z]+-slim( AS \w+)?$/);
    }
  });

  it('checks the health of every long-running service and gates startup on it', () => {
    for (const [name, s] of Object.entries(services)) {
      if (ONE_SHOT.has(name)) {
        expect(s.restart, name).toBe('no');
        continue;
      }
      expect(s.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(0);
    }
    for (const [name, s] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(services[dependency]?.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(ONE_SHOT.has(dependency)).toBe(true);
      }
    }
    // The schema exists before anything writes or reads it.
    expect(services['otel-collector']?.depends_on?.['clickhouse-migrate']?.condition).toBe('service_completed_successfully');
    expect(services.grafana?.depends_on?.['clickhouse-migrate']?.condition).toBe('service_completed_successfully');
    expect(services['clickhouse-migrate']?.depends_on?.clickhouse?.condition).toBe('service_healthy');
  });

  it('publishes Grafana on 3000, OTLP on 4317/4318, the collector health check and the service', () => {
    expect(services.grafana?.ports).toContain('3000:3000');
    expect(services['otel-collector']?.ports).toEqual(expect.arrayContaining(['4317:4317', '4318:4318', '13133:13133']));
    expect(services['migration-service']?.ports).toContain(`${services['migration-service']?.environment?.PORT}:8080`);
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (!source.startsWith('./')) continue;
        expect(existsSync(new URL(source.slice(2), ROOT)), `${name}: ${source}`).toBe(true);
      }
    }
    expect(existsSync(new URL(services['migration-service']?.build?.dockerfile as string, ROOT))).toBe(true);
  });

  it('starts the reference service observed through the register hook, and the helpers from the same build', () => {
    expect(read('examples/migration-service/Dockerfile')).toMatch(
      /CMD \["node", "--import", "tc9-observability\/register", "dist\/examples\/migration-service\/server\.js"\]/,
    );
    for (const s of Object.values(services)) {
      const script = s.command?.find((c) => c.startsWith('dist/examples/'));
      if (script) expect(existsSync(new URL(script.replace(/^dist\//, '').replace(/\.js$/, '.ts'), ROOT)), script).toBe(true);
    }
    const env = services['migration-service']?.environment ?? {};
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
  });

  it('installs the pinned ClickHouse plugin in a Grafana that reads dashboard schema 42 (12.2+)', () => {
    expect(services.grafana?.environment?.GF_INSTALL_PLUGINS).toBe(`grafana-clickhouse-datasource ${CLICKHOUSE_PLUGIN_VERSION}`);
    const [major = 0, minor = 0] = (/grafana\/grafana:(\d+)\.(\d+)/.exec(services.grafana?.image ?? '') ?? []).slice(1).map(Number);
    expect(major > 12 || (major === 12 && minor >= 2)).toBe(true);
    const home = services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH as string;
    expect(existsSync(new URL(home.replace('/var/lib/grafana/dashboards/', 'grafana/dashboards/'), ROOT))).toBe(true);
  });

  it('gives Grafana every variable its provisioning files expand', () => {
    const env = services.grafana?.environment ?? {};
    for (const file of ['grafana/provisioning/datasources/clickhouse.yaml', 'grafana/provisioning/alerting/contact-points.yaml']) {
      const wanted = [...withoutComments(file).matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1] as string);
      expect(wanted.length, file).toBeGreaterThan(0);
      for (const name of wanted) expect(env, `${file} needs ${name}`).toHaveProperty(name);
    }
  });

  it('gives the collector every variable its config requires (those without a default)', () => {
    const env = services['otel-collector']?.environment ?? {};
    const required = [...withoutComments('otel-collector-config.yaml').matchAll(/\$\{env:([A-Z][A-Z0-9_]*)\}/g)].map((m) => m[1] as string);
    expect(required).toEqual(expect.arrayContaining(['SENTRY_OTLP_TRACES_ENDPOINT', 'SENTRY_PUBLIC_KEY', 'CLICKHOUSE_WRITER_PASSWORD']));
    for (const name of required) expect(env, name).toHaveProperty(name);
    expect(services['otel-collector']?.volumes).toContain('./otel-collector-config.yaml:/etc/tc9-otelcol/config.yaml:ro');
    expect(services['otel-collector']?.healthcheck?.test).toEqual([
      'CMD',
      '/tc9-otelcol',
      'validate',
      '--config=/etc/tc9-otelcol/config.yaml',
    ]);
  });

  it('uses the same ClickHouse credentials on both ends', () => {
    const migrate = services['clickhouse-migrate']?.environment ?? {};
    expect(services['otel-collector']?.environment?.CLICKHOUSE_WRITER_PASSWORD).toBe(migrate.CLICKHOUSE_WRITER_PASSWORD);
    expect(services.grafana?.environment?.CLICKHOUSE_READER_PASSWORD).toBe(migrate.CLICKHOUSE_READER_PASSWORD);
    expect(migrate.CLICKHOUSE_PASSWORD).toBe(services.clickhouse?.environment?.CLICKHOUSE_PASSWORD);
  });
});
