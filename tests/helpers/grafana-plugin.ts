/**
 * The Grafana ClickHouse plugin's own Go backend (tests/grafana-plugin: the v4.20.0 release commit's
 * NewDatasource and QueryData), built with `go build` and driven over stdin/stdout JSON.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const HARNESS_DIR = fileURLToPath(new URL('../grafana-plugin/', import.meta.url));
export const HARNESS_BIN = `${HARNESS_DIR}bin/grafana-plugin`;

/** A query as Grafana's server hands it to the plugin: the target (or alert model) JSON, range and interval. */
export interface PluginQuery {
  /** Ours: names the query in results and failure messages. */
  key: string;
  refId?: string;
  /** The target as the plugin receives it: rawSql (frontend steps applied), format, editorType, ... */
  model: Record<string, unknown>;
  from: number;
  to: number;
  intervalMs: number;
  maxDataPoints: number;
  /** Values printed per field (default 3); a variable query needs all its options. */
  values?: number;
}

export interface PluginField {
  name: string;
  /** The Grafana data field type, e.g. *time.Time, *float64, string. */
  type: string;
  labels?: Record<string, string>;
  values: unknown[];
}

export interface PluginFrame {
  name: string;
  rows: number;
  preferredVisualization?: string;
  executedQueryString?: string;
  fields: PluginField[];
}

export interface PluginResult {
  key: string;
  refId: string;
  error?: string;
  errorSource?: string;
  /** What the plugin sent to ClickHouse (frame.Meta.ExecutedQueryString). */
  executedSql?: string;
  /** The plugin's macro expansion (pkg/macros.Interpolate), also when the query failed. */
  interpolatedSql?: string;
  interpolationError?: string;
  durationMs: number;
  frames: PluginFrame[];
}

export interface PluginRun {
  /** Module versions linked into the harness (the plugin's pseudo-version, its SDK, macropro, ...). */
  modules: Record<string, string>;
  results: PluginResult[];
}

export interface PluginDatasource {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

function goBinary(): string {
  for (const candidate of [process.env.GO, '/usr/local/go/bin/go']) if (candidate && existsSync(candidate)) return candidate;
  return 'go';
}

/**
 * Builds the harness (the Go build cache makes a rebuild without changes take about a second). A failure
 * says what go said: on a machine whose module proxy refuses the plugin's pseudo-version, seed the module
 * cache with tests/grafana-plugin/seed-module-cache.sh from a clone of the plugin repository.
 */
export async function buildPluginHarness(): Promise<{ bin: string; ms: number }> {
  const started = performance.now();
  try {
    await run(goBinary(), ['build', '-o', HARNESS_BIN, '.'], { cwd: HARNESS_DIR, maxBuffer: 16 << 20, timeout: 840_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `building the Grafana plugin harness (go build in tests/grafana-plugin) failed:\n${e.stderr || e.message}\n` +
        'If the module proxy refuses github.com/grafana/clickhouse-datasource, run tests/grafana-plugin/seed-module-cache.sh (see its header).',
    );
  }
  return { bin: HARNESS_BIN, ms: performance.now() - started };
}

/** Runs the queries through the plugin, in order, one QueryDataRequest each. */
export async function runPluginQueries(datasource: PluginDatasource, queries: PluginQuery[], bin = HARNESS_BIN): Promise<PluginRun> {
  const child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  child.stdin.end(JSON.stringify({ datasource, queries }));
  const code = await exited;
  if (code !== 0) throw new Error(`the Grafana plugin harness exited with ${code}:\n${Buffer.concat(err).toString()}`);
  return JSON.parse(Buffer.concat(out).toString()) as PluginRun;
}
