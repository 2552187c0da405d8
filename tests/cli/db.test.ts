/** `tc9-obs db migrate|users`, and how any command reports bad configuration. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, tempDataDir } from './cli.js';

const dataDir = tempDataDir();
const env = { TC9_DATA_DIR: dataDir };
ensureBuilt();

describe('tc9-obs db migrate', () => {
  it('lists what a dry run would apply without creating the store', async () => {
    const r = await runCli(['db', 'migrate', '--dry-run'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('nothing is changed');
    expect(r.stdout).toMatch(/^would run 001_otel_traces \(\d+ statements?\)$/m);
    expect(r.stdout).toMatch(/^\d+ migrations to apply: run tc9-obs db migrate$/m);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('applies every schema file once, then skips them all', async () => {
    const first = await runCli(['db', 'migrate'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`chDB at ${dataDir}, database otel`);
    const applied = first.stdout.match(/^applied \d{3}_\w+$/gm) ?? [];
    expect(applied[0]).toBe('applied 000_schema_migrations');
    expect(applied).toContain('applied 020_gdpr_audit');
    expect(first.stdout).toContain(`${applied.length} applied, 0 skipped`);

    const second = await runCli(['db', 'migrate'], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/^applied/m);
    expect(second.stdout).toMatch(/^skipped 001_otel_traces \(already applied\)$/m);
    expect(second.stdout).toContain(`0 applied, ${applied.length} skipped`);

    const dry = await runCli(['db', 'migrate', '--dry-run'], { env });
    expect(dry.stdout).toMatch(/^skip {6}001_otel_traces \(applied\)$/m);
    expect(dry.stdout).toMatch(/^schema is up to date$/m);
  });

  it('refuses --cluster on the embedded store as a usage error', async () => {
    const r = await runCli(['db', 'migrate', '--cluster', 'prod'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cluster applies to a ClickHouse server');
    expect(r.stderr).toContain('see tc9-obs db migrate --help');
  });

  it('reports an unreachable ClickHouse server in one line with a fix, no stack trace', async () => {
    const r = await runCli(['db', 'migrate'], { env: { CLICKHOUSE_URL: 'http://127.0.0.1:1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tc9-observability store \(clickhouse\): .*ECONNREFUSED.*\nfix: start ClickHouse/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('tc9-obs db users', () => {
  const passwords = { CLICKHOUSE_WRITER_PASSWORD: 'w-secret', CLICKHOUSE_READER_PASSWORD: 'r-secret' };

  it('prints the statements with masked passwords on --dry-run', async () => {
    const r = await runCli(['db', 'users', '--dry-run'], { env: { ...env, ...passwords, CLICKHOUSE_READER_USER: 'grafana' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CREATE USER IF NOT EXISTS `tc9_writer` +IDENTIFIED WITH sha256_password BY '\*{8}'/);
    expect(r.stdout).toMatch(/GRANT +SELECT ON `otel`\.\* TO `grafana`/);
    expect(r.stdout).not.toContain('secret');
  });

  it('needs both passwords', async () => {
    const r = await runCli(['db', 'users'], { env: { ...env, CLICKHOUSE_WRITER_PASSWORD: 'w' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: no password for the reader user\nfix: set CLICKHOUSE_READER_PASSWORD\n');
  });

  it('explains that the embedded store has no users', async () => {
    const r = await runCli(['db', 'users'], { env: { ...env, ...passwords } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('db users needs a ClickHouse server');
    expect(r.stderr).toContain('fix: set CLICKHOUSE_URL');
  });
});

describe('configuration errors', () => {
  it('name the variable and what it accepts, in one message without a stack trace (exit 1)', async () => {
    const r = await runCli(['db', 'migrate'], { env: { ...env, CLICKHOUSE_DATABASE: 'my-db' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'tc9-observability: invalid CLICKHOUSE_DATABASE="my-db": expected an identifier ([A-Za-z_][A-Za-z0-9_]*)\n' +
        'fix: set CLICKHOUSE_DATABASE to an identifier ([A-Za-z_][A-Za-z0-9_]*), or unset it for the default\n',
    );
  });

  it('come with the stack trace under --verbose or TC9_DEBUG', async () => {
    for (const [args, extra] of [
      [['--verbose'], {}],
      [[], { TC9_DEBUG: '1' }],
    ] as const) {
      const r = await runCli([...args, 'db', 'migrate'], { env: { ...env, ...extra, CLICKHOUSE_DATABASE: 'my-db' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/ConfigError: tc9-observability: invalid CLICKHOUSE_DATABASE[^\n]*\n\s+at /);
    }
  });
});
