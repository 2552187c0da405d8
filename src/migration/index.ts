export { MigrationRun, startMigrationRun, trackMigrationRun } from './run.js';
export { MigrationPhase } from './phase.js';
export type { MigrationProgress, MigrationRunMeta, MigrationRunOptions, PhaseOutcome, RunOutcome } from './types.js';
