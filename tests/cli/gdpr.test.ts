/** `tc9-obs gdpr export|delete`: one user's rows out, then gone; every other user's rows untouched. */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, runCliClosedStdout, seed, tempDataDir } from './cli.js';
import { logRow, spanRow } from './rows.js';

const dataDir = tempDataDir();
const env = { TC9_DATA_DIR: dataDir };
const out = mkdtempSync(join(tmpdir(), 'tc9-gdpr-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function rowsOf(user: string, base: number) {
  const t = Date.now() - 3_600_000 + base;
  const attrs = { 'user.id': user, 'session.id': `${user}-s1` };
  return {
    otel_logs: [
      logRow(t, 'page.view', 'analytics', { ...attrs, 'url.path': '/' }),
      logRow(t + 1000, 'tc9.error', 'error', { ...attrs, 'tc9.error.fingerprint': 'fp', 'exception.message': 'boom' }),
    ],
    otel_traces: [spanRow(t, 'migration.run', 'Internal', 'worker', 500, { 'user.id': user, 'tc9.migration.template': 'accounts' }, 'Ok')],
  };
}

interface Export {
  userId: string;
  userHash: string;
  tables: Record<string, Array<Record<string, unknown>>>;
}

const total = (e: Export) => Object.values(e.tables).reduce((n, rows) => n + rows.length, 0);
/** The export, checking its exit code: 0 with rows, 3 (NO_DATA) when the store holds none for the user. */
const exportOf = async (user: string, extra: string[] = [], extraEnv: Record<string, string> = {}): Promise<Export> => {
  const r = await runCli(['gdpr', 'export', '--user', user, ...extra], { env: { ...env, ...extraEnv } });
  const data = JSON.parse(r.stdout) as Export;
  expect(r.code, r.stderr).toBe(total(data) > 0 ? 0 : 3);
  return data;
};

describe('tc9-obs gdpr', () => {
  beforeAll(async () => {
    ensureBuilt();
    expect((await runCli(['db', 'migrate'], { env })).code).toBe(0);
    const alice = rowsOf('alice', 0);
    const bob = rowsOf('bob', 100);
    await seed(dataDir, 'otel', {
      otel_logs: [...alice.otel_logs, ...bob.otel_logs],
      otel_traces: [...alice.otel_traces, ...bob.otel_traces],
    });
  });

  it("exports a user's rows to a file readable by its owner only", async () => {
    const file = join(out, 'alice.json');
    const r = await runCli(['gdpr', 'export', '--user', 'alice', '--out', file, '--by', 'dpo@example.com'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^exported \d+ rows of user alice to /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const data = JSON.parse(readFileSync(file, 'utf8')) as Export;
    expect(data.userHash).toBe(createHash('sha256').update('alice').digest('hex'));
    // Raw tables and the analytics tables derived from them.
    for (const table of ['otel_logs', 'otel_traces', 'user_activities', 'application_errors', 'sessions', 'migration_runs'])
      expect(data.tables[table]?.length, table).toBeGreaterThan(0);
    expect(JSON.stringify(data.tables)).not.toContain('bob');
  });

  it('lists the user ids held, for a GDPR request, with gdpr users', async () => {
    const r = await runCli(['gdpr', 'users', '--since', '2h'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^user_id\s+rows\s+first_seen\s+last_seen$/m);
    expect(r.stdout).toMatch(/^alice\s+\d+\s/m);
    expect(r.stdout).toMatch(/^bob\s+\d+\s/m);
    const json = await runCli(['gdpr', 'users', '--since', '2h', '--format', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const users = JSON.parse(json.stdout) as Array<{ user_id: string; rows: number }>;
    expect(users.map((u) => u.user_id).sort()).toEqual(['alice', 'bob']);
    for (const u of users) {
      expect(u.rows).toBeGreaterThan(0);
      expect(total(await exportOf(u.user_id))).toBeGreaterThanOrEqual(u.rows);
    }
    // Outside the window: nobody.
    const none = await runCli(['gdpr', 'users', '--since', '2h', '--until', '90m'], { env });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no user ids in this window');
  });

  it('warns and exits 3 when the store holds nothing for the user, still answering with the (empty) export', async () => {
    const r = await runCli(['gdpr', 'export', '--user', 'nobody'], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^warning: no rows held for user nobody in chDB at .+, database otel \(\d+ tables searched\)/m);
    expect(total(JSON.parse(r.stdout) as Export)).toBe(0);
    const file = join(out, 'nobody.json');
    const toFile = await runCli(['gdpr', 'export', '--user', 'nobody', '--out', file], { env });
    expect(toFile.code).toBe(3);
    expect(toFile.stderr).toContain('warning: no rows held for user nobody');
    expect(total(JSON.parse(readFileSync(file, 'utf8')) as Export)).toBe(0);
  });

  it('stops quietly (exit 0, no EPIPE stack) when the reader of its output goes away, as `| head` does', async () => {
    for (const args of [
      ['gdpr', 'export', '--user', 'bob'],
      ['gdpr', 'users'],
      ['report', '--format', 'json'],
      ['db', 'migrate', '--dry-run'],
      ['--help'],
    ]) {
      const r = await runCliClosedStdout(args, { env });
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|\n\s+at /);
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('refuses to delete without --yes when stdin is not a terminal, and deletes nothing', async () => {
    const r = await runCli(['gdpr', 'delete', '--user', 'alice'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes');
    expect(total(await exportOf('alice'))).toBeGreaterThan(0);
  });

  it('deletes one user everywhere and leaves the other as it was', async () => {
    const bobBefore = await exportOf('bob');
    const aliceBefore = total(await exportOf('alice'));

    const r = await runCli(['gdpr', 'delete', '--user', 'alice', '--yes', '--by', 'dpo@example.com'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`deleted ${aliceBefore} rows of user alice`);
    expect(r.stdout).toContain(`recorded in gdpr_audit as ${createHash('sha256').update('alice').digest('hex')}`);

    expect(total(await exportOf('alice'))).toBe(0);
    const bobAfter = await exportOf('bob');
    expect(total(bobAfter)).toBe(total(bobBefore));
    expect(Object.fromEntries(Object.entries(bobAfter.tables).map(([t, rows]) => [t, rows.length]))).toEqual(
      Object.fromEntries(Object.entries(bobBefore.tables).map(([t, rows]) => [t, rows.length])),
    );
  });

  it('looks the user up by pseudonym when TC9_PSEUDONYMIZE_KEY is set', async () => {
    const key = 'k3y';
    const pseudonym = createHmac('sha256', key).update('carol').digest('hex').slice(0, 32);
    await seed(dataDir, 'otel', rowsOf(pseudonym, 200));
    const data = await exportOf('carol', [], { TC9_PSEUDONYMIZE_KEY: key });
    expect(data.userId).toBe(pseudonym);
    expect(total(data)).toBeGreaterThan(0);
    expect(total(await exportOf('carol', ['--as-stored'], { TC9_PSEUDONYMIZE_KEY: key }))).toBe(0);
  });

  it('needs --user', async () => {
    const r = await runCli(['gdpr', 'export'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--user <id>' not specified");
  });
});
