/** User journeys: active users, sessions, the product funnel, paths, features, segments, experiments. */
import { buildDashboard } from '../dashboard.js';
import { JOURNEYS_SQL as SQL } from '../sql/journeys.js';
import { NAMED_SQL as NAMED } from '../sql/named.js';
import { experimentVariable } from '../variables.js';

export const journeysDashboard = () =>
  buildDashboard({
    uid: 'tc9-user-journeys',
    title: 'User journeys',
    description:
      'Product analytics from tc9 events: DAU/WAU, sessions, the migration funnel, paths, feature adoption, segments, retention and experiments.',
    tags: ['analytics'],
    from: 'now-7d',
    variables: [experimentVariable()],
    rows: [
      {
        title: 'Activity',
        panels: [
          {
            title: 'DAU / WAU / MAU',
            kind: 'stat',
            sql: NAMED.activeUsersSummary,
            width: 8,
            height: 4,
            description: 'Distinct users in the 1, 7 and 30 days before the end of the range (named query active_users_summary).',
          },
          {
            title: 'Sessions',
            kind: 'stat',
            sql: NAMED.sessionStats,
            width: 16,
            height: 4,
            description: 'Sessions started in the range: count, duration, pages and actions per session (named query session_stats).',
          },
          {
            title: 'Daily, weekly and monthly active users',
            kind: 'timeseries',
            sql: NAMED.activeUsers,
            description: 'Per day: users active that day, in the 7 and 30 days ending that day (named query active_users).',
          },
          {
            title: 'Active users and sessions',
            kind: 'timeseries',
            sql: SQL.activeUsersOverTime,
            description:
              'Distinct users and sessions per hour (or per interval when longer), estimated from hourly sketches (uniqCombined, about 1.6% standard error).',
          },
          {
            title: 'Sessions started',
            kind: 'bars',
            sql: SQL.sessionsOverTime,
            width: 24,
            description: 'New sessions per interval (sessions table).',
          },
        ],
      },
      {
        title: 'Funnel and paths',
        panels: [
          {
            title: 'Migration funnel',
            kind: 'barchart',
            sql: NAMED.funnel,
            xField: 'event',
            fields: ['event', 'users'],
            description:
              'Users reaching each step in order within 24 h: login, organisation connected, migration created, migration executed (named query funnel).',
          },
          {
            title: 'Funnel drop-off',
            kind: 'table',
            sameDataAs: 'Migration funnel',
            description:
              'Conversion from the first step, drop-off from the previous one (the Migration funnel query, run once for both panels).',
            columnUnits: { conversion: 'percentunit', drop_off_rate: 'percentunit' },
          },
          {
            title: 'Top paths',
            kind: 'table',
            sql: NAMED.topPaths,
            description:
              'Most frequent next steps within sessions (named query top_paths). Exact up to 200,000 session-days in the range; above, estimated from a hash sample of about that many sessions (whole sessions, counts scaled up, shares from the sample).',
            columnUnits: { share: 'percentunit' },
          },
          {
            title: 'Top pages',
            kind: 'table',
            sql: SQL.topPages,
            description: 'page.view events per path; Users estimated from hourly sketches (uniqCombined, about 1.6% standard error).',
          },
        ],
      },
      {
        title: 'Features, segments and experiments',
        panels: [
          {
            title: 'Feature adoption',
            kind: 'table',
            sql: NAMED.featureAdoption,
            description:
              'Users and uses per feature over the range, exact to the second (whole days from feature_usage, the first and last day from the events); adoption = feature users / users active in the same range (named query feature_adoption).',
            columnUnits: { adoption_rate: 'percentunit', avg_duration_ms: 'ms' },
          },
          {
            title: 'Experiment variants',
            kind: 'table',
            sql: NAMED.experimentConversion,
            description:
              'Users exposed per variant of $experiment and how many executed a migration afterwards (named query experiment_conversion).',
            columnUnits: { conversion_rate: 'percentunit' },
          },
          {
            title: 'Active users by user type',
            kind: 'timeseries',
            sql: SQL.activeUsersByUserType,
            stacked: true,
            description:
              'Distinct users per tc9.user.type and hour (or interval when longer), estimated from hourly sketches (uniqCombined, about 1.6% standard error).',
          },
          {
            title: 'Active users by organisation type',
            kind: 'timeseries',
            sql: SQL.activeUsersByOrgType,
            stacked: true,
            description:
              'Distinct users per tc9.org.type and hour (or interval when longer), estimated from hourly sketches (uniqCombined, about 1.6% standard error).',
          },
          {
            title: 'Organisations',
            kind: 'table',
            sql: SQL.organisations,
            description: 'Users, sessions and migrations per organisation.',
          },
          {
            title: 'Retention by first day',
            kind: 'table',
            sql: NAMED.retentionCohorts,
            description: 'Users by day of first activity and the share active again N days later (named query retention_cohorts).',
            columnUnits: { retention_rate: 'percentunit' },
          },
        ],
      },
    ],
  });
