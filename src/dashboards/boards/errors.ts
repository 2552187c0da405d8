/** Errors: occurrences by category and severity, top groups, releases, recent errors linked to Sentry. */
import { buildDashboard } from '../dashboard.js';
import { ERRORS_SQL as SQL } from '../sql/errors.js';
import { environmentVariable, sentryTraceUrlVariable, serviceVariable } from '../variables.js';
import { SENTRY_TRACE_URL_DEFAULT } from './common.js';

export const errorsDashboard = () =>
  buildDashboard({
    uid: 'tc9-errors',
    title: 'Errors',
    description:
      'Classified errors (tc9.error events) by category and severity, top error groups with users affected and release; every trace id opens Sentry.',
    tags: ['errors'],
    variables: [serviceVariable(), environmentVariable(), sentryTraceUrlVariable(SENTRY_TRACE_URL_DEFAULT)],
    rows: [
      {
        title: 'Overview',
        panels: [
          {
            title: 'Errors',
            kind: 'stat',
            sql: SQL.totals,
            width: 24,
            height: 4,
            description: 'Error events, distinct groups (fingerprints) and users affected in the range.',
          },
          {
            title: 'Errors by category',
            kind: 'bars',
            sql: SQL.byCategory,
            stacked: true,
            description: 'tc9.error.category per interval.',
          },
          {
            title: 'Errors by severity',
            kind: 'bars',
            sql: SQL.bySeverity,
            stacked: true,
            description: 'tc9.error.severity per interval.',
          },
        ],
      },
      {
        title: 'Groups and releases',
        panels: [
          {
            title: 'Top error groups',
            kind: 'table',
            sql: SQL.topGroups,
            width: 24,
            height: 10,
            description: 'Grouped by fingerprint: events, users affected, releases; the trace id is the latest occurrence.',
            traceIdColumns: ['TraceId'],
          },
          {
            title: 'Errors by release',
            kind: 'barchart',
            sql: SQL.byRelease,
            description: 'Errors and groups per release (service@version).',
          },
          {
            title: 'Failed requests',
            kind: 'table',
            sql: SQL.failedRequests,
            description: 'Server spans with status Error.',
            traceIdColumns: ['TraceId'],
            columnUnits: { DurationMs: 'ms' },
          },
          {
            title: 'Recent errors',
            kind: 'table',
            sql: SQL.recentErrors,
            width: 24,
            height: 10,
            description: 'Latest error events; the trace id opens the trace in Sentry.',
            traceIdColumns: ['TraceId'],
          },
        ],
      },
    ],
  });
