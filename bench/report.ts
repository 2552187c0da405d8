/**
 * Benchmark results and how they are shown: every figure is a measured value next to a baseline measured in
 * the same run, their ratio, the goal and whether it was met. Rendered as a terminal table and as
 * bench/results.md. Pure functions over plain data, so tests can run them on real results.
 */
import type { MachineInfo } from './machine.js';
import { ratio as ratioOf } from './stats.js';

/** What a goal is checked on: the value itself, value / baseline, or value - baseline. */
export type GoalSubject = 'value' | 'ratio' | 'delta';

export interface Goal {
  /** As shown, e.g. "loss <= 2%". */
  text: string;
  on: GoalSubject;
  /** 'max': the subject must be at most `limit`; 'min': at least. */
  bound: 'max' | 'min';
  limit: number;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  /** What the baseline is, e.g. "without the layer". */
  baselineName: string;
  goal?: Goal;
  /** Shown in its benchmark's section only; the summary counts such figures in one row (e.g. one per dashboard panel). */
  detail?: boolean;
  /** Repeats one of the detail figures in the summary (e.g. the slowest panel): not counted twice by tally(). */
  highlight?: boolean;
}

export interface BenchmarkResult {
  /** Short name used by --only. */
  name: string;
  title: string;
  figures: Figure[];
  /** Context a reader needs: sizes, settings, caveats, secondary figures. */
  notes: string[];
  seconds: number;
  /** Set when the benchmark could not run; figures are then empty. */
  error?: string;
}

export interface SuiteResult {
  machine: MachineInfo;
  quick: boolean;
  seconds: number;
  benchmarks: BenchmarkResult[];
}

export type Verdict = 'pass' | 'miss' | 'n/a';

export interface EvaluatedFigure extends Figure {
  ratio: number;
  delta: number;
  verdict: Verdict;
}

export const goals = {
  max: (on: GoalSubject, limit: number, text: string): Goal => ({ on, bound: 'max', limit, text }),
  min: (on: GoalSubject, limit: number, text: string): Goal => ({ on, bound: 'min', limit, text }),
};

export function evaluate(figure: Figure): EvaluatedFigure {
  const ratio = ratioOf(figure.value, figure.baseline);
  const delta = figure.value - figure.baseline;
  let verdict: Verdict = 'n/a';
  if (figure.goal) {
    const subject = { value: figure.value, ratio, delta }[figure.goal.on];
    if (Number.isFinite(subject)) {
      const met = figure.goal.bound === 'max' ? subject <= figure.goal.limit : subject >= figure.goal.limit;
      verdict = met ? 'pass' : 'miss';
    } else verdict = 'miss';
  }
  return { ...figure, ratio, delta, verdict };
}

/** 1234567.8 -> "1,234,568"; small numbers keep significant decimals. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 2 : abs >= 0.01 ? 3 : 4;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatValue(n: number, unit: string): string {
  return unit ? `${formatNumber(n)} ${unit}` : formatNumber(n);
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(3)}x` : '-';
}

export const TABLE_HEADER = ['Benchmark', 'Figure', 'Value', 'Baseline', 'Ratio', 'Goal', 'Result'] as const;

/**
 * The summary: one row per figure (a failed benchmark gets one row naming its error); a benchmark's detail
 * figures are folded into one row with their verdicts counted.
 */
export function tableRows(results: readonly BenchmarkResult[]): string[][] {
  const rows: string[][] = [];
  for (const result of results) {
    if (result.error !== undefined) {
      rows.push([result.name, 'did not run', '-', '-', '-', '-', `error: ${result.error.split('\n')[0]}`]);
      continue;
    }
    const details = result.figures.filter((f) => f.detail).map(evaluate);
    for (const figure of result.figures.filter((f) => !f.detail).map(evaluate)) {
      rows.push([
        result.name,
        figure.name,
        formatValue(figure.value, figure.unit),
        `${formatValue(figure.baseline, figure.unit)} (${figure.baselineName})`,
        formatRatio(figure.ratio),
        figure.goal?.text ?? '-',
        figure.verdict,
      ]);
    }
    if (details.length > 0) {
      const count = (v: Verdict) => details.filter((d) => d.verdict === v).length;
      const goalsOf = [...new Set(details.map((d) => d.goal?.text ?? '-'))].join(', ');
      rows.push([
        result.name,
        `${details.length} detail figures (see the section)`,
        '-',
        '-',
        '-',
        goalsOf,
        `${count('pass')} pass, ${count('miss')} miss`,
      ]);
    }
  }
  return rows;
}

