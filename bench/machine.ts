/**
 * What a result was measured on: CPU, cores, memory, Node and the versions of the packages whose cost is being
 * measured, so figures from different machines or upgrades are not compared blindly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages whose versions belong next to the figures (the layer's cost is mostly theirs). */
export const MEASURED_PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/auto-instrumentations-node',
  '@sentry/node',
  '@sentry/opentelemetry',
  'chdb',
  '@prisma/client',
  'express',
  'autocannon',
] as const;

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  packages: Record<string, string>;
  /** 1, 5 and 15 minute load averages when the run started (other work on the machine skews absolute figures). */
  loadAverage: number[];
  /** The same when it ended. */
  loadAverageEnd?: number[];
  /** ISO timestamp of the run's start. */
  date: string;
}

/** The repository root: the nearest directory upwards holding this project's package.json (works from bench/ and dist/bench/). */
export function repoRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tc9-observability') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: no tc9-observability package.json above ${from}`);
    dir = parent;
  }
}

/** Installed version of a package under root/node_modules, or 'not installed'. */
export function installedVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo(root = repoRoot(), date = new Date()): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() || 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, installedVersion(root, name)])),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    date: date.toISOString(),
  };
}
