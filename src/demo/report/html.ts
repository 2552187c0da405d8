/**
 * The demo report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), so it
 * opens from disk on a machine without network and can be mailed around.
 */
import { barChart, compact, escapeHtml, lineChart, PALETTE, type Bar } from './svg.js';
import type { ReportData } from './data.js';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const ms = (v: number) => `${compact(v)} ms`;

interface Section {
  id: string;
  title: string;
  caption: string;
  /** The chart, or undefined when there was nothing to draw (the section says so). */
  chart: string | undefined;
}

function section({ id, title, caption, chart }: Section): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="caption">${escapeHtml(caption)}</p>${
    chart ?? '<p class="empty">No data in this window.</p>'
  }</section>`;
}

const nonEmpty = <T>(rows: readonly T[], draw: (rows: readonly T[]) => string) => (rows.length > 0 ? draw(rows) : undefined);

export function renderReport(data: ReportData, summary: { title: string; facts: [string, string][] }): string {
  const routeLabel = (r: ReportData['routes'][number]) => `${r.method} ${r.route}`;
  const routes = [...data.routes].sort((a, b) => b.requests - a.requests).slice(0, 14);
  const phaseOrder = ['extract', 'transform', 'load'];
  const phases = [...data.phases].sort((a, b) => phaseOrder.indexOf(a.phase) - phaseOrder.indexOf(b.phase));
  const category = (c: string, i: number) =>
    PALETTE[(['server', 'external_service', 'validation', 'client'].indexOf(c) + 8 + i) % PALETTE.length]!;

  const sections: Section[] = [
    {
      id: 'request-rate',
      title: 'Request rate per route',
      caption: 'Requests per second over the window, from the service’s HTTP server spans.',
      chart: nonEmpty(routes, (rows) =>
        barChart(
          'request-rate',
          rows.map((r): Bar => ({ label: routeLabel(r), value: r.perSecond, note: `${compact(r.perSecond)}/s (${r.requests})` })),
        ),
      ),
    },
    {
      id: 'latency',
      title: 'p95 latency per route',
      caption: '95th percentile of server span durations; errors are 5xx answers.',
      chart: nonEmpty(routes, (rows) =>
        barChart(
          'latency',
          [...rows]
            .sort((a, b) => b.p95Ms - a.p95Ms)
            .map(
              (r): Bar => ({
                label: routeLabel(r),
                value: r.p95Ms,
                note: `${ms(r.p95Ms)}${r.errors ? `, ${r.errors} err` : ''}`,
                color: PALETTE[1],
              }),
            ),
        ),
      ),
    },
    {
      id: 'traffic',
      title: 'Traffic over time',
      caption: 'All routes: requests per second and p95 latency per interval.',
      chart: nonEmpty(data.overTime, (rows) =>
        [
          lineChart('traffic-rate', [{ name: 'requests/s', points: rows.map((r) => ({ t: r.t, v: r.requestsPerSecond })) }]),
          lineChart('traffic-p95', [{ name: 'p95', points: rows.map((r) => ({ t: r.t, v: r.p95Ms })), color: PALETTE[1] }], { unit: 'ms' }),
        ].join(''),
      ),
    },
    {
      id: 'migration-throughput',
      title: 'Migration throughput per phase',
      caption: 'Records per second of phase time (extract and load call the Salesforce API; transform is CPU only).',
      chart: nonEmpty(phases, (rows) =>
        barChart(
          'migration-throughput',
          rows.map(
            (p, i): Bar => ({
              label: p.phase,
              value: p.recordsPerSecond,
              note: `${compact(p.recordsPerSecond)} rec/s, ${p.executions} runs${p.failed ? `, ${p.failed} failed` : ''}`,
              color: PALETTE[2 + i],
            }),
          ),
        ),
      ),
    },
    {
      id: 'funnel',
      title: 'Journey funnel',
      caption: 'Users reaching each step in order (within a day of signing in), with the drop-off from the step before.',
      chart: nonEmpty(data.funnel, (rows) =>
        barChart(
          'funnel',
          rows.map(
            (s, i): Bar => ({
              label: s.label,
              value: s.users,
              note: `${s.users} users${i > 0 ? `, −${pct(s.dropOffRate)}` : ''}`,
              color: PALETTE[4],
            }),
          ),
        ),
      ),
    },
    {
      id: 'errors',
      title: 'Errors by category',
      caption: 'Errors reported with captureError (requests that failed and migration runs that broke down), classified.',
      chart: nonEmpty(data.errorsByCategory, (rows) =>
        barChart(
          'errors',
          rows.map((e, i): Bar => ({ label: e.category, value: e.occurrences, color: category(e.category, i) })),
        ),
      ),
    },
    {
      id: 'dau',
      title: 'Daily active users',
      caption: 'Distinct users with analytics events per day (users who declined consent are not counted).',
      chart: nonEmpty(data.dau, (rows) =>
        barChart(
          'dau',
          rows.map((d): Bar => ({ label: d.day, value: d.users, color: PALETTE[5] })),
        ),
      ),
    },
    {
      id: 'experiment',
      title: 'Experiment: onboarding checklist',
      caption: 'Users exposed per variant and the share who then created a migration.',
      chart: nonEmpty(data.experiment, (rows) =>
        barChart(
          'experiment',
          rows.map((v, i): Bar => ({ label: v.variant, value: v.rate, note: `${pct(v.rate)} of ${v.users}`, color: PALETTE[6 + (i % 2)] })),
        ),
      ),
    },
  ];

  const facts = summary.facts.map(([k, v]) => `<div class="fact"><span>${escapeHtml(k)}</span><b>${escapeHtml(v)}</b></div>`).join('');
  const groups = data.errorGroups.length
    ? `<table><thead><tr><th>error</th><th>message</th><th>category</th><th>count</th></tr></thead><tbody>${data.errorGroups
        .map(
          (g) =>
            `<tr><td>${escapeHtml(g.type)}</td><td>${escapeHtml(g.message.slice(0, 120))}</td><td>${escapeHtml(g.category)}</td><td>${g.occurrences}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const templates = data.templates.length
    ? `<table><thead><tr><th>template</th><th>runs</th><th>succeeded</th><th>failed</th><th>success rate</th></tr></thead><tbody>${data.templates
        .map(
          (t) =>
            `<tr><td>${escapeHtml(t.template)}</td><td>${t.runs}</td><td>${t.succeeded}</td><td>${t.failed}</td><td>${pct(t.successRate)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(summary.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#cbd5e1}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:20px;padding:24px 32px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px 20px;overflow-x:auto}
section h2{margin:0 0 4px;font-size:16px}.caption{margin:0 0 12px;color:#64748b;font-size:13px}.empty{color:#94a3b8}
.facts{display:flex;flex-wrap:wrap;gap:12px;padding:16px 32px 0}.fact{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:8px 14px}
.fact span{display:block;color:#64748b;font-size:12px}.fact b{font-size:18px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e8f0}
</style></head>
<body><header><h1>${escapeHtml(summary.title)}</h1><p>${escapeHtml(`${data.from.toISOString()} – ${data.to.toISOString()} · service ${data.service}`)}</p></header>
<div class="facts">${facts}</div>
<main>${sections.map(section).join('\n')}
<section id="error-groups"><h2>Error groups</h2><p class="caption">Most frequent first, grouped by fingerprint.</p>${groups || '<p class="empty">No errors.</p>'}</section>
<section id="templates"><h2>Runs per template</h2><p class="caption">Outcomes of migration runs.</p>${templates || '<p class="empty">No runs.</p>'}</section>
</main></body></html>
`;
}
