/**
 * A ClickHouse HTTP interface (the one on port 8123) in front of chDB, so that real ClickHouse clients (the
 * collector's clickhouse exporter and the Grafana plugin's backend, both clickhouse-go v2 over `http://`) can
 * run against the tables of a test store without a ClickHouse server.
 *
 * What it answers, and why it looks the way it does (clickhouse-go v2.47.0, conn_http*.go, which the contrib
 * clickhouse exporter v0.161-v0.165 pins):
 * - Every new connection first sends `SELECT displayName(), version(), revision(), timezone()` and decodes the
 *   answer as a Native block at its own protocol revision (`client_protocol_version` in the URL, 54460): a
 *   block info header and a "custom serialization" byte per column. Later answers are decoded at the revision
 *   the server reported. chDB writes Native with neither (what revision 0 means: it has no client revision),
 *   so the hello answer is built here in the client's layout and reports revision 0; from then on chDB's
 *   Native passes through unchanged. (A real server would keep using the client's revision; the client
 *   handles both, see Block.Decode in lib/proto/block.go.)
 * - Queries come as the POST body (or `query` in the URL); the output format is the query's FORMAT clause,
 *   else `default_format` (clickhouse-go sends Native), else TabSeparated, as ClickHouse does.
 * - A batch insert is `?query=INSERT INTO "db"."t" (cols) FORMAT Native` with one Native block (revision 0)
 *   as the body, gzip/deflate/br as Content-Encoding or none. ClickHouse's own lz4/zstd block framing
 *   (`compress=1`/`decompress=1`) is refused with an error that says so: set the client's compression to
 *   gzip or none.
 * - Other URL parameters are settings (applied with SET for the one request, then reset), `param_<name>`
 *   are query parameters. `async_insert`/`wait_for_async_insert` are ignored: every insert here is
 *   synchronous, which is what a test wants (rows are there when the client hears 200).
 * - Errors: a non-200 status chosen as ClickHouse chooses it, body `Code: N. DB::Exception: ...`, and the
 *   `X-ClickHouse-Exception-Code` header.
 * - Any user and password are accepted (the user is recorded per request).
 *
 * chDB's Node binding returns a query's raw bytes (`ChdbResult.bytes()`), so binary Native comes straight
 * out; Native input goes through a temp file read by `INSERT ... FROM INFILE`. The front opens its own chDB
 * session on the store's data directory (sessions on one directory share the engine and its tables) and
 * runs one statement at a time on it: the exporter sends from several queue consumers at once, and settings
 * applied with SET must not leak between requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync, inflateSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import type { Session } from 'chdb';
import type { ChdbStore } from '../../src/store/chdb-store.js';

export interface ClickHouseFrontRequest {
  /** The statement as received (an insert's data is not included). */
  query: string;
  status: number;
  /** The error text sent to the client, for a non-200 status. */
  error?: string;
  /** Basic-auth or X-ClickHouse-User user, when the client sent one. */
  user?: string;
  /** Rows an INSERT wrote (from chDB's summary), when known. */
  rows?: number;
  /** The request body's Content-Encoding, when it had one (gzip, deflate, br). */
  encoding?: string;
}

export interface ClickHouseFront {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The store's database: the default database of requests that name none. */
  database: string;
  /** Every request answered so far, in order (the /ping and GET / health checks included). */
  requests: ClickHouseFrontRequest[];
  close(): Promise<void>;
}

export interface ClickHouseFrontOptions {
  store: ChdbStore;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /**
   * The revision the hello answer reports (default 0, the one at which chDB's Native output decodes). Only
   * for showing that another value breaks clients: they then expect block info chDB does not write.
   */
  helloRevision?: number;
}

/** ClickHouse error codes used by the front itself. */
const CODE = {
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  UNKNOWN_FORMAT: 73,
  CANNOT_DECOMPRESS: 271,
  UNKNOWN_EXCEPTION: 1002,
} as const;

/** URL parameters that are not settings (ClickHouse's HTTPHandler reserves the same names). */
const RESERVED_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'user',
  'password',
  'quota_key',
  'query_id',
  'stacktrace',
  'role',
  'session_id',
  'session_timeout',
  'session_check',
  'client_protocol_version',
  'close_session',
  'compress',
  'decompress',
]);

