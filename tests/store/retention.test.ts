import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_RETENTION, retentionDays, validateRetention } from '../../src/store/retention.js';

describe('retention configuration', () => {
  it('defaults to the documented days and reads TC9_RETENTION_*_DAYS', () => {
    expect(loadConfig({}).store.retention).toEqual(DEFAULT_RETENTION);
    expect(
      loadConfig({
        TC9_RETENTION_ERROR_LOGS_DAYS: '30',
        TC9_RETENTION_ANALYTICS_DAYS: '400',
        TC9_RETENTION_ANONYMIZE_DAYS: '200',
        TC9_RETENTION_PERFORMANCE_DAYS: '7',
      }).store.retention,
    ).toEqual({ errorLogsDays: 30, analyticsDataDays: 400, userDataAnonymizationDays: 200, performanceDataDays: 7 });
  });

  it('keeps anonymisation before deletion when only the analytics age is lowered', () => {
    expect(loadConfig({ TC9_RETENTION_ANALYTICS_DAYS: '90' }).store.retention.userDataAnonymizationDays).toBe(89);
  });

  it('names the variable when anonymisation would come after deletion', () => {
    expect(() => loadConfig({ TC9_RETENTION_ANALYTICS_DAYS: '100', TC9_RETENTION_ANONYMIZE_DAYS: '100' })).toThrow(ConfigError);
    expect(() => loadConfig({ TC9_RETENTION_ANALYTICS_DAYS: '100', TC9_RETENTION_ANONYMIZE_DAYS: '100' })).toThrow(
      /TC9_RETENTION_ANONYMIZE_DAYS/,
    );
    expect(() => loadConfig({ TC9_RETENTION_PERFORMANCE_DAYS: '0' })).toThrow(/TC9_RETENTION_PERFORMANCE_DAYS/);
  });

  it('maps the DDL classes and validates whole positive days', () => {
    expect(retentionDays(DEFAULT_RETENTION, 'anonymize')).toBe(DEFAULT_RETENTION.userDataAnonymizationDays);
    expect(() => retentionDays(DEFAULT_RETENTION, 'forever')).toThrow(/unknown retention class/);
    expect(() => validateRetention({ ...DEFAULT_RETENTION, errorLogsDays: 1.5 })).toThrow(/errorLogsDays/);
  });
});
