/**
 * What each public entry loads, seen by Node itself: a child process records every module its resolver hands
 * out (module.registerHooks sees both import and require), then imports the entry from the built package by
 * its own name, as a service would. The main entry is the API a library or a hot path imports: it must not
 * pull in the SDK, Sentry's Node SDK or a web framework.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function modulesLoadedBy(specifier: string): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify([...seen]));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
  });
  return JSON.parse(out) as string[];
}

const packagesOf = (urls: string[]) => new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));

const HEAVY = [
  '@opentelemetry/sdk-node',
  '@opentelemetry/auto-instrumentations-node',
  '@sentry/node',
  'express',
  'fastify',
  'chdb',
  '@prisma/client',
];

describe('entry points', () => {
  it('the main entry (the API) loads no SDK, no Sentry Node SDK and no framework', () => {
    const urls = modulesLoadedBy('tc9-observability');
    const loaded = packagesOf(urls);
    expect(HEAVY.filter((p) => loaded.has(p))).toEqual([]);
    // A bound on the whole, so that a new heavy import shows up here. Today ~400 (was 5,489 with the SDK in the
    // main entry): @sentry/core's ESM index ~180, zod ~95, @opentelemetry/api ~50, ours ~35.
    expect(urls.length, `modules: ${urls.length}; packages: ${[...loaded].join(', ')}`).toBeLessThan(500);
  });

  it('the SDK entry loads the SDK (the check above can see it)', () => {
    const loaded = packagesOf(modulesLoadedBy('tc9-observability/sdk'));
    expect(loaded.has('@opentelemetry/sdk-node')).toBe(true);
    expect(loaded.has('@sentry/node')).toBe(true);
  });

  it('the Express adapter loads Express but not the SDK', () => {
    const loaded = packagesOf(modulesLoadedBy('tc9-observability/express'));
    expect(loaded.has('@opentelemetry/sdk-node')).toBe(false);
    expect(loaded.has('fastify')).toBe(false);
  });
});
