/**
 * Our real collector distribution (collector/dist/tc9-otelcol, built by `npm run collector:build`) running our real
 * otel-collector-config.yaml on free ports of 127.0.0.1.
 *
 *   const collector = await startCollector({ env: { CLICKHOUSE_ENDPOINT: 'http://127.0.0.1:8123', CLICKHOUSE_COMPRESS: 'gzip' } });
 *   spawn('node', ['--import', register, 'app.js'], { env: { ...process.env, ...collector.env } });
 *   ...
 *   await collector.close();
 *
 * The config reads its listen addresses from the environment (defaults are production's 0.0.0.0:4317/4318/13133
 * and localhost:8888), so each collector here gets its own ports and several can run side by side.
 * What a test does not set points nowhere useful on purpose: Sentry at a closed port, ClickHouse at a closed
 * port (both exporters start without their backend and retry in the background).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTOR_BINARY = fileURLToPath(new URL('../../collector/dist/tc9-otelcol', import.meta.url));
export const COLLECTOR_CONFIG = fileURLToPath(new URL('../../otel-collector-config.yaml', import.meta.url));

/** The binary's path, or an error saying how to get it (the tests must not silently skip without it). */
export function collectorBinary(): string {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(`${COLLECTOR_BINARY} is missing: run npm run collector:build (needs Go >= 1.26)`);
  }
  return COLLECTOR_BINARY;
}

/** A port the OS says is free right now (closed again before returning; the collector binds it next). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Environment for the collector process: only what the config reads plus PATH/HOME, so OTEL_* variables of the
 * test runner (OTEL_RESOURCE_ATTRIBUTES feeds the env resource detector) do not leak in.
 */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR']) if (process.env[key]) env[key] = process.env[key] as string;
  return env;
}

export interface StartCollectorOptions {
  /** Variables for the config (CLICKHOUSE_*, SENTRY_*, CLICKHOUSE_COMPRESS, SENTRY_TRACES_DECISION_WAIT, ...). */
  env?: Record<string, string>;
  /** Another config file (e.g. a broken copy); default: the repository's otel-collector-config.yaml. */
  configPath?: string;
}

export interface RunningCollector {
  /** OTLP/HTTP base URL, http://127.0.0.1:PORT. */
  otlpHttpEndpoint: string;
  /** For an app exporting here: OTEL_EXPORTER_OTLP_ENDPOINT plus short batch delays. */
  env: Record<string, string>;
  /** Everything the collector printed so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM (the collector flushes), SIGKILL after 10 s. */
  close(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 30_000;

export async function startCollector(options: StartCollectorOptions = {}): Promise<RunningCollector> {
  const binary = collectorBinary();
  const [grpc, http, health, telemetry] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...baseEnv(),
    // Nowhere: a closed port on loopback. Tests that care point these at their own servers.
    CLICKHOUSE_ENDPOINT: 'tcp://127.0.0.1:1',
    SENTRY_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:1/api/0/integration/otlp/v1/traces',
    SENTRY_PUBLIC_KEY: 'test-public-key',
    // Tail sampling decides this long after a trace's first span; production waits 10 s.
    SENTRY_TRACES_DECISION_WAIT: '2s',
    ...options.env,
    OTEL_COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    OTEL_COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    OTEL_COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${health}`,
    OTEL_COLLECTOR_TELEMETRY_HOST: '127.0.0.1',
    OTEL_COLLECTOR_TELEMETRY_PORT: String(telemetry),
  };

  let out = '';
  const child: ChildProcess = spawn(binary, ['--config', options.configPath ?? COLLECTOR_CONFIG], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );

  const close = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };

  // Ready when the health_check extension answers 200 (it does once every pipeline has started).
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      throw new Error(`collector exited during start-up (code ${exited.code}, signal ${exited.signal}):\n${out}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${health}/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`collector not healthy after ${STARTUP_TIMEOUT_MS} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const otlpHttpEndpoint = `http://127.0.0.1:${http}`;
  return {
    otlpHttpEndpoint,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
    output: () => out,
    close,
  };
}
