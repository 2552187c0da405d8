/**
 * Acceptance of `npm start`: the real demo, short, in a child process through the built CLI (the embedded
 * store, the embedded PostgreSQL, the service and simulated users, all in that process). It must exit 0,
 * print the four views with data, write the HTML report, and the report's charts must render in a real
 * browser (headless Chromium): each chart an SVG of non-zero size with data marks. Needs `npm run build`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOR } from '../../src/demo/report/svg.js';
import { CHROMIUM_OPTIONS, reportLayoutProblems } from './report-layout.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(REPO, 'dist/src/cli/main.js');
const DEMO = join(REPO, 'dist/src/demo/index.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemoProcess(outDir: string): Promise<Result> {
  // Through the CLI as `npm start` does; the demo module directly if the CLI is not built.
  const args = existsSync(CLI)
    ? [CLI, 'demo', '--duration', '8', '--users', '6', '--out', outDir, '--no-browser']
    : [
        '--input-type=module',
        '-e',
        `const { runDemo } = await import(${JSON.stringify(pathToFileURL(DEMO).href)}); process.exitCode = await runDemo({ durationSeconds: 8, users: 6, outDir: ${JSON.stringify(outDir)}, openBrowser: false });`,
      ];
  const env = { ...process.env };
  // The demo brings its own database and store; nothing of the test machine's configuration may leak in.
  for (const name of ['DATABASE_URL', 'CLICKHOUSE_URL', 'SENTRY_DSN', 'TC9_EXPORTER', 'OTEL_SDK_DISABLED']) delete env[name];
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The text of one view: from its title line to the next view's title (or the report line). */
function viewText(stdout: string, title: string): string {
  const titles = ['Performance', 'Migrations', 'User journeys', 'Errors', 'Report:'];
  const lines = stdout.split('\n');
  const startAt = lines.indexOf(title);
  if (startAt < 0) return '';
  const end = lines.findIndex((l, i) => i > startAt && titles.some((t) => l === t || (t === 'Report:' && l.startsWith(t))));
  return lines.slice(startAt, end < 0 ? undefined : end).join('\n');
}

/**
 * Rows of SQL queries and named queries on the demo's store once the demo has exited, in a child process
 * (chDB holds one store per process): the store as the demo configured it (src/demo/settings.ts).
 */
