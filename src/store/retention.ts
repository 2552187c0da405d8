/**
 * How long each class of data is kept (the spec's RetentionConfig). The DDL refers to the classes as
 * `{{ttl errors}}`, `{{ttl analytics}}`, `{{ttl anonymize}}` and `{{ttl performance}}`.
 */

export interface RetentionConfig {
  /** Error events and raw log records. */
  errorLogsDays: number;
  /** Analytics events, sessions, feature usage, migration history. */
  analyticsDataDays: number;
  /** After this age user ids, session ids, IPs and user agents are blanked (must be < analyticsDataDays). */
  userDataAnonymizationDays: number;
  /** Spans, metrics and performance events. */
  performanceDataDays: number;
}

/** Errors for a quarter, analytics two years (the spec's "custom: 2y"), identities one year, raw performance a month. */
export const DEFAULT_RETENTION: RetentionConfig = {
  errorLogsDays: 90,
  analyticsDataDays: 730,
  userDataAnonymizationDays: 365,
  performanceDataDays: 30,
};

export type RetentionClass = 'errors' | 'analytics' | 'anonymize' | 'performance';

export function retentionDays(retention: RetentionConfig, cls: string): number {
  switch (cls) {
    case 'errors':
      return retention.errorLogsDays;
    case 'analytics':
      return retention.analyticsDataDays;
    case 'anonymize':
      return retention.userDataAnonymizationDays;
    case 'performance':
      return retention.performanceDataDays;
    default:
      throw new Error(`tc9-observability: unknown retention class "${cls}" (errors, analytics, anonymize, performance)`);
  }
}

/** Checks the spec's rules: positive whole days, anonymisation before deletion. */
export function validateRetention(retention: RetentionConfig): void {
  for (const [key, days] of Object.entries(retention)) {
    if (!Number.isInteger(days) || days <= 0)
      throw new Error(`tc9-observability: retention ${key} must be a positive integer, got ${days}`);
  }
  if (retention.userDataAnonymizationDays >= retention.analyticsDataDays) {
    throw new Error(
      `tc9-observability: retention userDataAnonymizationDays (${retention.userDataAnonymizationDays}) must be less than analyticsDataDays (${retention.analyticsDataDays})`,
    );
  }
}
