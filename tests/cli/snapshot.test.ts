/** Which part directories the store copy leaves out: those another listed part contains (merged or mutated away). */
import { describe, expect, it } from 'vitest';
import { coveredParts } from '../../src/cli/snapshot.js';

describe('coveredParts', () => {
  it('leaves out the parts a merge or a mutation replaced, and keeps everything else', () => {
    const names = [
      '20261203_1_1_0',
      '20261203_2_2_0',
      '20261203_1_2_1', // merged into 1_2_1
      '20261203_3_3_0', // newer insert: kept
      '20261204_1_1_0', // another partition: kept
      'all_1_1_0',
      'all_1_1_0_5', // mutated into all_1_1_0_5
      'detached',
      'format_version.txt',
      'tmp_merge_20261203_1_3_2',
    ];
    expect([...coveredParts(names)].sort()).toEqual(['20261203_1_1_0', '20261203_2_2_0', 'all_1_1_0']);
  });
});
