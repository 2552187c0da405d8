/**
 * The layers of src/, read from the source: every import of every src/**\/*.ts file (static `import` and
 * `export ... from`, `import()` and `require()` of string literals, type-only ones included: a type import is still a
 * dependency of the declarations we publish) must go to its own layer or a lower one. Lowest first:
 *
 *   0 core      src/semconv.ts, src/core/**: what every layer may use; @opentelemetry/api and /core only
 *   1 domain    configuration, privacy rules, analytics, errors, migration, monitors, identity, browser, React
 *   2 adapters  ingest, middleware, express, fastify, trpc, store, queries
 *   3 sdk       the SDK assembly and the entries: sdk, register, index, dashboards
 *   4 tools     cli, demo
 *
 * and nothing in src/ imports examples/, tests/ or bench/ (they are not shipped). Within a layer anything goes;
 * today's cross-imports inside layer 1 are: errors -> analytics (identity, otel, record), middleware/identity ->
 * analytics/identity, migration -> analytics/otel and errors/external, monitors -> analytics/otel and
 * errors/capture, privacy/policy -> config, options -> config, react -> browser.
 *
 * The imports are read with TypeScript's own pre-processor (ts.preProcessFile), which skips comments and strings
 * the way a regular expression cannot.
 */
import { globSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Layer {
  level: number;
  name: string;
  holds(file: string): boolean;
}

const under =
  (...dirs: string[]) =>
  (file: string) =>
    dirs.some((d) => file.startsWith(`src/${d}/`));
const either =
  (...tests: ((file: string) => boolean)[]) =>
  (file: string) =>
    tests.some((t) => t(file));
const exactly =
  (...files: string[]) =>
  (file: string) =>
    files.includes(file);

/** First match wins: src/middleware/identity.ts is domain code before src/middleware/** is an adapter. */
const LAYERS: Layer[] = [
  { level: 0, name: 'core', holds: either(exactly('src/semconv.ts'), under('core')) },
  {
    level: 1,
    name: 'domain',
    holds: either(
      // options.ts is start()'s table of typed options: configuration, like config.ts, which it builds on.
      exactly('src/config.ts', 'src/options.ts', 'src/middleware/identity.ts'),
      under('privacy', 'analytics', 'errors', 'migration', 'monitors', 'browser', 'react'),
    ),
  },
  { level: 2, name: 'adapters', holds: under('ingest', 'middleware', 'express', 'fastify', 'trpc', 'store', 'queries') },
  { level: 3, name: 'sdk', holds: either(exactly('src/register.ts', 'src/index.ts'), under('sdk', 'dashboards')) },
  { level: 4, name: 'tools', holds: under('cli', 'demo') },
];

/** Back-edges we know of, to remove. They are in folders another change owns; any other back-edge fails. */
const KNOWN_BACK_EDGES_TO_REMOVE: { from: string; to: string }[] = [
  // The demo mounts the reference service, which lives in examples/ (not shipped: the built demo cannot load it).
  { from: 'src/demo/index.ts', to: 'examples/migration-service/app.ts' },
];

/** Core is imported by everything, the browser bundle included: the OTel API and nothing else. */
const CORE_PACKAGES = new Set(['@opentelemetry/api', '@opentelemetry/core']);

/** The SDK's packages: the main entry (layers 0-1 and what it re-exports) must not load them. */
const SDK_PACKAGE = /^(@opentelemetry\/(sdk-|exporter-|instrumentation|auto-instrumentations|resources)|@sentry\/node$)/;

interface Import {
  /** The importing file, relative to the repository: src/store/exporters.ts. */
  file: string;
  /** As written: '../sdk/export-failures.js'. */
  specifier: string;
  /** A repository file (src/sdk/export-failures.ts), a package name (@opentelemetry/api) or node:<builtin>. */
  target: string;
  kind: 'file' | 'package' | 'builtin';
}

function importsOf(file: string, source: string): Import[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    if (specifier.startsWith('.')) {
      const target = path.posix.join(path.posix.dirname(file), specifier).replace(/\.(m|c)?js$/, '.$1ts');
      return { file, specifier, target, kind: 'file' as const };
    }
    if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) {
      return { file, specifier, target: specifier, kind: 'builtin' as const };
    }
    const [scope, name] = specifier.split('/');
    return { file, specifier, target: specifier.startsWith('@') ? `${scope}/${name}` : scope!, kind: 'package' as const };
  });
}

function layerOf(file: string): Layer | undefined {
  return LAYERS.find((l) => l.holds(file));
}

