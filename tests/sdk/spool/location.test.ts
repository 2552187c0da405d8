/** src/sdk/spool/location.ts: where the spool lives by default, and that nothing is created up front. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { defaultSpoolDirs, resolveSpoolDir } from '../../../src/sdk/spool/location.js';

it('puts the spool under .tc9/spool/<service.name>, falling back to the temp directory, with a safe directory name', () => {
  expect(defaultSpoolDirs('checkout', '/srv/app', '/tmp')).toEqual(['/srv/app/.tc9/spool/checkout', '/tmp/tc9-spool/checkout']);
  expect(defaultSpoolDirs('../../etc/passwd x', '/srv/app', '/tmp')[0]).toBe('/srv/app/.tc9/spool/__.._etc_passwd_x');
  expect(defaultSpoolDirs('unknown_service:node', '/srv/app', '/tmp')[0]).toBe('/srv/app/.tc9/spool/unknown_service_node');
});

it('uses TC9_SPOOL_DIR as given, and creates no directory while resolving', async () => {
  const base = mkdtempSync(join(tmpdir(), 'tc9-spool-location-'));
  try {
    const configured = join(base, 'configured', 'spool');
    expect(await resolveSpoolDir(configured, 'checkout')).toBe(configured);
    expect(await resolveSpoolDir(undefined, 'checkout')).toBe(resolve('.tc9/spool/checkout'));
    expect(existsSync(configured)).toBe(false);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
