-- Schema of the reference migration service (TC9 Migration Tool), PostgreSQL 13+.
-- Applied at every service start, so each statement is idempotent. prisma/schema.prisma mirrors it; a test
-- checks the two agree. Enum types are created inside DO blocks because CREATE TYPE has no IF NOT EXISTS.

DO $$ BEGIN
  CREATE TYPE org_type AS ENUM ('production', 'sandbox', 'developer', 'scratch');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE run_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE migration_phase AS ENUM ('extract', 'transform', 'load');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

DO $$ BEGIN
  CREATE TYPE phase_status AS ENUM ('running', 'succeeded', 'failed');
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

-- A connected Salesforce organisation (source or target of migrations).
CREATE TABLE IF NOT EXISTS organisations (
  id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name         VARCHAR(200) NOT NULL,
  type         org_type NOT NULL,
  instance_url TEXT,
  created_at   TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);

-- What to migrate: from one organisation to another, optionally following a template (e.g. "accounts-contacts").
CREATE TABLE IF NOT EXISTS migration_projects (
  id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  name          VARCHAR(200) NOT NULL,
  source_org_id UUID NOT NULL REFERENCES organisations (id),
  target_org_id UUID NOT NULL REFERENCES organisations (id),
  template      VARCHAR(100),
  created_at    TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS migration_projects_source_org_id_idx ON migration_projects (source_org_id);
CREATE INDEX IF NOT EXISTS migration_projects_target_org_id_idx ON migration_projects (target_org_id);

-- One execution of a project. records_processed counts records loaded into the target, records_failed those
-- rejected in any phase. batch_size, failure_rate, seed and fail_at are the simulation's inputs, kept so a run
-- can be reproduced.
CREATE TABLE IF NOT EXISTS migration_runs (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id        UUID NOT NULL REFERENCES migration_projects (id) ON DELETE CASCADE,
  status            run_status NOT NULL DEFAULT 'queued',
  records_total     INTEGER NOT NULL CHECK (records_total >= 0),
  records_processed INTEGER NOT NULL DEFAULT 0 CHECK (records_processed >= 0),
  records_failed    INTEGER NOT NULL DEFAULT 0 CHECK (records_failed >= 0),
  batch_size        INTEGER NOT NULL CHECK (batch_size > 0),
  failure_rate      DOUBLE PRECISION NOT NULL CHECK (failure_rate >= 0 AND failure_rate <= 1),
  seed              INTEGER NOT NULL,
  fail_at           migration_phase,
  error             TEXT,
  created_at        TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  started_at        TIMESTAMPTZ(3),
  finished_at       TIMESTAMPTZ(3)
);
CREATE INDEX IF NOT EXISTS migration_runs_project_id_created_at_idx ON migration_runs (project_id, created_at);
CREATE INDEX IF NOT EXISTS migration_runs_status_idx ON migration_runs (status);

-- One row per phase of a run, written when the phase starts and updated after every batch, so a running run
-- shows its progress. records_in is what the phase received: the run's total for extract, the previous phase's
-- processed records after that. failure_reasons counts failed records by status code.
CREATE TABLE IF NOT EXISTS migration_phase_results (
  id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id            UUID NOT NULL REFERENCES migration_runs (id) ON DELETE CASCADE,
  phase             migration_phase NOT NULL,
  status            phase_status NOT NULL DEFAULT 'running',
  records_in        INTEGER NOT NULL CHECK (records_in >= 0),
  records_processed INTEGER NOT NULL DEFAULT 0 CHECK (records_processed >= 0),
  records_failed    INTEGER NOT NULL DEFAULT 0 CHECK (records_failed >= 0),
  failure_reasons   JSONB NOT NULL DEFAULT '{}',
  duration_ms       INTEGER,
  started_at        TIMESTAMPTZ(3) NOT NULL,
  finished_at       TIMESTAMPTZ(3)
);
CREATE UNIQUE INDEX IF NOT EXISTS migration_phase_results_run_id_phase_key ON migration_phase_results (run_id, phase);
