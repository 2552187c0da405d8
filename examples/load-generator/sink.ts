/**
 * A local stand-in for outside receivers in the compose stack: Sentry's OTLP trace intake (what the collector's
 * tail-sampled traces pipeline sends) and Grafana's alert webhook. It accepts any POST, answers 200 and prints
 * one summary line per request, so the whole stack runs without a Sentry account or a chat workspace.
 * `node dist/examples/load-generator/sink.js` (PORT, default 4319). GET /health answers 200.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 4319);
let received = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', received }));
    return;
  }
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    received += 1;
    const auth = req.headers['x-sentry-auth'] ? ' (x-sentry-auth set)' : '';
    process.stdout.write(`sink: ${req.method} ${req.url} ${bytes} bytes ${req.headers['content-type'] ?? ''}${auth}\n`);
    // An empty 200 is a full success for OTLP/HTTP and Grafana's webhook notifier; a Slack webhook answers "ok".
    if (req.url?.startsWith('/slack')) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    else res.writeHead(200).end();
  });
  req.on('error', () => res.destroy());
});

server.listen(port, '0.0.0.0', () => process.stdout.write(`sink: listening on ${port}\n`));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)));
