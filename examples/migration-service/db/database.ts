import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

/** The service's database handles: one pg pool, shared by the schema step and Prisma's driver adapter. */
export interface Database {
  pool: pg.Pool;
  prisma: PrismaClient;
  /** Disconnects Prisma, then ends the pool. Safe to call twice. */
  close(): Promise<void>;
}

export function openDatabase(connectionString: string, options: { maxConnections?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 10 });
  // An idle client losing its connection (database restart) must not crash the service; the next query reconnects.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closing: Promise<void> | undefined;
  return {
    pool,
    prisma,
    close: () => {
      closing ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })();
      return closing;
    },
  };
}