/** Settings without meaning here: inserts are always synchronous in the front. */
const IGNORED_SETTINGS = new Set(['async_insert', 'wait_for_async_insert', 'async_insert_busy_timeout_ms']);

/** As ClickHouse's exceptionCodeToHTTPStatus: bad input is 400, unknown objects 404, auth 401/403, else 500. */
function httpStatus(code: number): number {
  if ([192, 193, 194, 195, 516].includes(code)) return 401; // unknown user, wrong password, auth failed
  if ([164, 291, 497].includes(code)) return 403; // readonly, database access denied, access denied
  if ([60, 81, 83, 85, 157, 247].includes(code)) return 404; // unknown table/database/..., not found
  if (code === CODE.NOT_IMPLEMENTED) return 501;
  const badRequest = [
    6, 16, 26, 27, 32, 33, 35, 36, 38, 41, 42, 43, 44, 46, 47, 50, 53, 62, 69, 70, 72, 73, 115, 117, 130, 131, 179, 184, 190, 271, 352, 386,
    457,
  ];
  if (badRequest.includes(code)) return 400;
  return 500;
}

class FrontError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`Code: ${code}. DB::Exception: ${message}`);
  }
}

/** A chDB error carries the engine's own text (`Code: N. DB::Exception: ... (NAME)`) and code. */
function toFrontError(err: unknown): FrontError {
  if (err instanceof FrontError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const fromEngine = (err as { clickhouseCode?: unknown }).clickhouseCode;
  const code = typeof fromEngine === 'number' ? fromEngine : Number(/^Code: (\d+)\./.exec(message)?.[1] ?? CODE.UNKNOWN_EXCEPTION);
  const text = message.replace(/^Code: \d+\. DB::Exception: /, '');
  return new FrontError(code, text);
}

export async function startClickHouseFront(options: ClickHouseFrontOptions): Promise<ClickHouseFront> {
  const { store } = options;
  const chdb = createRequire(import.meta.url)('chdb') as typeof import('chdb');
  let session: Session | undefined = new chdb.Session(store.dataDir);
  // Under the data directory: chDB reads files it is given by absolute path, and the directory exists.
  const spool = mkdtempSync(join(store.dataDir, 'tc9-front-'));
  let spooled = 0;
  const requests: ClickHouseFrontRequest[] = [];

  // One statement at a time on the session (see the header comment).
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: (s: Session) => Promise<T>): Promise<T> {
    const next = queue.then(() => {
      if (!session) throw new FrontError(CODE.UNKNOWN_EXCEPTION, 'the ClickHouse front is closed');
      return work(session);
    });
    queue = next.catch(() => undefined);
    return next;
  }

  const hello = JSON.parse(
    (
      await serial((s) => s.queryAsync('SELECT displayName() AS name, version() AS version, timezone() AS tz', { format: 'JSONEachRow' }))
    ).text(),
  ) as { name: string; version: string; tz: string };

  async function handle(req: IncomingMessage, res: ServerResponse, entry: ClickHouseFrontRequest): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front');
    entry.user = userOf(req);
    const path = url.pathname;
    if (path === '/ping' || (path === '/' && (req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query'))) {
      entry.query = req.method === 'HEAD' ? `HEAD ${path}` : `GET ${path}`;
      send(res, 200, 'Ok.\n', 'text/plain; charset=UTF-8');
      return;
    }
    if (path !== '/') throw new FrontError(CODE.NOT_IMPLEMENTED, `the ClickHouse front serves / and /ping, not ${path}`);

    const params = url.searchParams;
    const body = await readBody(req);
    if (params.get('decompress') === '1') {
      // The body is in ClickHouse's block framing; only the query parameter can be shown.
      entry.query = params.get('query') ?? '';
      throw new FrontError(
        CODE.CANNOT_DECOMPRESS,
        "ClickHouse's native lz4/zstd block compression of the request (decompress=1) is not supported by the ClickHouse front over chDB: set the client's compression to gzip, deflate, br or none",
      );
    }
    if (req.headers['content-encoding']) entry.encoding = req.headers['content-encoding'];
    const data = decodeBody(body, req.headers['content-encoding']);

    // The query is the `query` parameter followed by the body, unless the parameter is an INSERT ... FORMAT,
    // whose data the body is (as ClickHouse reads it).
    const queryParam = params.get('query');
    let query: string;
    let insertData: Buffer | undefined;
    if (queryParam !== null && data.length > 0 && INSERT_FORMAT.test(queryParam)) {
      query = queryParam;
      insertData = data;
    } else if (queryParam !== null) {
      query = data.length > 0 ? `${queryParam}\n${data.toString('utf8')}` : queryParam;
    } else {
      query = data.toString('utf8');
    }
    entry.query = query;
    if (!query.trim()) throw new FrontError(CODE.BAD_ARGUMENTS, 'Empty query');
    if (params.get('compress') === '1') {
      throw new FrontError(
        CODE.CANNOT_DECOMPRESS,
        "ClickHouse's native lz4/zstd block compression of the response (compress=1) is not supported by the ClickHouse front over chDB: set the client's compression to gzip, deflate, br or none",
      );
    }
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      throw new FrontError(CODE.NOT_IMPLEMENTED, 'external tables (multipart/form-data) are not supported by the ClickHouse front');
    }

    const database = params.get('database') || store.database;
    const settings: Array<[string, string]> = [];
    const bind: Record<string, string> = {};
    for (const [name, value] of params) {
      if (name.startsWith('param_')) bind[name.slice('param_'.length)] = value;
      else if (!RESERVED_PARAMS.has(name) && !IGNORED_SETTINGS.has(name)) settings.push([name, value]);
    }
    const defaultFormat = params.get('default_format') || 'TabSeparated';

    if (isHello(query)) {
      const revision = Number(params.get('client_protocol_version') ?? 0);
      send(res, 200, helloBlock(hello, revision, options.helloRevision ?? 0), 'application/octet-stream', {
        'X-ClickHouse-Format': 'Native',
      });
      return;
    }

    const output = await serial(async (s) => {
      await s.queryAsync(`USE ${quoteIdentifier(database)}`, { format: 'TabSeparated' });
      for (const [name, value] of settings)
        await s.queryAsync(`SET ${quoteIdentifier(name)} = ${settingValue(value)}`, { format: 'TabSeparated' });
      try {
        if (insertData) {
          const file = join(spool, `${++spooled}.bin`);
          await writeFile(file, insertData);
          try {
            const match = INSERT_FORMAT.exec(query)!;
            const sql = `${match[1]} FROM INFILE ${quoteString(file)} FORMAT ${match[2]}`;
            const result = await s.queryAsync(sql, { format: 'TabSeparated' });
            entry.rows = result.rowsRead;
            return { bytes: new Uint8Array(), format: match[2]! };
          } finally {
            await rm(file, { force: true });
          }
        }
        const format = formatOf(query) ?? defaultFormat;
        const result =
          Object.keys(bind).length > 0 ? await s.queryBindAsync(query, bind, { format }) : await s.queryAsync(query, { format });
        return { bytes: result.bytes(), format };
      } finally {
        for (const [name] of settings)
          await s.queryAsync(`SET ${quoteIdentifier(name)} = DEFAULT`, { format: 'TabSeparated' }).catch(() => undefined);
      }
    });

    let payload: Uint8Array = output.bytes;
    const headers: Record<string, string> = { 'X-ClickHouse-Format': output.format, 'X-ClickHouse-Timezone': hello.tz };
    // Like ClickHouse: the answer is compressed only when asked for with enable_http_compression=1.
    const accepts = String(req.headers['accept-encoding'] ?? '');
    if (params.get('enable_http_compression') === '1' && /\bgzip\b/.test(accepts) && payload.length > 0) {
      payload = gzipSync(payload);
      headers['Content-Encoding'] = 'gzip';
    }
    send(res, 200, payload, contentType(output.format), headers);
  }

  const server = createServer((req, res) => {
    const entry: ClickHouseFrontRequest = { query: '', status: 0 };
    requests.push(entry);
    handle(req, res, entry)
      .then(() => {
        entry.status = res.statusCode;
      })
      .catch((err: unknown) => {
        const error = toFrontError(err);
        entry.status = httpStatus(error.code);
        entry.error = error.message;
        if (res.headersSent) {
          res.destroy();
          return;
        }
        send(res, entry.status, `${error.message} (version ${hello.version})\n`, 'text/plain; charset=UTF-8', {
          'X-ClickHouse-Exception-Code': String(error.code),
        });
      });
  });
  // The exporter keeps connections open between pushes; do not let Node's defaults cut them mid-batch.
  server.keepAliveTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    database: store.database,
    requests,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queue;
      session?.close();
      session = undefined;
      rmSync(spool, { recursive: true, force: true });
    },
  };
}