function queryDemoStore(
  outDir: string,
  queries: Record<string, string | { named: string; params?: Record<string, unknown> }>,
  range: { from: number; to: number },
): Promise<Record<string, Record<string, unknown>[]>> {
  const dist = (path: string) => JSON.stringify(pathToFileURL(join(REPO, 'dist/src', path)).href);
  const script = `
    const { demoSettings } = await import(${dist('demo/settings.js')});
    const { createStore } = await import(${dist('store/create-store.js')});
    const { findQuery, runQuery } = await import(${dist('queries/index.js')});
    const store = createStore(demoSettings({}, ${JSON.stringify(outDir)}).config.store);
    const out = {};
    for (const [name, q] of Object.entries(${JSON.stringify(queries)})) {
      out[name] = typeof q === 'string'
        ? await store.query(q)
        : await runQuery(store, findQuery(q.named), { from: ${range.from}, to: ${range.to}, params: q.params ?? {} });
    }
    await store.close();
    process.stdout.write(JSON.stringify(out));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`query child exited ${code}: ${stderr}`)))),
  );
}

describe('npm start (the embedded demo)', () => {
  let dir: string;
  let result: Result;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tc9-demo-'));
    result = await runDemoProcess(join(dir, 'demo'));
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 after printing the performance, migration, journey and error views with data', () => {
    expect(result.code, result.stderr).toBe(0);
    const performance = viewText(result.stdout, 'Performance');
    expect(performance).toMatch(/POST\s+\d+/);
    expect(performance).toContain('/projects/:id/runs');
    const migration = viewText(result.stdout, 'Migrations');
    expect(migration).toMatch(/extract\s+\d+/);
    expect(migration).toMatch(/load\s+\d+/);
    const journey = viewText(result.stdout, 'User journeys');
    expect(journey).toContain('Sessions');
    expect(journey).not.toMatch(/^\s+no data in this window$/m);
    const errors = viewText(result.stdout, 'Errors');
    expect(errors).toMatch(/server|external_service/);
    expect(errors).toContain('validation');
    expect(result.stdout).toMatch(/Errors: [1-9]\d* captured into the store/);
  });

  it('records browser sessions per visit: no made-up anon- sessions, one visit per session, no /login -> /login of its own', async () => {
    expect(result.code, result.stderr).toBe(0);
    const rows = await queryDemoStore(
      join(dir, 'demo'),
      {
        anon: "SELECT count() AS n FROM user_activities WHERE startsWith(session_id, 'anon-')",
        // A visit opens with the sign-in page and signs in at most once; a session holding two of either holds
        // separate visits (or another user's).
        mixed: `SELECT session_id, uniqExact(user_id) AS users, countIf(action = 'page.view' AND url_path = '/login') AS login_views,
                  countIf(action = 'user.login') AS sign_ins
                FROM user_activities WHERE session_id != ''
                GROUP BY session_id HAVING users > 1 OR login_views > 1 OR sign_ins > 1`,
        // The browser's views and the server's events of one visit share its session.
        visits: `SELECT uniqExactIf(session_id, action = 'page.view' AND url_path = '/login') AS visits,
                   uniqExactIf(session_id, action = 'user.login') AS signed_in,
                   uniqExactIf(session_id, action = 'user.login' AND session_id IN (
                     SELECT session_id FROM user_activities WHERE action = 'page.view' AND url_path = '/login')) AS signed_in_after_login_page
                 FROM user_activities`,
        paths: { named: 'top_paths', params: { limit: 1000 } },
      },
      { from: Date.now() - 86_400_000, to: Date.now() + 60_000 },
    );
    expect(Number(rows.anon![0]!.n)).toBe(0);
    expect(rows.mixed).toEqual([]);
    const [visits] = rows.visits!;
    expect(Number(visits!.signed_in)).toBeGreaterThan(0);
    expect(Number(visits!.signed_in_after_login_page)).toBe(Number(visits!.signed_in));
    expect(rows.paths!.length).toBeGreaterThan(0);
    expect(rows.paths!.filter((p) => p.from_step === '/login' && p.to_step === '/login')).toEqual([]);
  });

  it('ends with the command that reads its store again, and that command works as printed', async () => {
    const next = /^Next: (npx tc9-obs .+)$/m.exec(result.stdout)?.[1];
    expect(next, result.stdout.slice(-600)).toBeDefined();
    const args = next!.replace(/^npx tc9-obs /, '').split(' ');
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of Object.keys(env)) if (/^(TC9_|CLICKHOUSE_|OTEL_|SENTRY_)/.test(name)) delete env[name];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(viewText(stdout, 'Performance')).toContain('/projects/:id/runs');
  });

  it('writes a self-contained report whose charts render with data in Chromium', async () => {
    const reportPath = join(dir, 'demo', 'report.html');
    expect(result.stdout).toContain(`Report: ${reportPath}`);
    const html = readFileSync(reportPath, 'utf8');
    // Nothing fetched from elsewhere: no scripts, stylesheets or images by URL.
    expect(html).not.toMatch(/<script|<link[^>]+href=|src="http/i);

    // Shown as 0.0%, never -0.0%.
    expect(html).not.toMatch(/[-−]0(\.0+)?%/);
    const browser = await chromium.launch(CHROMIUM_OPTIONS);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(pathToFileURL(reportPath).href);
      const screenshot = join(dir, 'report.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect(readFileSync(screenshot).length).toBeGreaterThan(10_000);

      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('.mark')].filter((m) => {
            const b = (m as SVGGraphicsElement).getBBox();
            return b.width > 0 || b.height > 0;
          });
          return { name: svg.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length };
        }),
      );
      const names = charts.map((c) => c.name);
      for (const name of ['request-rate', 'latency', 'traffic-rate', 'migration-throughput', 'funnel', 'errors', 'dau']) {
        expect(names, name).toContain(name);
      }
      for (const chart of charts) {
        expect(chart.width, chart.name ?? '').toBeGreaterThan(0);
        expect(chart.height, chart.name ?? '').toBeGreaterThan(0);
        expect(chart.marks, chart.name ?? '').toBeGreaterThan(0);
      }
      const phases = await page.$$eval('svg[data-chart="migration-throughput"] text', (texts) => texts.map((t) => t.textContent));
      expect(phases).toEqual(expect.arrayContaining(['extract', 'transform', 'load']));

      // The demo's users drop off: some step of the funnel has fewer users than the first.
      const funnel = await page.$$eval('svg[data-chart="funnel"] text[text-anchor="end"]', (texts) =>
        texts.map((t) => t.textContent ?? ''),
      );
      const users = funnel.map((note) => Number(/^\d+/.exec(note)?.[0]));
      expect(users.length, funnel.join(' | ')).toBe(4);
      expect(Math.min(...users.slice(1)), funnel.join(' | ')).toBeLessThan(users[0]!);
      // The transform phase went fine: not drawn in the failure colour.
      const phaseFills = await page.$$eval('svg[data-chart="migration-throughput"] rect.mark', (rects) =>
        rects.map((r) => r.getAttribute('fill')),
      );
      expect(phaseFills).not.toContain(COLOR.failure);
      // Error groups show the trace id of an occurrence (no Sentry configured: as text to copy).
      const traces = await page.$$eval('#error-groups .trace-id', (ids) => ids.map((i) => i.textContent));
      expect(traces.length).toBeGreaterThan(0);
      for (const id of traces) expect(id).toMatch(/^[0-9a-f]{32}$/);

      // No text clipped or over other text, time axes with several ticks; and the same at a phone's width,
      // where the page must not scroll sideways.
      const wide = await reportLayoutProblems(page);
      expect(wide.problems).toEqual([]);
      expect(wide.tickLabels['traffic-rate']!.length).toBeGreaterThan(2);
      await page.setViewportSize({ width: 390, height: 900 });
      const phone = await reportLayoutProblems(page);
      expect(phone.scrollWidth).toBeLessThanOrEqual(390);
      expect(phone.problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
