/**
 * The demo's PostgreSQL: DATABASE_URL when set; otherwise an embedded one, PGlite (PostgreSQL compiled to
 * WebAssembly) served over the PostgreSQL wire protocol on a free local port, so pg and Prisma connect to
 * it unchanged. It runs in a worker thread (postgres-worker.ts). Its data stays under the demo directory,
 * which makes later starts fast (no initdb).
 */
import { Worker } from 'node:worker_threads';

export interface DemoDatabase {
  url: string;
  /**
   * Connections the service may open: PGlite is one PostgreSQL session behind the socket, and messages of
   * two connections can interleave there (an unnamed portal of one lost to the other), so one for it.
   */
  maxConnections: number | undefined;
  /** 'embedded (PGlite) at <dir>' or 'DATABASE_URL'. */
  description: string;
  close(): Promise<void>;
}

/** The service's one connection, and one more for a look with psql while the demo runs. */
const MAX_CONNECTIONS = 2;

export async function openDemoDatabase(configuredUrl: string | undefined, dataDir: string): Promise<DemoDatabase> {
  if (configuredUrl) return { url: configuredUrl, description: 'DATABASE_URL', maxConnections: undefined, close: async () => undefined };

  const worker = new Worker(new URL('./postgres-worker.js', import.meta.url), { workerData: { dataDir, maxConnections: MAX_CONNECTIONS } });
  worker.unref();
  const started = await new Promise<{ url?: string; error?: string }>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (err) => resolve({ error: err.message }));
    worker.once('exit', (code) => resolve({ error: `the database thread exited (${code})` }));
  });
  if (!started.url) {
    await worker.terminate();
    throw new Error(`demo: could not start the embedded PostgreSQL (PGlite) in ${dataDir}: ${started.error ?? 'unknown error'}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: started.url,
    maxConnections: 1,
    description: `embedded PostgreSQL (PGlite) in ${dataDir}`,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.once('message', () => resolve());
        });
        worker.postMessage('stop');
        // Bounded: a database thread that does not answer is ended.
        await Promise.race([stopped, new Promise((r) => setTimeout(r, 5_000).unref())]);
        await worker.terminate();
      })()),
  };
}