/** `INSERT INTO <target and columns> FORMAT <name>` with nothing after the format name. */
const INSERT_FORMAT = /^\s*(INSERT\s+INTO\s+[\s\S]+?)\s+FORMAT\s+(\w+)\s*;?\s*$/i;

function isHello(query: string): boolean {
  return /^\s*SELECT\s+displayName\(\),\s*version\(\),\s*revision\(\),\s*timezone\(\)\s*;?\s*$/i.test(query);
}

/** The query's own trailing FORMAT clause, which ClickHouse prefers over default_format. */
function formatOf(query: string): string | undefined {
  return /\bFORMAT\s+(\w+)\s*;?\s*$/i.exec(query)?.[1];
}

function contentType(format: string): string {
  if (/^(Native|RowBinary\w*|Parquet|Arrow\w*|ORC|Avro)$/i.test(format)) return 'application/octet-stream';
  if (/^(JSON\w*)$/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TSV\w*|TabSeparated\w*)$/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV\w*$/i.test(format)) return 'text/csv; charset=UTF-8; header=absent';
  return 'text/plain; charset=UTF-8';
}

/**
 * The hello answer as a Native block in the layout of the client's revision: a block info header when the
 * revision is > 0 and a custom-serialization byte per column from 54454 (ClickHouse's NativeWriter does the
 * same). It reports revision 0 so the client decodes chDB's plain Native from then on.
 */
