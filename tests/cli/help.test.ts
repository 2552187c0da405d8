/** Every command answers --help (exit 0); wrong calls are usage errors (exit 2). */
import { describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './cli.js';

ensureBuilt();

const COMMANDS: Array<[string[], RegExp[]]> = [
  [
    [],
    [
      /^Usage: tc9-obs \[options\] \[command\]/,
      /^ {2}db\b/m,
      /^ {2}report\b/m,
      /^ {2}doctor\b/m,
      /^ {2}gdpr\b/m,
      /^ {2}dashboards\b/m,
      /^ {2}demo\b/m,
    ],
  ],
  [['db'], [/^ {2}migrate\b/m, /^ {2}users\b/m]],
  [
    ['db', 'migrate'],
    [/--cluster <name>/, /--dry-run/],
  ],
  [
    ['db', 'users'],
    [/CLICKHOUSE_WRITER_PASSWORD/, /--dry-run/],
  ],
  [
    ['report'],
    [/--data-dir <dir>/, /--since <when>/, /--until <when>/, /--service <name>/, /--format <format>[\s\S]*choices: "table",\s+"json"/],
  ],
  // The timeout is given as a duration, and its default is shown as one (not as milliseconds).
  [['doctor'], [/--timeout <duration>/, /OTLP collector/, /\(default: 2s\)/]],
  [['gdpr'], [/^ {2}export\b/m, /^ {2}delete\b/m, /^ {2}users\b/m]],
  [
    ['gdpr', 'users'],
    [/--since <when>/, /--until <when>/, /--format <format>/, /--data-dir <dir>/],
  ],
  [
    ['gdpr', 'export'],
    [/--user <id>/, /--out <file>/, /exit code 3/i],
  ],
  [
    ['gdpr', 'delete'],
    [/--user <id>/, /--yes/, /--by <actor>/],
  ],
  [['dashboards', 'build'], [/--check/]],
  [['demo'], [/--duration <seconds>/, /--users <n>/, /--out <dir>/, /--no-browser/]],
];

describe('tc9-obs --help', () => {
  it.each(COMMANDS)('tc9-obs %j --help', async (command, patterns) => {
    const r = await runCli([...command, '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: tc9-obs ${command.join(' ')}`.replace(/ $/, ''));
    for (const p of patterns) expect(r.stdout).toMatch(p);
  });

  it('prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('usage errors exit 2', () => {
  it.each([[['nonsense']], [['db']], [['report', '--bogus']], [['demo', '--users', '0']], [['demo', '--duration', 'long']]])(
    'tc9-obs %j',
    async (args) => {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
