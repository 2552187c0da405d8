/**
 * The demo report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched), so it
 * opens from disk on a machine without network and can be mailed around.
 */
import { barChart, COLOR, compact, durationLabel, escapeHtml, lineChart, percent as pct, type Bar } from './svg.js';
import type { ReportData } from './data.js';

const ms = (v: number) => `${compact(v)} ms`;

export interface ReportOptions {
  /**
   * Base of Sentry's trace view (as the dashboards' sentry_trace_url, e.g.
   * https://sentry.io/organizations/<org>/explore/traces/trace): error groups' trace ids link to
   * `<base>/<trace id>/`. Without it the ids are shown for copying.
   */
  sentryTraceUrl?: string;
}

/** Colour of an error category: red for the service's own failures, orange for the caller's mistakes. */
const categoryColor = (category: string) => (category === 'validation' || category === 'client' ? COLOR.callerError : COLOR.failure);

/** "2026-12-03 21:38:44 – 21:39:31 UTC" (the date again only when the window spans days). */
function windowText(from: Date, to: Date): string {
  const [f, t] = [from.toISOString(), to.toISOString()];
  return `${f.slice(0, 10)} ${f.slice(11, 19)} – ${f.slice(0, 10) === t.slice(0, 10) ? '' : `${t.slice(0, 10)} `}${t.slice(11, 19)} UTC`;
}

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

