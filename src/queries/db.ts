/** Database latency per Prisma operation, from @prisma/instrumentation's prisma:client:operation spans. */
import { SERVICE, serviceFilter } from './params.js';
import type { NamedQuery } from './query.js';

export const dbOperationLatency: NamedQuery = {
  name: 'db_operation_latency',
  description: 'Calls, errors and p50/p95/p99 latency (ms) per Prisma operation (Model.method)',
  params: [SERVICE],
  columns: ['operation', 'calls', 'errors', 'p50_ms', 'p95_ms', 'p99_ms'],
  sql: `
SELECT
    if(SpanAttributes['model'] != '', concat(SpanAttributes['model'], '.', SpanAttributes['method']), SpanAttributes['method']) AS operation,
    count() AS calls,
    countIf(StatusCode IN ('Error', 'STATUS_CODE_ERROR')) AS errors,
    quantile(0.5)(Duration) / 1e6 AS p50_ms,
    quantile(0.95)(Duration) / 1e6 AS p95_ms,
    quantile(0.99)(Duration) / 1e6 AS p99_ms
FROM otel_traces
WHERE SpanName = 'prisma:client:operation' AND $__timeFilter(Timestamp) AND ${serviceFilter('ServiceName')}
GROUP BY operation
ORDER BY p95_ms DESC`,
};
