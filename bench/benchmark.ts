/** The shape every benchmark module has: main.ts runs them by name, times them and collects their figures. */
import type { Figure } from './report.js';

export interface BenchContext {
  /** Smaller sizes and shorter runs: a smoke test of the suite, not figures to quote. */
  quick: boolean;
  log(message: string): void;
}

export interface BenchmarkOutput {
  figures: Figure[];
  notes: string[];
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchmarkOutput>;
}

export const MB = 1024 * 1024;
