/**
 * `npm run bench [-- --only http,errors] [--quick] [--json] [--out file.md]`: runs the benchmark suite, prints
 * a table (or the results as JSON) and writes bench/results.json; a full run of every benchmark also writes
 * bench/results.md, the committed record. Progress goes to stderr. Exit code 1 when a benchmark failed to run
 * (a missed goal is a result, not a failure).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { machineInfo, repoRoot } from './machine.js';
import { renderResultsMarkdown, renderTerminal, type BenchmarkResult, type SuiteResult } from './report.js';
import { BENCHMARKS, parseOnly } from './suite.js';

interface Options {
  only?: string[];
  quick: boolean;
  json: boolean;
  out?: string;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('npm run bench --')
    .description('Benchmark suite of tc9-observability: each figure against a baseline measured in the same run, with its goal.')
    .option('--only <names>', `comma-separated benchmarks to run (${BENCHMARKS.map((b) => b.name).join(', ')})`, parseOnly)
    .option('--quick', 'smaller sizes and shorter runs: a smoke test of the suite', false)
    .option('--json', 'print the results as JSON instead of the table', false)
    .option('--out <file>', 'write the Markdown report here (default: bench/results.md, on a full run of all benchmarks only)')
    .parse(argv);
  const options = program.opts<Options>();
  const selected = options.only ? BENCHMARKS.filter((b) => options.only!.includes(b.name)) : BENCHMARKS;
  const log = (message: string) => process.stderr.write(`${message}\n`);

  const machine = machineInfo();
  const started = performance.now();
  const benchmarks: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    log(`== ${benchmark.name}: ${benchmark.title}${options.quick ? ' (quick)' : ''}`);
    const t0 = performance.now();
    try {
      const output = await benchmark.run({ quick: options.quick, log });
      benchmarks.push({ name: benchmark.name, title: benchmark.title, ...output, seconds: (performance.now() - t0) / 1000 });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${benchmark.name} failed: ${message}`);
      benchmarks.push({
        name: benchmark.name,
        title: benchmark.title,
        figures: [],
        notes: [],
        seconds: (performance.now() - t0) / 1000,
        error: message.split('\n')[0]!,
      });
    }
  }
  machine.loadAverageEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const suite: SuiteResult = { machine, quick: options.quick, seconds: (performance.now() - started) / 1000, benchmarks };

  const root = repoRoot();
  writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(suite, null, 2)}\n`);
  const complete = !options.quick && selected.length === BENCHMARKS.length;
  const out = options.out !== undefined ? resolve(options.out) : complete ? join(root, 'bench/results.md') : undefined;
  if (out) writeFileSync(out, renderResultsMarkdown(suite));

  process.stdout.write(options.json ? `${JSON.stringify(suite, null, 2)}\n` : `${renderTerminal(suite)}\n`);
  log(
    out
      ? `wrote ${out} and bench/results.json`
      : 'wrote bench/results.json (bench/results.md is written by a full run of all benchmarks, or pass --out)',
  );
  return benchmarks.some((b) => b.error !== undefined) ? 1 : 0;
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
