/**
 * `tc9-obs demo` (and `npm start`): the embedded end-to-end demo, implemented by src/demo/index.ts.
 * The module is imported by a computed specifier so this command compiles (and says what is wrong)
 * even in a tree without it.
 */
import type { Command } from 'commander';
import { CliFailure } from '../errors.js';
import { parsePositiveInt, parseSeconds } from '../options.js';

/** What src/demo/index.ts's runDemo accepts; openBrowser is passed for --no-browser. */
export interface DemoOptions {
  durationSeconds?: number;
  users?: number;
  outDir?: string;
  openBrowser?: boolean;
}

type RunDemo = (options: DemoOptions) => Promise<number>;

const DEMO_MODULE = new URL('../../demo/index.js', import.meta.url);

async function loadDemo(): Promise<RunDemo> {
  const specifier: string = DEMO_MODULE.href;
  let mod: { runDemo?: unknown };
  try {
    mod = (await import(specifier)) as { runDemo?: unknown };
  } catch (err) {
    // Only the demo module itself missing means "not built"; a missing dependency inside it is a real error.
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(DEMO_MODULE.pathname)) {
      throw new CliFailure(
        `error: the demo is not available in this build (${DEMO_MODULE.pathname} is missing)\nfix: run npm run build (the demo lives in src/demo/)`,
      );
    }
    const missing = missingPackage(err);
    if (missing) {
      throw new CliFailure(
        `error: the demo needs ${missing}, a development dependency of tc9-observability that a service's install does not bring\n` +
          'fix: run the demo from a clone of the repository: npm run setup && npm start',
      );
    }
    throw err;
  }
  if (typeof mod.runDemo !== 'function') throw new CliFailure(`error: ${DEMO_MODULE.pathname} does not export runDemo(options)`);
  return mod.runDemo as RunDemo;
}

/**
 * The package a failed import could not find, when it is a package (not a file of ours): the demo's Prisma
 * client, PGlite, pg, Express and progress bar are development dependencies, absent from a service's install.
 */
export function missingPackage(err: unknown): string | undefined {
  if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const match = /Cannot find package '([^']+)'/.exec(String((err as Error).message));
  return match?.[1];
}

interface DemoFlags {
  duration?: number;
  users?: number;
  out?: string;
  browser: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the migration service with simulated users, observed end to end into the embedded store, then print the views')
    .option('--duration <seconds>', 'how long the simulated users act (seconds, or like 90s, 2m)', parseSeconds)
    .option('--users <n>', 'number of simulated users', parsePositiveInt)
    .option('--out <dir>', 'directory for the demo data and its report')
    .option('--no-browser', 'do not open the browser')
    .action(async (flags: DemoFlags) => {
      const runDemo = await loadDemo();
      const options: DemoOptions = { openBrowser: flags.browser };
      if (flags.duration !== undefined) options.durationSeconds = flags.duration;
      if (flags.users !== undefined) options.users = flags.users;
      if (flags.out !== undefined) options.outDir = flags.out;
      process.exitCode = await runDemo(options);
    });
}
