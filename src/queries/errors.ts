/** Error groups (by fingerprint) and errors per release, from application_errors. */
import { SERVICE, serviceFilter } from './params.js';
import type { NamedQuery, QueryParam } from './query.js';

const RELEASE: QueryParam = { name: 'release', type: 'String', description: 'release; empty for all', default: '' };
const filters = `$__timeFilter(created_at) AND ${serviceFilter('service_name')} AND ({release:String} = '' OR release = {release:String})`;

export const errorGroups: NamedQuery = {
  name: 'error_groups',
  description: 'Error groups: occurrences, users affected, first and last seen (within the range), releases seen in',
  params: [SERVICE, RELEASE, { name: 'limit', type: 'UInt32', description: 'most frequent groups to return', default: 100 }],
  columns: [
    'fingerprint',
    'error_type',
    'message',
    'category',
    'occurrences',
    'users_affected',
    'first_seen',
    'last_seen',
    'releases',
    'last_trace_id',
  ],
  sql: `
SELECT
    fingerprint,
    any(error_type) AS error_type,
    any(error_message) AS message,
    any(category) AS category,
    count() AS occurrences,
    uniqExactIf(user_id, user_id != '') AS users_affected,
    min(created_at) AS first_seen,
    max(created_at) AS last_seen,
    arraySort(groupUniqArray(release)) AS releases,
    argMax(trace_id, created_at) AS last_trace_id
FROM application_errors
WHERE ${filters}
GROUP BY fingerprint
ORDER BY occurrences DESC
LIMIT {limit:UInt32}`,
};

export const errorsByRelease: NamedQuery = {
  name: 'errors_by_release',
  description: 'Per release: errors, distinct error groups, users affected, first and last error',
  params: [SERVICE, RELEASE],
  columns: ['release', 'errors', 'groups', 'users_affected', 'first_seen', 'last_seen'],
  sql: `
SELECT
    release,
    count() AS errors,
    uniqExact(fingerprint) AS groups,
    uniqExactIf(user_id, user_id != '') AS users_affected,
    min(created_at) AS first_seen,
    max(created_at) AS last_seen
FROM application_errors
WHERE ${filters}
GROUP BY release
ORDER BY last_seen DESC`,
};

export const errorsOverTime: NamedQuery = {
  name: 'errors_over_time',
  description: 'Errors and users affected per time bucket',
  params: [SERVICE, RELEASE],
  columns: ['time', 'errors', 'users_affected'],
  sql: `
SELECT
    $__timeInterval(created_at) AS time,
    count() AS errors,
    uniqExactIf(user_id, user_id != '') AS users_affected
FROM application_errors
WHERE ${filters}
GROUP BY time
ORDER BY time`,
};