export function helloBlock(hello: { name: string; version: string; tz: string }, clientRevision: number, reported = 0): Buffer {
  const out: Buffer[] = [];
  const uvarint = (n: number) => {
    const bytes: number[] = [];
    do {
      let b = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      bytes.push(b);
    } while (n > 0);
    out.push(Buffer.from(bytes));
  };
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    uvarint(b.length);
    out.push(b);
  };
  if (clientRevision > 0) {
    // BlockInfo: field 1 is_overflows = false, field 2 bucket_num = -1, end marker 0.
    uvarint(1);
    out.push(Buffer.from([0]));
    uvarint(2);
    const bucket = Buffer.alloc(4);
    bucket.writeInt32LE(-1);
    out.push(bucket);
    uvarint(0);
  }
  uvarint(4); // columns
  uvarint(1); // rows
  const custom = clientRevision >= 54454;
  const column = (name: string, type: string, value: Buffer) => {
    str(name);
    str(type);
    if (custom) out.push(Buffer.from([0]));
    out.push(value);
  };
  const strValue = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len: number[] = [];
    let n = b.length;
    do {
      let x = n & 0x7f;
      n = Math.floor(n / 128);
      if (n > 0) x |= 0x80;
      len.push(x);
    } while (n > 0);
    return Buffer.concat([Buffer.from(len), b]);
  };
  const revision = Buffer.alloc(4);
  revision.writeUInt32LE(reported);
  column('displayName()', 'String', strValue(hello.name));
  column('version()', 'String', strValue(hello.version));
  column('revision()', 'UInt32', revision);
  column('timezone()', 'String', strValue(hello.tz));
  return Buffer.concat(out);
}

function userOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0];
  const header = req.headers['x-clickhouse-user'];
  if (typeof header === 'string') return header;
  return new URL(req.url ?? '/', 'http://front').searchParams.get('user') ?? undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  if (body.length === 0 || !encoding || encoding === 'identity') return body;
  try {
    switch (encoding.toLowerCase()) {
      case 'gzip':
      case 'x-gzip':
        return gunzipSync(body);
      case 'deflate':
        return inflateSync(body);
      case 'br':
        return brotliDecompressSync(body);
    }
  } catch (err) {
    throw new FrontError(CODE.CANNOT_DECOMPRESS, `cannot decompress the ${encoding} request body: ${(err as Error).message}`);
  }
  throw new FrontError(
    CODE.UNKNOWN_FORMAT,
    `Content-Encoding ${encoding} is not supported by the ClickHouse front (gzip, deflate, br or none)`,
  );
}

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(payload.byteLength), ...headers });
  res.end(payload);
}

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Numbers as they are, everything else as a string literal (ClickHouse converts it to the setting's type). */
function settingValue(value: string): string {
  return /^-?\d+(\.\d+)?$/.test(value) ? value : quoteString(value);
}
