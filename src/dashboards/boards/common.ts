/** Defaults shared by the dashboards. */

/** Where trace ids link by default; each viewer can change the dashboard variable. */
export const SENTRY_TRACE_URL_DEFAULT = 'https://sentry.io/organizations/your-org/explore/traces/trace';
