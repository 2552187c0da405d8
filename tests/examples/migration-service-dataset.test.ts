import { describe, expect, it } from 'vitest';
import { createDataset, INACTIVE_OWNER_ID } from '../../examples/migration-service/run/dataset.js';
import { toTargetAccount } from '../../examples/migration-service/run/transform.js';

const defects = (total: number, failureRate: number, seed: number) => {
  const dataset = createDataset({ total, failureRate, seed });
  return Array.from({ length: total }, (_, i) => dataset.defect(i));
};
const indicesOf = (kinds: string[], kind: string) => kinds.flatMap((k, i) => (k === kind ? [i] : []));

describe('migration service: the seeded source dataset', () => {
  it('has exactly round(rate × total) defective records, alternating invalid / rejected in record order', () => {
    const kinds = defects(1000, 0.05, 42);
    expect(indicesOf(kinds, 'invalid')).toHaveLength(25);
    expect(indicesOf(kinds, 'rejected')).toHaveLength(25);
    const inOrder = kinds.filter((k) => k !== 'none');
    expect(inOrder.every((k, i) => k === (i % 2 === 0 ? 'invalid' : 'rejected'))).toBe(true);

    const odd = defects(101, 0.03, 7);
    expect(indicesOf(odd, 'invalid')).toHaveLength(2);
    expect(indicesOf(odd, 'rejected')).toHaveLength(1);
    expect(defects(50, 0, 1).every((k) => k === 'none')).toBe(true);
    expect(defects(50, 1, 1).every((k) => k !== 'none')).toBe(true);
  });

  it('picks the same records for the same seed and others for another seed', () => {
    const a = indicesOf(defects(2000, 0.02, 1234), 'invalid');
    expect(indicesOf(defects(2000, 0.02, 1234), 'invalid')).toEqual(a);
    expect(indicesOf(defects(2000, 0.02, 1235), 'invalid')).not.toEqual(a);
    expect(createDataset({ total: 10, failureRate: 0, seed: 5 }).slice(3, 4)).toEqual(
      createDataset({ total: 10, failureRate: 0, seed: 5 }).slice(3, 4),
    );
  });

  it('makes the defects visible in the data: no Name for invalid records, an inactive owner for rejected ones', () => {
    const dataset = createDataset({ total: 300, failureRate: 0.1, seed: 99 });
    const records = dataset.slice(0, 300);
    expect(records.map((r) => r.Id)).toEqual([...new Set(records.map((r) => r.Id))]);
    records.forEach((record, i) => {
      const defect = dataset.defect(i);
      expect(record.Name === '').toBe(defect === 'invalid');
      expect(record.OwnerId === INACTIVE_OWNER_ID).toBe(defect === 'rejected');
      expect(record.Id).toMatch(/^001[0-9A-Z]{15}$/);
    });
    expect(dataset.slice(290, 50)).toHaveLength(10);
  });
});

describe('migration service: transform of one Account', () => {
  it('maps the source fields onto the target shape', () => {
    const result = toTargetAccount({
      Id: '001000000000001AAA',
      Name: ' Acme Foods Ltd ',
      Industry: 'Retail',
      Phone: '(415) 555-0100',
      BillingCountry: 'Germany',
      AnnualRevenue: 1200,
      OwnerId: '005000000000002AAA',
    });
    expect(result).toEqual({
      ok: true,
      record: {
        External_Id__c: '001000000000001AAA',
        Name: 'Acme Foods Ltd',
        Industry: 'Retail',
        Phone: '+14155550100',
        BillingCountryCode: 'DE',
        AnnualRevenue: 1200,
        OwnerId: '005000000000002AAA',
      },
    });
  });

  it('rejects a record without Name or with an unknown country, naming the field', () => {
    const base = { Id: 'x', Name: 'A', Industry: 'Retail', Phone: '1', BillingCountry: 'France', AnnualRevenue: 1, OwnerId: 'o' };
    expect(toTargetAccount({ ...base, Name: '  ' })).toEqual({ ok: false, statusCode: 'REQUIRED_FIELD_MISSING', field: 'Name' });
    expect(toTargetAccount({ ...base, BillingCountry: 'Atlantis' })).toEqual({
      ok: false,
      statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      field: 'BillingCountry',
    });
  });
});
