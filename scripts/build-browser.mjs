#!/usr/bin/env node
/**
 * Bundles the browser tracker for pages that load it with a <script> tag:
 *   dist/browser/tracker.js      IIFE, minified, exposing window.tc9 (createTracker, EVENT, ...)
 *   dist/browser/tracker.mjs     the same as an ES module
 * Apps with a bundler import `tc9-observability/browser` instead. Rolldown comes with vite (vitest).
 *
 *   node scripts/build-browser.mjs [--out <dir>]     (default dist/browser)
 */
import { rolldown } from 'rolldown';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const input = `${root}src/browser/index.ts`;
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : `${root}dist/browser`;

const bundle = await rolldown({ input, platform: 'browser', transform: { target: 'es2020' }, tsconfig: false });
try {
  await bundle.write({ file: `${outDir}/tracker.js`, format: 'iife', name: 'tc9', minify: true, sourcemap: true });
  await bundle.write({ file: `${outDir}/tracker.mjs`, format: 'es', minify: true, sourcemap: true });
} finally {
  await bundle.close();
}
for (const f of ['tracker.js', 'tracker.mjs'])
  console.log(`${relative(process.cwd(), `${outDir}/${f}`)}: ${statSync(`${outDir}/${f}`).size} bytes`);
