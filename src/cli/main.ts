#!/usr/bin/env node
/**
 * tc9-obs: the command line of tc9-observability. This file only wires the commands (one module each under
 * commands/) and turns what they throw into one message on stderr and an exit code (see errors.ts).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { debugRequested } from '../config.js';
import { registerDashboards } from './commands/dashboards.js';
import { registerDb } from './commands/db.js';
import { registerDemo } from './commands/demo.js';
import { registerDoctor } from './commands/doctor.js';
import { registerGdpr } from './commands/gdpr.js';
import { registerReport } from './commands/report.js';
import { describeError, errorDetails } from './errors.js';

function packageVersion(): string {
  try {
    // dist/src/cli/main.js -> package.json at the root.
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const program = new Command('tc9-obs')
  .description('tc9-observability: schema, users, reports, health checks, GDPR requests and the demo')
  .version(packageVersion(), '-V, --version')
  .option('--verbose', 'print stack traces of errors (also TC9_DEBUG=1)')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();

// The command that ran, for the "(see tc9-obs db migrate --help)" hint of a usage error.
let running: Command = program;
program.hook('preAction', (_program, action) => {
  running = action;
});

// `tc9-obs ... | head`: once the reader has gone, nothing more can be said. Stop quietly, as Unix tools do on
// SIGPIPE, with the exit code the command had so far (Node would crash with an unhandled EPIPE stack).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

registerDb(program);
registerReport(program);
registerDoctor(program);
registerGdpr(program);
registerDashboards(program);
registerDemo(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const path: string[] = [];
  for (let c: Command | null = running; c; c = c.parent) path.unshift(c.name());
  const { message, exitCode } = describeError(err, path.join(' '));
  const verbose = Boolean(program.opts().verbose) || debugRequested(process.env);
  if (message) process.stderr.write(`${message}\n`);
  if (verbose && exitCode !== 0 && message) process.stderr.write(`${errorDetails(err)}\n`);
  process.exitCode = exitCode;
}
