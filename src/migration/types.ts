/** What describes a migration run; all optional but the migration id. */
export interface MigrationRunMeta {
  /** The migration (the configured job) this run executes. */
  migrationId: string;
  /** This execution; a random UUID when not given. */
  runId?: string;
  sourceOrg?: string;
  targetOrg?: string;
  /** The migration template, e.g. "accounts-and-contacts". */
  template?: string;
  /** Records each phase is expected to handle; enables progress fraction and ETA. */
  totalRecords?: number;
  /** Expected phase names in order (e.g. ['extract', 'transform', 'load']); enables run-wide progress. */
  phases?: readonly string[];
  /** Who started it and for which organisation (segmentation in the dashboards). */
  userId?: string;
  orgId?: string;
}

export interface MigrationRunOptions {
  /**
   * Records between two batch checkpoints, where counts go to the metrics and progress may go to the
   * span. Default 1000; per-record calls in between only add to plain numbers.
   */
  batchSize?: number;
  /** Least time between two progress updates of the spans' attributes. Default 1000 ms. */
  progressIntervalMs?: number;
  /**
   * 'new-trace' (default): the run span starts a trace of its own, linked to the active span (a run
   * usually outlives the request that started it). 'active': the run span is a child of the active span.
   */
  parent?: 'new-trace' | 'active';
}

export type RunOutcome = 'succeeded' | 'failed' | 'cancelled';
export type PhaseOutcome = 'succeeded' | 'failed';

export interface MigrationProgress {
  runId: string;
  /** The phase running now (or the last one, between phases). */
  phase: string | undefined;
  /** Records the current phase has processed. */
  processed: number;
  /** Records failed in any phase of the run. */
  failed: number;
  total: number | undefined;
  /** 0..1 across the expected phases when `phases` was given, else within the current phase; undefined without a total. */
  fraction: number | undefined;
  /** Processed plus failed records per second in the current phase. */
  recordsPerSecond: number;
  /** Estimated seconds left; undefined without a total or before any record. */
  etaSeconds: number | undefined;
  elapsedMs: number;
  ended: boolean;
}
