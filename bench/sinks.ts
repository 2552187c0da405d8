/**
 * Stand-ins for the collector and Sentry that cost as little as possible: they read each request body,
 * answer 200 and forget it, so the benchmark measures the exporting app, not a receiver. They count what
 * arrived, to show telemetry really was exported.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sink {
  url: string;
  port: number;
  /** Requests received, by path. */
  requests: Map<string, number>;
  bytes: number;
  total(prefix?: string): number;
  /**
   * While true, OTLP/JSON trace bodies are decoded and their spans counted by instrumentation scope (off during
   * measurements: decoding would take CPU from the load generator).
   */
  countSpans: boolean;
  spansByScope: Map<string, number>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const requests = new Map<string, number>();
  const spansByScope = new Map<string, number>();
  const sink = { bytes: 0, countSpans: false };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      sink.bytes += chunk.length;
      if (sink.countSpans) chunks.push(chunk);
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      requests.set(path, (requests.get(path) ?? 0) + 1);
      if (sink.countSpans && path === '/v1/traces') countSpans(Buffer.concat(chunks), spansByScope);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get bytes() {
      return sink.bytes;
    },
    get countSpans() {
      return sink.countSpans;
    },
    set countSpans(on: boolean) {
      sink.countSpans = on;
    },
    spansByScope,
    total: (prefix = '/') => [...requests].filter(([p]) => p.startsWith(prefix)).reduce((n, [, c]) => n + c, 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface OtlpTraces {
  resourceSpans?: Array<{ scopeSpans?: Array<{ scope?: { name?: string }; spans?: unknown[] }> }>;
}

function countSpans(body: Buffer, into: Map<string, number>): void {
  try {
    const data = JSON.parse(body.toString('utf8')) as OtlpTraces;
    for (const rs of data.resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        const scope = ss.scope?.name ?? '(no scope)';
        into.set(scope, (into.get(scope) ?? 0) + (ss.spans?.length ?? 0));
      }
    }
  } catch {
    // Not JSON (e.g. protobuf): nothing to count.
  }
}

/** A port nothing listens on (bound once by the OS, then released): "the collector is down". */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
