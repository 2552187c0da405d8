/**
 * The synthetic source data of a run: Salesforce Account records generated from a seed. Exactly
 * round(failureRate × total) of them are defective, chosen by the seed; defects alternate in record order
 * between "invalid" (no Name: rejected by transform's validation) and "rejected" (owned by an inactive user:
 * rejected by the target organisation on load). So a run over N records with failure rate r ends with
 * F = round(r × N) failures: ceil(F / 2) in transform and floor(F / 2) in load.
 */
import { itemRandom, pick, seededRandom } from './random.js';

export interface SourceAccount {
  Id: string;
  Name: string;
  Industry: string;
  Phone: string;
  BillingCountry: string;
  AnnualRevenue: number;
  OwnerId: string;
}

export type Defect = 'none' | 'invalid' | 'rejected';

/** The owner the target organisation has deactivated; loading a record it owns fails. */
export const INACTIVE_OWNER_ID = '005000000000INACTV';

const DEFECT_CODES: Record<Exclude<Defect, 'none'>, number> = { invalid: 1, rejected: 2 };

export interface Dataset {
  readonly total: number;
  readonly seed: number;
  /** Records [offset, offset + limit), as the source organisation returns them. */
  slice(offset: number, limit: number): SourceAccount[];
  defect(index: number): Defect;
}

export interface DatasetOptions {
  total: number;
  failureRate: number;
  seed: number;
}

export function createDataset({ total, failureRate, seed }: DatasetOptions): Dataset {
  const defects = planDefects(total, Math.round(failureRate * total), seed);
  const defect = (index: number): Defect =>
    defects[index] === DEFECT_CODES.invalid ? 'invalid' : defects[index] === DEFECT_CODES.rejected ? 'rejected' : 'none';
  return {
    total,
    seed,
    defect,
    slice(offset, limit) {
      const end = Math.min(total, offset + limit);
      const records: SourceAccount[] = [];
      for (let i = offset; i < end; i++) records.push(account(seed, i, defect(i)));
      return records;
    },
  };
}

/** Picks exactly `count` defective indices (partial Fisher-Yates), then alternates their kind in index order. */
function planDefects(total: number, count: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const indices = new Uint32Array(total);
  for (let i = 0; i < total; i++) indices[i] = i;
  const marks = new Uint8Array(total);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const chosen = indices[j] as number;
    indices[j] = indices[i] as number;
    indices[i] = chosen;
    marks[chosen] = 1;
  }
  let kth = 0;
  for (let i = 0; i < total; i++) {
    if (marks[i]) marks[i] = kth++ % 2 === 0 ? DEFECT_CODES.invalid : DEFECT_CODES.rejected;
  }
  return marks;
}

const NAME_WORDS = ['Acme', 'Global', 'Northwind', 'Blue', 'Summit', 'Vertex', 'Harbor', 'Pioneer', 'Crimson', 'Atlas'];
const NAME_KINDS = ['Logistics', 'Foods', 'Analytics', 'Energy', 'Health', 'Robotics', 'Media', 'Capital', 'Retail'];
const NAME_SUFFIXES = ['Ltd', 'Inc', 'GmbH', 'SA', 'plc', 'Group', 'Co'];
const INDUSTRIES = ['Agriculture', 'Banking', 'Technology', 'Energy', 'Healthcare', 'Retail', 'Manufacturing', 'Media'];
export const COUNTRIES = ['United Kingdom', 'Germany', 'France', 'United States', 'Japan', 'Australia', 'Ireland'];

function account(seed: number, index: number, defect: Defect): SourceAccount {
  const random = itemRandom(seed, index);
  const name = `${pick(random, NAME_WORDS)} ${pick(random, NAME_KINDS)} ${pick(random, NAME_SUFFIXES)}`;
  const phone = `(${200 + Math.floor(random() * 800)}) ${String(Math.floor(random() * 1e3)).padStart(3, '0')}-${String(Math.floor(random() * 1e4)).padStart(4, '0')}`;
  return {
    Id: salesforceId('001', index),
    Name: defect === 'invalid' ? '' : name,
    Industry: pick(random, INDUSTRIES),
    Phone: phone,
    BillingCountry: pick(random, COUNTRIES),
    AnnualRevenue: Math.round(random() * 50_000_000),
    OwnerId: defect === 'rejected' ? INACTIVE_OWNER_ID : salesforceId('005', Math.floor(random() * 25)),
  };
}

/** An 18-character id with the object's key prefix, like Salesforce's (001 Account, 005 User). */
function salesforceId(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).toUpperCase().padStart(12, '0')}AAA`;
}