/** A fixed-width text table; columns as wide as their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.map(escapeCell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

export function tally(results: readonly BenchmarkResult[]): Record<Verdict | 'error', number> {
  const counts = { pass: 0, miss: 0, 'n/a': 0, error: 0 };
  for (const result of results) {
    if (result.error !== undefined) counts.error++;
    for (const figure of result.figures) if (!figure.highlight) counts[evaluate(figure).verdict]++;
  }
  return counts;
}

export function renderTerminal(suite: SuiteResult): string {
  const counts = tally(suite.benchmarks);
  return [
    formatTable(TABLE_HEADER, tableRows(suite.benchmarks)),
    '',
    `${counts.pass} pass, ${counts.miss} miss, ${counts['n/a']} without goal${counts.error ? `, ${counts.error} benchmark(s) failed` : ''}; ${suite.seconds.toFixed(0)} s${suite.quick ? ' (--quick)' : ''}`,
  ].join('\n');
}

/** bench/results.md: machine, summary, then each benchmark's figures and notes. */
export function renderResultsMarkdown(suite: SuiteResult): string {
  const m = suite.machine;
  const counts = tally(suite.benchmarks);
  const out: string[] = [
    '# Benchmark results',
    '',
    `Produced by \`npm run bench${suite.quick ? ' -- --quick' : ''}\` on ${m.date.slice(0, 10)} (${m.date}); the whole run took ${suite.seconds.toFixed(0)} s.`,
    suite.quick ? '**Quick run** (smaller sizes, a smoke test): figures are indicative only.' : 'Full run.',
    '',
    'Every figure is a ratio against a baseline measured in the same run, so it carries over to other machines better than the absolute values do.',
    '',
    '## Machine',
    '',
    markdownTable(
      ['', ''],
      [
        ['CPU', m.cpuModel],
        ['Cores', String(m.cores)],
        ['Memory', `${m.memoryGiB} GiB`],
        ['OS', m.os],
        ['Node.js', m.node],
        [
          'Load average (1/5/15 min)',
          `${m.loadAverage.join(' / ')} at the start${m.loadAverageEnd ? `, ${m.loadAverageEnd.join(' / ')} at the end` : ''}`,
        ],
        ...Object.entries(m.packages).map(([name, version]) => [name, version]),
      ],
    ),
    '',
    '## Summary',
    '',
    `${counts.pass} pass, ${counts.miss} miss, ${counts['n/a']} figures without a goal${counts.error ? `, ${counts.error} benchmark(s) failed to run` : ''}.`,
    '',
    markdownTable(TABLE_HEADER, tableRows(suite.benchmarks)),
    '',
  ];
  for (const result of suite.benchmarks) {
    out.push(`## ${result.title} (\`${result.name}\`, ${result.seconds.toFixed(0)} s)`, '');
    if (result.error !== undefined) out.push(`Did not run: ${result.error}`, '');
    if (result.figures.length > 0) {
      const rows = result.figures
        .map(evaluate)
        .map((f) => [
          f.name,
          formatValue(f.value, f.unit),
          formatValue(f.baseline, f.unit),
          f.baselineName,
          formatRatio(f.ratio),
          f.goal?.text ?? '-',
          f.verdict,
        ]);
      out.push(markdownTable(['Figure', 'Value', 'Baseline', 'Baseline is', 'Ratio', 'Goal', 'Result'], rows), '');
    }
    for (const note of result.notes) out.push(`- ${note}`);
    if (result.notes.length > 0) out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
