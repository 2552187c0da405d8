/**
 * In a service's install the demo's development dependencies are absent: `tc9-obs demo` then says which
 * package is missing and where the demo runs, instead of a module-resolution stack trace.
 */
import { expect, it } from 'vitest';
import { missingPackage } from '../../src/cli/commands/demo.js';

it('names the package a failed import could not find, and only for a missing package', async () => {
  const missing = await import('@prisma/adapter-pg-not-installed' as string).catch((e: unknown) => e);
  expect(missingPackage(missing)).toBe('@prisma/adapter-pg-not-installed');
  const file = await import(new URL('./no-such-file.js', import.meta.url).href).catch((e: unknown) => e);
  expect(missingPackage(file)).toBeUndefined();
  expect(missingPackage(new Error('boom'))).toBeUndefined();
});