/** The problems of one import, as sentences naming the file, the import and the layers. */
function violations(imp: Import): string[] {
  const from = layerOf(imp.file);
  if (!from) return [`${imp.file} is in no layer: add it to LAYERS in tests/layers/imports.test.ts`];
  const out: string[] = [];
  if (imp.kind === 'file') {
    if (/^(examples|tests|bench)\//.test(imp.target)) {
      out.push(
        `${imp.file} (layer ${from.level} ${from.name}) imports '${imp.specifier}' from ${imp.target.split('/')[0]}/, which src/ must not import`,
      );
    } else if (imp.target.startsWith('src/')) {
      const to = layerOf(imp.target);
      if (to && to.level > from.level) {
        out.push(
          `${imp.file} (layer ${from.level} ${from.name}) imports '${imp.specifier}' = ${imp.target} (layer ${to.level} ${to.name}): a lower layer must not import a higher one`,
        );
      }
    } else {
      out.push(`${imp.file} imports '${imp.specifier}' = ${imp.target}, outside src/`);
    }
  } else if (from.level === 0 && !CORE_PACKAGES.has(imp.target)) {
    out.push(`${imp.file} (layer 0 core) imports '${imp.specifier}': core may import only ${[...CORE_PACKAGES].join(' and ')}`);
  } else if (from.level <= 1 && imp.kind === 'package' && SDK_PACKAGE.test(imp.target)) {
    out.push(`${imp.file} (layer ${from.level} ${from.name}) imports the SDK package '${imp.specifier}': SDK parts belong in src/sdk/`);
  }
  return out;
}

const isKnown = (imp: Import) => KNOWN_BACK_EDGES_TO_REMOVE.some((k) => k.from === imp.file && k.to === imp.target);

function srcImports(): Import[] {
  const files = globSync('src/**/*.ts', { cwd: ROOT }).map((f) => f.split(path.sep).join('/'));
  return files.sort().flatMap((file) => importsOf(file, readFileSync(path.join(ROOT, file), 'utf8')));
}

describe('layers', () => {
  const imports = srcImports();

  it('reads the imports of src/ (the parser sees static, re-exported, type-only and dynamic ones)', () => {
    // If the reading broke, every later check would pass on nothing.
    expect(imports.length).toBeGreaterThan(300);
    const seen = (file: string, target: string) => imports.some((i) => i.file === file && i.target === target);
    expect(seen('src/index.ts', 'src/core/sdk-handle.ts')).toBe(true); // export ... from
    expect(seen('src/register.ts', 'src/sdk/start.ts')).toBe(true); // await import('./sdk/start.js')
    expect(seen('src/sdk/exporters.ts', 'src/store/exporters.ts')).toBe(true); // typeof import(...) and import()
  });

  it('no lower layer imports a higher one, and src/ imports nothing from examples/, tests/ or bench/', () => {
    // A file may import the same module twice (a type and a dynamic import): one line each.
    const problems = [...new Set(imports.filter((i) => !isKnown(i)).flatMap(violations))];
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
  });

  it('every known back-edge still exists (remove the ones fixed from KNOWN_BACK_EDGES_TO_REMOVE)', () => {
    const gone = KNOWN_BACK_EDGES_TO_REMOVE.filter((k) => !imports.some((i) => i.file === k.from && i.target === k.to));
    expect(gone, 'fixed: take them off the list, so they cannot come back unnoticed').toEqual([]);
  });

  it('the rules catch what they are for', () => {
    const imp = (file: string, specifier: string) => importsOf(file, `import { x } from '${specifier}';`)[0]!;
    expect(violations(imp('src/store/exporters.ts', '../sdk/export-failures.js'))).toEqual([
      "src/store/exporters.ts (layer 2 adapters) imports '../sdk/export-failures.js' = src/sdk/export-failures.ts (layer 3 sdk): a lower layer must not import a higher one",
    ]);
    expect(violations(imp('src/demo/index.ts', '../../examples/migration-service/app.js'))[0]).toMatch(
      /from examples\/, which src\/ must not import/,
    );
    expect(violations(imp('src/core/guard.ts', 'zod'))[0]).toMatch(/core may import only/);
    expect(violations(imp('src/core/guard.ts', 'node:crypto'))[0]).toMatch(/core may import only/);
    expect(violations(imp('src/privacy/policy.ts', '@opentelemetry/sdk-trace'))[0]).toMatch(/SDK parts belong in src\/sdk/);
    expect(violations(imp('src/new-thing.ts', './config.js'))[0]).toMatch(/is in no layer/);
    // Allowed: downwards, sideways, and packages outside core.
    expect(violations(imp('src/sdk/start.ts', '../store/exporters.js'))).toEqual([]);
    expect(violations(imp('src/monitors/monitor.ts', '../errors/capture.js'))).toEqual([]);
    expect(violations(imp('src/store/store.ts', '@clickhouse/client'))).toEqual([]);
    // Comments and strings are not imports.
    expect(importsOf('src/x.ts', "// import a from '../sdk/a.js'\nconst s = \"import('../cli/b.js')\";")).toEqual([]);
  });
});
