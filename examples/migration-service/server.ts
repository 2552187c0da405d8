/**
 * Entry point: `node dist/examples/migration-service/server.js` (with `--import tc9-observability/register` to
 * observe it). Environment: DATABASE_URL, PORT (0 = any free port), HOST, API_LATENCY_MS. When ready it prints
 * exactly one line to stdout, {"event":"listening","port":<n>}; on SIGTERM or SIGINT it closes and exits 0.
 */
import { startServer } from './app.js';
import { loadServiceConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadServiceConfig(process.env);
  const service = await startServer(config);
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: service.port })}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`migration-service: error while closing on ${signal}: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`migration-service: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
