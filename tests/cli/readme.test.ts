/** The README's CLI and bench paragraphs say what the code does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runCli } from './cli.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const cliBlock = /## The `tc9-obs` CLI\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

describe('README', () => {
  it('lists every tc9-obs command in its CLI block', async () => {
    ensureBuilt();
    const commands: string[] = [];
    for (const parent of [[], ['db'], ['gdpr'], ['dashboards']]) {
      const help = (await runCli([...parent, '--help'])).stdout;
      const section = help.split(/^Commands:$/m)[1] ?? '';
      for (const m of section.matchAll(/^ {2}(\w+)/gm))
        if (m[1] !== 'help' && !['db', 'gdpr', 'dashboards'].includes(m[1]!)) commands.push([...parent, m[1]].join(' '));
    }
    expect(commands).toContain('gdpr users');
    for (const command of commands) expect(cliBlock, command).toContain(`npx tc9-obs ${command}`);
  });

  it("says where report finds the store (the demo's, --data-dir) and what a running app's store does", () => {
    expect(cliBlock).toContain('--data-dir');
    expect(readme).toMatch(/\.tc9\/demo\/store/);
    expect(readme).toMatch(/in use by/);
  });

  it('says what `npm run bench -- --quick` writes: bench/results.json, results.md only from a full run', () => {
    const bench = /^`npm run bench` measures[\s\S]*?(?:\n\n|\n- )/m.exec(readme)?.[0] ?? '';
    expect(bench).toContain('bench/results.json');
    expect(bench).toMatch(/results\.md`? (?:only )?(?:on|from|after) a full run|full run[^.]*results\.md/);
  });
});
