/**
 * The OTLP/HTTP exporters' network side, made to fit an app that must not wait on its telemetry:
 * - Every failed attempt is known at once (onAttemptFailed), not only after the exporter's retries (up to
 *   OTEL_EXPORTER_OTLP_TIMEOUT, 10 s by default): the first failure of an outage is reported within moments.
 * - Nothing of ours keeps the process alive: the connections (our own http.Agent) and the retry timers are
 *   unref'd. Whoever must wait for an export (shutdown, flush) waits with its own bounded timer.
 * - close() ends it at the shutdown deadline: exports in flight or waiting to retry are answered as failed
 *   at once (their data is dropped and counted; the log spool keeps log records), their connections are
 *   destroyed, and later exports fail at once.
 *
 * The retry policy is the OTel exporter's own (5 retries, backoff from 1 s by 1.5 up to 5 s with 20 % jitter,
 * Retry-After honoured, never past the export timeout). OTel builds that loop in (RetryingTransport) with
 * referenced timers and no way to stop it, so installOtlpTransport puts this one in its place, around the
 * exporter's own HTTP transport; when the exporter's inner shape is not the expected one (another OTel
 * version) it changes nothing and only the agent applies.
 */
import { diag } from '@opentelemetry/api';
import { Agent as HttpAgent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Duplex } from 'node:stream';

interface ExportResponse {
  status: 'success' | 'failure' | 'retryable';
  error?: Error;
  retryInMillis?: number;
  data?: Uint8Array;
}
interface ExporterTransport {
  send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse>;
  shutdown(): void;
}

const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;

type AgentLike = HttpAgent & { createConnection: (...args: unknown[]) => Duplex };

/** An agent whose sockets never hold the process open. */
function unrefAgent<T extends HttpAgent>(agent: T): T {
  const a = agent as unknown as AgentLike;
  const create = a.createConnection.bind(a);
  a.createConnection = (...args: unknown[]) => {
    const socket = create(...args) as Duplex & { unref?: () => void };
    socket?.unref?.();
    return socket;
  };
  const reuse = agent.reuseSocket.bind(agent);
  agent.reuseSocket = (socket, request: ClientRequest) => {
    reuse(socket, request);
    (socket as Duplex & { unref?: () => void }).unref?.();
  };
  return agent;
}

export class OtlpExportControl {
  /** Called with the error of every failed attempt (a refused connection, a timeout, an error status). */
  onAttemptFailed: ((error: Error) => void) | undefined;
  private readonly agents: HttpAgent[] = [];
  private readonly inFlight = new Set<(response: ExportResponse) => void>();
  private closedWith: Error | undefined;

  constructor(
    /** "traces export to http://collector:4318/v1/traces", as messages name it. */
    readonly what: string,
  ) {}

  /** For the exporter's httpAgentOptions (public OTel API): keep-alive connections that do not hold the process. */
  readonly agentFactory = (protocol: string): HttpAgent => {
    const agent = unrefAgent(protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }));
    this.agents.push(agent);
    return agent;
  };

  /**
   * Exports not done yet are answered as failed at once and their connections destroyed; later ones fail at
   * once. Returns how many exports were still in flight (or waiting to retry).
   */
  close(reason: string): number {
    if (this.closedWith) return 0;
    this.closedWith = new Error(reason);
    return this.abandon(reason);
  }

  /** Exports not done yet are answered as failed at once and their connections destroyed; later ones run as usual. */
  abandon(reason: string): number {
    const error = this.closedWith ?? new Error(reason);
    const abandoned = this.inFlight.size;
    for (const answer of [...this.inFlight]) answer({ status: 'failure', error });
    this.inFlight.clear();
    for (const agent of this.agents) agent.destroy();
    return abandoned;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** The retrying transport around the exporter's own HTTP transport. */
  wrap(inner: ExporterTransport): ExporterTransport {
    return {
      send: (data, timeoutMillis) => this.send(inner, data, timeoutMillis),
      shutdown: () => inner.shutdown(),
    };
  }

  private send(inner: ExporterTransport, data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    if (this.closedWith) return Promise.resolve({ status: 'failure', error: this.closedWith });
    return new Promise((resolve) => {
      let settled = false;
      let retryTimer: NodeJS.Timeout | undefined;
      const answer = (response: ExportResponse) => {
        if (settled) return;
        settled = true;
        if (retryTimer) clearTimeout(retryTimer);
        this.inFlight.delete(answer);
        resolve(response);
      };
      this.inFlight.add(answer);

      const deadline = Date.now() + timeoutMillis;
      let retries = 0;
      let backoff = INITIAL_BACKOFF_MS;
      const attempt = () => {
        inner.send(data, Math.max(deadline - Date.now(), 1)).then(
          (response) => {
            if (settled) return;
            if (response.status === 'success') return answer(response);
            this.attemptFailed(
              response.error ??
                new Error(
                  response.status === 'retryable'
                    ? 'the collector answered with a retryable status (429, 502, 503 or 504)'
                    : 'export failed',
                ),
            );
            // The same info lines as OTel's own retry loop.
            if (response.status !== 'retryable') {
              diag.info(`Export failed with non-retryable error: ${response.error}`);
              return answer(response);
            }
            if (retries >= MAX_RETRIES) {
              diag.info(`Export failed after maximum retry attempts (${MAX_RETRIES}).`);
              return answer(response);
            }
            const jittered = Math.max(Math.min(backoff * (1 + Math.random() * 2 * JITTER - JITTER), MAX_BACKOFF_MS), 0);
            const wait = response.retryInMillis ?? jittered;
            backoff *= BACKOFF_MULTIPLIER;
            retries++;
            const remaining = deadline - Date.now();
            if (wait > remaining) {
              diag.info(
                `Export retry time ${Math.round(wait)}ms exceeds remaining timeout ${Math.round(remaining)}ms, not retrying further.`,
              );
              return answer(response);
            }
            retryTimer = setTimeout(attempt, wait);
            retryTimer.unref();
          },
          (error: unknown) => {
            const e = error instanceof Error ? error : new Error(String(error));
            this.attemptFailed(e);
            answer({ status: 'failure', error: e });
          },
        );
      };
      attempt();
    });
  }

  private attemptFailed(error: Error): void {
    if (this.closedWith) return;
    try {
      this.onAttemptFailed?.(error);
    } catch {
      // a report must not break the export
    }
  }
}

/**
 * Gives an OTLP/HTTP exporter (OTLPExporterBase: _delegate._transport is OTel's RetryingTransport around the
 * HTTP transport in its _transport) our retrying transport. Returns false, changing nothing, if the exporter is
 * not shaped so.
 */
export function installOtlpTransport(exporter: object, control: OtlpExportControl): boolean {
  const delegate = (exporter as { _delegate?: { _transport?: { _transport?: unknown } } })._delegate;
  const retrying = delegate?._transport;
  const http = retrying?._transport as ExporterTransport | undefined;
  if (!delegate || typeof http?.send !== 'function' || typeof http.shutdown !== 'function') return false;
  delegate._transport = control.wrap(http) as never;
  return true;
}
