/** `tc9-obs doctor`: a checklist of what the configuration points at, with a fix for each failure. */
import { Option, type Command } from 'commander';
import { formatChecks, runDoctor } from '../doctor.js';
import { parseTimeout } from '../options.js';

interface DoctorFlags {
  timeout: number;
  json?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the configuration, the OTLP collector, the ClickHouse store and Sentry; exit 1 if any check fails')
    // The value is kept in milliseconds; its default is shown as the user would write it.
    .addOption(
      new Option('--timeout <duration>', 'timeout of each network check (2s, 500ms, or seconds)')
        .argParser(parseTimeout)
        .default(2000, '2s'),
    )
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nChecks, from the same environment the SDK reads:\n' +
        '  configuration     every variable valid (each bad one named, with what it accepts)\n' +
        '  OTLP collector    an empty OTLP/HTTP export to OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is accepted\n' +
        '  ClickHouse store  CLICKHOUSE_URL answers, or the chDB dir (TC9_DATA_DIR) is writable; schema migrated\n' +
        '  Sentry            SENTRY_DSN is a valid DSN and its host answers (unset: a warning)',
    )
    .action(async (flags: DoctorFlags) => {
      const results = await runDoctor(process.env, { timeoutMs: flags.timeout });
      process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : formatChecks(results));
      process.exitCode = results.some((r) => r.status === 'fail') ? 1 : 0;
    });
}
