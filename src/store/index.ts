/** The ClickHouse store: backends, schema migration, embedded exporters, GDPR, users. */
export { StoreError, type QueryParams, type SharedColumns, type Store, type StoreKind } from './store.js';
export { createStore } from './create-store.js';
export { ChdbStore, type ChdbStoreOptions } from './chdb-store.js';
export { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.js';
export { BatchWriter, type BatchWriterOptions, type WriterStats } from './writer.js';
export {
  migrate,
  loadMigrations,
  planMigrations,
  defaultSchemaDir,
  MigrationError,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
} from './migrate.js';
export { DEFAULT_RETENTION, validateRetention, type RetentionConfig } from './retention.js';
export { applyUsers, userStatements, type StoreUsers } from './users.js';
export { createStoreExporters, type StoreExporters } from './exporters.js';
export { exportUser, deleteUser, hashUserId, USER_DATA, type UserExport, type UserDeletion } from './gdpr.js';
