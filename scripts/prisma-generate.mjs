// Generates the reference service's Prisma client offline. `prisma generate` itself needs no engine, but the
// CLI insists on a schema-engine binary it would download; pointing it at an existing executable skips that.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const schema = 'examples/migration-service/prisma/schema.prisma';
if (!existsSync(schema)) process.exit(0);

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const r = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], { stdio: 'inherit', env });
if (r.status !== 0) process.exit(r.status ?? 1);

// The service applies db/schema.sql at start; tsc does not copy .sql files, so put it next to the compiled
// module that reads it, for images that ship dist/ alone.
const sql = 'examples/migration-service/db/schema.sql';
mkdirSync('dist/examples/migration-service/db', { recursive: true });
copyFileSync(sql, 'dist/examples/migration-service/db/schema.sql');
