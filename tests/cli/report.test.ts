/** `tc9-obs report`: the four views as tables (or JSON) over a window of the store, "no data" when empty. */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, seed, tempDataDir } from './cli.js';
import { logRow, spanRow } from './rows.js';

const dataDir = tempDataDir();
const emptyDir = tempDataDir();
const bareDir = tempDataDir();
const env = { TC9_DATA_DIR: dataDir };
const now = Date.now();
const ago = (minutes: number) => now - minutes * 60_000;

function dataset() {
  const traces = [];
  // shop: 4 requests to /orders/:id, one 503; checkout: 2 requests.
  for (const [i, ms] of [10, 20, 30, 400].entries()) {
    traces.push(
      spanRow(ago(30 + i), 'GET /orders/:id', 'Server', 'shop', ms, {
        'http.route': '/orders/:id',
        'http.request.method': 'GET',
        'http.response.status_code': i === 3 ? '503' : '200',
      }),
    );
  }
  for (const i of [0, 1]) {
    traces.push(
      spanRow(ago(20 + i), 'POST /pay', 'Server', 'checkout', 50, {
        'http.route': '/pay',
        'http.request.method': 'POST',
        'http.response.status_code': '200',
      }),
    );
  }
  traces.push(spanRow(ago(25), 'prisma:client:operation', 'Internal', 'shop', 12, { model: 'Order', method: 'findUnique' }));
  // One migration run with its phases, in one trace.
  const trace = 'ab'.repeat(16);
  const start = ago(40);
  traces.push(
    spanRow(
      start,
      'migration.run',
      'Internal',
      'worker',
      3000,
      {
        'tc9.migration.run_id': 'run-1',
        'tc9.migration.template': 'accounts',
        'tc9.migration.outcome': 'succeeded',
        'tc9.migration.records.processed': '1200',
      },
      'Ok',
      trace,
    ),
  );
  for (const [k, phase] of ['extract', 'transform', 'load'].entries()) {
    traces.push(
      spanRow(
        start + k * 1000,
        `migration.phase ${phase}`,
        'Internal',
        'worker',
        1000,
        {
          'tc9.migration.run_id': 'run-1',
          'tc9.migration.phase': phase,
          'tc9.migration.template': 'accounts',
          'tc9.migration.records.processed': '1200',
        },
        'Ok',
        trace,
      ),
    );
  }
  // A session of page views, and two errors of one group.
  const session = { 'user.id': 'u1', 'session.id': 's1' };
  const logs = [
    logRow(ago(15), 'page.view', 'analytics', { ...session, 'url.path': '/' }),
    logRow(ago(14), 'page.view', 'analytics', { ...session, 'url.path': '/orders' }),
    logRow(ago(13), 'page.view', 'analytics', { ...session, 'url.path': '/checkout' }),
    ...[0, 1].map((i) =>
      logRow(ago(10 + i), 'tc9.error', 'error', {
        'user.id': `u${i + 1}`,
        'tc9.error.fingerprint': 'fp-quota',
        'exception.type': 'QuotaExceeded',
        'exception.message': 'quota of 100 exceeded',
        'tc9.error.category': 'SERVER_ERROR',
      }),
    ),
  ];
  return { otel_traces: traces, otel_logs: logs };
}