export function renderReport(data: ReportData, summary: { title: string; facts: [string, string][] }, options: ReportOptions = {}): string {
  const routeLabel = (r: ReportData['routes'][number]) => `${r.method} ${r.route}`;
  const routes = [...data.routes].sort((a, b) => b.requests - a.requests).slice(0, 14);
  const phaseOrder = ['extract', 'transform', 'load'];
  const phases = [...data.phases].sort((a, b) => phaseOrder.indexOf(a.phase) - phaseOrder.indexOf(b.phase));

  const sections: Section[] = [
    {
      id: 'request-rate',
      title: 'Request rate per route',
      caption: 'Requests per second over the window, from the service’s HTTP server spans.',
      chart: nonEmpty(routes, (rows) =>
        barChart(
          'request-rate',
          rows.map((r): Bar => ({ label: routeLabel(r), value: r.perSecond, note: `${compact(r.perSecond)}/s (${r.requests})` })),
          { color: COLOR.traffic },
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
                color: COLOR.latency,
              }),
            ),
          { cutOutliers: true },
        ),
      ),
    },
    {
      id: 'traffic',
      title: 'Traffic over time',
      caption: `All routes: requests per second and p95 latency per ${durationLabel(data.intervalMs)} interval (times in UTC).`,
      chart: nonEmpty(data.overTime, (rows) =>
        [
          lineChart(
            'traffic-rate',
            [{ name: 'requests/s', points: rows.map((r) => ({ t: r.t, v: r.requestsPerSecond })), color: COLOR.traffic }],
            {
              intervalMs: data.intervalMs,
            },
          ),
          lineChart('traffic-p95', [{ name: 'p95', points: rows.map((r) => ({ t: r.t, v: r.p95Ms })), color: COLOR.latency }], {
            unit: 'ms',
            intervalMs: data.intervalMs,
          }),
        ].join(''),
      ),
    },
    {
      id: 'migration-throughput',
      title: 'Migration throughput per phase',
      caption:
        'Records per second of phase time (extract and load call the Salesforce API; transform is CPU only), with the runs of each phase and how many of them failed.',
      chart: nonEmpty(phases, (rows) =>
        barChart(
          'migration-throughput',
          rows.map(
            (p): Bar => ({
              label: p.phase,
              value: p.recordsPerSecond,
              note: `${compact(p.recordsPerSecond)} rec/s, ${p.executions} runs${p.failed ? `, ${p.failed} failed` : ''}`,
              color: COLOR.throughput,
            }),
          ),
        ),
      ),
    },
    {
      id: 'funnel',
      title: 'Journey funnel',
      caption:
        'Users reaching each step in order (within a day of signing in): how many, their share of those who signed in, and how many of the step before did not get this far.',
      chart: nonEmpty(data.funnel, (rows) =>
        barChart(
          'funnel',
          rows.map((s, i): Bar => {
            const lost = i > 0 ? Math.max(0, rows[i - 1]!.users - s.users) : 0;
            return {
              label: s.label,
              value: s.users,
              note: i === 0 ? `${s.users} users` : `${s.users} (${pct(s.conversion)}), ${lost > 0 ? `${lost} lost` : 'none lost'}`,
              color: COLOR.users,
            };
          }),
        ),
      ),
    },
    {
      id: 'errors',
      title: 'Errors by category',
      caption:
        'Errors reported with captureError (requests that failed and migration runs that broke down), classified: red for the service’s own failures, orange for callers’ mistakes (validation, client).',
      chart: nonEmpty(data.errorsByCategory, (rows) =>
        barChart(
          'errors',
          rows.map((e): Bar => ({ label: e.category, value: e.occurrences, color: categoryColor(e.category) })),
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
          rows.map((d): Bar => ({ label: d.day, value: d.users, color: COLOR.activeUsers })),
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
          rows.map((v, i): Bar => ({ label: v.variant, value: v.rate, note: `${pct(v.rate)} of ${v.users}`, color: COLOR.variant[i % 2] })),
        ),
      ),
    },
  ];

  const facts = summary.facts.map(([k, v]) => `<div class="fact"><span>${escapeHtml(k)}</span><b>${escapeHtml(v)}</b></div>`).join('');
  const traceBase = options.sentryTraceUrl?.replace(/\/+$/, '');
  const trace = (id: string) =>
    !id
      ? '<span class="empty">none</span>'
      : traceBase
        ? `<a class="trace-id" href="${escapeHtml(`${traceBase}/${encodeURIComponent(id)}/`)}" target="_blank" rel="noopener">${escapeHtml(id)}</a>`
        : `<code class="trace-id">${escapeHtml(id)}</code>`;
  const groups = data.errorGroups.length
    ? `<div class="table-box"><table><thead><tr><th>error and category</th><th>message and sample trace</th><th>count</th></tr></thead><tbody>${data.errorGroups
        .map(
          (g) =>
            `<tr><td>${escapeHtml(g.type)}<div class="sub">${escapeHtml(g.category || 'unclassified')}</div></td><td>${escapeHtml(g.message.slice(0, 120))}<div class="sub">trace ${trace(g.traceId)}</div></td><td>${g.occurrences}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';
  const groupsCaption = `Most frequent first, grouped by fingerprint; the sample trace is the latest occurrence’s. ${
    traceBase
      ? 'Each links to the trace in Sentry.'
      : 'Copy it to find the trace (in Sentry or the store’s otel_traces); with SENTRY_DSN and SENTRY_ORG (or SENTRY_TRACE_URL) set, it links to Sentry’s trace view.'
  }`;
  const templates = data.templates.length
    ? `<div class="table-box"><table><thead><tr><th>template</th><th>runs</th><th>succeeded</th><th>failed</th><th>success</th></tr></thead><tbody>${data.templates
        .map(
          (t) =>
            `<tr><td>${escapeHtml(t.template)}</td><td>${t.runs}</td><td>${t.succeeded}</td><td>${t.failed}</td><td>${pct(t.successRate)}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '';

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(summary.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:20px 32px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#cbd5e1}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,560px),1fr));gap:20px;padding:24px 32px}
section{min-width:0;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px 20px}
section h2{margin:0 0 4px;font-size:16px}.caption{margin:0 0 12px;color:#64748b;font-size:13px}.empty{color:#94a3b8}
svg.chart{display:block;margin-bottom:8px}.chart-note{margin:0 0 8px;color:#64748b;font-size:12px}
.table-box{overflow-x:auto}.sub{margin-top:2px;color:#64748b;font-size:12px}.trace-id{font:12px ui-monospace,monospace;word-break:break-all}
td{vertical-align:top}
.facts{display:flex;flex-wrap:wrap;gap:12px;padding:16px 32px 0}.fact{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:8px 14px}
.fact span{display:block;color:#64748b;font-size:12px}.fact b{font-size:18px}
table{border-collapse:collapse;font-size:13px;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e8f0;overflow-wrap:break-word}
@media (max-width:600px){header{padding:16px}.facts{padding:12px 12px 0;gap:8px}main{padding:12px;gap:12px}section{padding:12px 14px}th,td{padding:4px 5px}}
</style></head>
<body><header><h1>${escapeHtml(summary.title)}</h1><p>${escapeHtml(`${windowText(data.from, data.to)} · service ${data.service}`)}</p></header>
<div class="facts">${facts}</div>
<main>${sections.map(section).join('\n')}
<section id="error-groups"><h2>Error groups</h2><p class="caption">${escapeHtml(groupsCaption)}</p>${groups || '<p class="empty">No errors.</p>'}</section>
<section id="templates"><h2>Runs per template</h2><p class="caption">Outcomes of migration runs.</p>${templates || '<p class="empty">No runs.</p>'}</section>
</main></body></html>
`;
}
