/**
 * Worker thread of the embedded PostgreSQL: PGlite executes queries on the thread it lives on, so it gets
 * a thread of its own and the service's event loop stays free for requests. Posts { url } when listening
 * or { error }; on the message 'stop' it stops the socket server, closes the database and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rm } from 'node:fs/promises';

const { dataDir, maxConnections } = workerData as { dataDir: string; maxConnections: number };

async function main(): Promise<void> {
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create({ dataDir });
  } catch {
    // A directory left broken by an interrupted first start: start over (it only holds demo data).
    await rm(dataDir, { recursive: true, force: true });
    db = await PGlite.create({ dataDir });
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  parentPort!.on('message', (message) => {
    if (message !== 'stop') return;
    void (async () => {
      await server.stop().catch(() => undefined);
      await db.close().catch(() => undefined);
      parentPort!.postMessage({ stopped: true });
      parentPort!.close();
    })();
  });
  parentPort!.postMessage({ url: `postgres://postgres@${server.getServerConn()}/postgres` });
}

main().catch((err: unknown) => parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) }));
