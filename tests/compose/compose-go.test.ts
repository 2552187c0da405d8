/**
 * docker-compose.yml read by a real compose parser: compose-go v2 (the loader Docker Compose itself uses), in the
 * small Go program tests/compose/check. No Docker engine here, so this is as far as "does compose accept the
 * file" can be checked: schema, interpolation, normalisation, and references between services. Broken copies
 * prove the loader fails loudly, with its own message.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHECK_DIR = join(ROOT, 'tests/compose/check');
const COMPOSE = join(ROOT, 'docker-compose.yml');
const dir = mkdtempSync(join(tmpdir(), 'tc9-compose-check-'));
const checker = join(dir, 'compose-check');

function goBinary(): string {
  for (const candidate of ['/usr/local/go/bin/go', ...(process.env.PATH ?? '').split(':').map((p) => join(p, 'go'))]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('Go is not installed (needed to build tests/compose/check; Go >= 1.26)');
}

async function check(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(checker, [file], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const original = readFileSync(COMPOSE, 'utf8');
function brokenCopy(name: string, from: string, to: string): string {
  expect(original.split(from).length - 1, `"${from}" occurs once in docker-compose.yml`).toBe(1);
  const path = join(dir, `${name}.yml`);
  writeFileSync(path, original.replace(from, to));
  return path;
}

beforeAll(async () => {
  // Uses the default Go module and build caches: after the first time, a few seconds.
  await run(goBinary(), ['build', '-o', checker, '.'], { cwd: CHECK_DIR, timeout: 300_000 });
}, 320_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Project = {
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string; dockerfile: string };
      environment?: Record<string, string | null>;
      healthcheck?: { test: string[] };
      volumes?: { source: string; target: string; read_only?: boolean }[];
    }
  >;
};

describe('docker-compose.yml through compose-go', () => {
  it('loads, with every service and every variable resolved', async () => {
    const result = await check(COMPOSE);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    const project = JSON.parse(result.stdout) as Project;
    expect(Object.keys(project.services).sort()).toEqual(
      ['clickhouse', 'clickhouse-migrate', 'grafana', 'load-generator', 'migration-service', 'otel-collector', 'postgres', 'sink'].sort(),
    );
    for (const [name, service] of Object.entries(project.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        expect(String(value), `${name}.${key}`).not.toMatch(/\$\{/);
      }
    }
    // The collector is our distribution, built from collector/Dockerfile, with the config mounted read-only.
    const collector = project.services['otel-collector'];
    expect(collector?.build?.dockerfile).toBe('collector/Dockerfile');
    expect(collector?.build?.context).toBe(ROOT.replace(/\/$/, ''));
    expect(collector?.volumes?.find((v) => v.source === join(ROOT, 'otel-collector-config.yaml'))).toMatchObject({ read_only: true });
    expect(existsSync(join(ROOT, 'collector/Dockerfile'))).toBe(true);
  });

  it('fails on a key the compose specification does not have', async () => {
    const result = await check(
      brokenCopy('unknown-key', '    image: tc9-otelcol:local\n    build:', '    image: tc9-otelcol:local\n    biuld:'),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/otel-collector/);
    expect(result.stderr).toMatch(/biuld/);
  });

  it('fails when a service depends on one that does not exist', async () => {
    const result = await check(
      brokenCopy(
        'missing-dependency',
        '      sink:\n        condition: service_healthy',
        '      sinc:\n        condition: service_healthy',
      ),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/sinc/);
  });

  it('fails on a value of the wrong type', async () => {
    const result = await check(
      brokenCopy('wrong-type', '      interval: 30s\n      timeout: 10s', '      interval: [30s]\n      timeout: 10s'),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/interval/);
  });
});
