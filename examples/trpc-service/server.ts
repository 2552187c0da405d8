/**
 * `node --import tc9-observability/register dist/examples/trpc-service/server.js`: the tRPC router over Node's
 * HTTP server (tRPC's standalone adapter), the caller read from the x-user-id and x-session-id headers.
 * Prints {"event":"listening","port":N} once it listens (PORT, default 0: a free port).
 */
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { appRouter, type Context } from './router.js';

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const server = createHTTPServer({
  router: appRouter,
  createContext: ({ req }): Context => ({ userId: header(req.headers['x-user-id']), sessionId: header(req.headers['x-session-id']) }),
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});