describe('tc9-obs report', () => {
  beforeAll(async () => {
    ensureBuilt();
    const migrated = await runCli(['db', 'migrate'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
  });

  it('says "no data in this window" for every view of an empty store', async () => {
    const r = await runCli(['report', '--since', '1h'], { env });
    expect(r.code, r.stderr).toBe(0);
    for (const title of ['Performance', 'Migrations', 'User journeys', 'Errors'])
      expect(r.stdout).toMatch(new RegExp(`^${title}\\n  no data in this window$`, 'm'));
  });

  describe('with data', () => {
    beforeAll(async () => seed(dataDir, 'otel', dataset()));

    it('prints each view as tables of the seeded numbers', async () => {
      const r = await runCli(['report', '--since', '2h'], { env });
      expect(r.code, r.stderr).toBe(0);
      const out = r.stdout;
      expect(out).not.toContain('no data in this window\n\nMigrations');
      // Performance: routes with request counts and the error rate (1 of 4 failed).
      expect(out).toMatch(/^ {4}route\s+method\s+requests\s+errors\s+error_rate\s+p50_ms\s+p95_ms\s+p99_ms$/m);
      expect(out).toMatch(/^ {4}\/orders\/:id\s+GET\s+4\s+1\s+25\.0%/m);
      expect(out).toMatch(/^ {4}\/pay\s+POST\s+2\s+0\s+0\.0%/m);
      expect(out).toMatch(/^ {4}Order\.findUnique\s+1\s+0\s+12\s+12\s+12$/m);
      // Migrations: the run and its three phases, each a third of the time.
      expect(out).toMatch(/^ {4}accounts\s+1\s+1\s+0\s+100\.0%\s+1200\s+400\s+3$/m);
      for (const phase of ['extract', 'transform', 'load'])
        expect(out).toMatch(new RegExp(`^ {4}${phase}\\s+1\\s+0\\s+1\\s+33\\.3%\\s+1000\\s+1200\\s+1200$`, 'm'));
      // Journeys: one session of three pages, and its paths.
      expect(out).toMatch(/^ +1 +120 +120 +3 +3$/m);
      expect(out).toMatch(/^ {4}\/\s+\/orders\s+1\s+1\s+100\.0%$/m);
      // Errors: one group, two occurrences, two users.
      expect(out).toMatch(/^ {4}QuotaExceeded\s+quota of 100 exceeded\s+SERVER_ERROR\s+2\s+2\s/m);
    });

    it('filters the service-aware views with --service', async () => {
      const r = await runCli(['report', '--since', '2h', '--service', 'checkout', '--view', 'performance,errors'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('/pay');
      expect(r.stdout).not.toContain('/orders/:id');
      expect(r.stdout).toMatch(/^Errors\n {2}no data in this window$/m);
      expect(r.stdout).not.toContain('Migrations');
    });

    it('gives every column of every row as JSON with --format json', async () => {
      const r = await runCli(['report', '--since', '2h', '--format', 'json'], { env });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as {
        views: Array<{ name: string; tables: Array<{ query: string; rows: Array<Record<string, unknown>> }> }>;
      };
      expect(report.views.map((v) => v.name)).toEqual(['performance', 'migration', 'journey', 'errors']);
      const table = (query: string) => report.views.flatMap((v) => v.tables).find((t) => t.query === query)!;
      expect(table('http_route_latency').rows).toHaveLength(2);
      expect(table('migration_throughput').rows[0]).toMatchObject({ template: 'accounts', runs: 1, records_processed: 1200 });
      expect(table('error_groups').rows[0]).toMatchObject({ fingerprint: 'fp-quota', occurrences: 2, users_affected: 2 });
    });

    it('leaves out what lies outside the window', async () => {
      const r = await runCli(['report', '--since', '5m'], { env });
      expect(r.code, r.stderr).toBe(0);
      for (const title of ['Performance', 'Migrations', 'Errors'])
        expect(r.stdout).toMatch(new RegExp(`^${title}\\n  no data in this window$`, 'm'));
    });
  });

  it('names the directory and how to point elsewhere when it holds no store, and creates none (exit 1)', async () => {
    const r = await runCli(['report'], { env: { TC9_DATA_DIR: emptyDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: no tc9-observability store in ${emptyDir} (no such directory)\n` +
        'fix: point TC9_DATA_DIR or --data-dir at the directory your app writes (its TC9_DATA_DIR; the demo writes .tc9/demo/store); tc9-obs db migrate creates an empty store here\n',
    );
    expect(existsSync(emptyDir)).toBe(false);
  });

  it('says the schema is missing, and how to point at the right store, when the store has none (exit 1)', async () => {
    // A store with its database but no tables (what a read left behind before reads stopped creating stores).
    await seed(bareDir, 'otel', {});
    const r = await runCli(['report'], { env: { TC9_DATA_DIR: bareDir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^tc9-observability store \(chdb\): table otel_\w+ does not exist: the schema is not migrated\nfix: point TC9_DATA_DIR or --data-dir at the store your app writes \(the demo writes \.tc9\/demo\/store\), or run tc9-obs db migrate to create the schema here\n$/,
    );
  });

  it('refuses a bad window as a usage error (exit 2)', async () => {
    for (const args of [
      ['--since', 'yesterday'],
      ['--since', '1h', '--until', '2h'],
      ['--format', 'xml'],
      ['--view', 'sales'],
    ]) {
      const r = await runCli(['report', ...args], { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/error/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
