/**
 * Our collector distribution (collector/dist/tc9-otelcol, `npm run collector:build`) validates
 * otel-collector-config.yaml with the environment docker-compose.yml gives the otel-collector service: every
 * component exists in the build, every key is known, every OTTL statement parses. Broken copies of the config
 * prove the check can fail, each with the collector's own message naming the problem.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COLLECTOR_CONFIG, REPO_ROOT, collectorBinary } from '../helpers/collector.js';

const run = promisify(execFile);
const composeFile = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, string> }>;
};

/** Compose's `${VAR:-default}` / `${VAR}` resolved as on a machine that sets none of them (the stack's defaults). */
function composeEnvironment(): Record<string, string> {
  const env = composeFile.services['otel-collector']?.environment ?? {};
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback?: string) => fallback ?? ''),
    ]),
  );
}

async function validate(configPath: string): Promise<{ code: number; output: string }> {
  const binary = collectorBinary();
  try {
    const { stdout, stderr } = await run(binary, ['validate', '--config', configPath], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...composeEnvironment() },
      timeout: 30_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tc9-collector-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const original = readFileSync(COLLECTOR_CONFIG, 'utf8');

/** A copy of the real config with one exact edit (the edit must apply: a no-op would make the case vacuous). */
function brokenCopy(name: string, from: string, to: string): string {
  expect(original.split(from).length - 1, `"${from}" occurs once in the config`).toBe(1);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, original.replace(from, to));
  return path;
}

describe('tc9-otelcol validate', () => {
  it('accepts otel-collector-config.yaml with the compose environment', async () => {
    const env = composeEnvironment();
    // The compose file really provides what the config needs (else this would validate something else).
    expect(env.SENTRY_OTLP_TRACES_ENDPOINT).toMatch(/^http:\/\/sink:4319\//);
    expect(env.CLICKHOUSE_ENDPOINT).toBe('tcp://clickhouse:9000');
    const result = await validate(COLLECTOR_CONFIG);
    expect(result, result.output).toMatchObject({ code: 0 });
  });

  it('rejects a misspelled key, naming it', async () => {
    const path = brokenCopy('misspelled-key', '    decision_wait: ', '    decison_wait: ');
    const result = await validate(path);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/tail_sampling/);
    expect(result.output).toMatch(/invalid keys: decison_wait/);
  });

  it('rejects a component our build does not have, naming its type', async () => {
    // The batch processor exists in contrib images but not in our distribution (batching is in the exporters).
    const path = brokenCopy(
      'unknown-component',
      'processors: [memory_limiter, tail_sampling]',
      'processors: [memory_limiter, tail_sampling, batch]',
    );
    // ...and defined, so the failure is the missing factory, not a dangling reference.
    writeFileSync(path, readFileSync(path, 'utf8').replace('\nprocessors:\n', '\nprocessors:\n  batch: {}\n'));
    const result = await validate(path);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/unknown type: "batch"/);
  });

  it('rejects an OTTL statement that does not parse, naming the statement', async () => {
    const path = brokenCopy(
      'bad-ottl',
      `'replace_pattern(status.message, "(?i)((?:^|[?&])`,
      `'replace_pattern(status.message "(?i)((?:^|[?&])`,
    );
    const result = await validate(path);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/transform\/pii/);
    // The collector's OTTL parser: where in the statement, and which token it did not expect.
    expect(result.output).toMatch(/statement has invalid syntax: 1:32: unexpected token/);
    expect(result.output).toContain('(expected ")" Key*)');
  });
});
