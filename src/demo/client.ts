/**
 * The simulated users' HTTP client for the service. Its own calls are kept out of the telemetry
 * (tracing suppressed, no trace context sent): a user's browser is not part of the service, so each
 * request starts its trace at the service, as real traffic does.
 */
import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

export interface Identity {
  userId?: string;
  sessionId?: string;
  orgId?: string;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** What the users did, for the progress bar and the summary. */
export class TrafficStats {
  requests = 0;
  clientErrors = 0;
  serverErrors = 0;
  failedRequests = 0;
  runsStarted = 0;
  runsFailed = 0;
  browserEvents = 0;
  signIns = 0;
  consentDeclined = 0;
}

const QUIET = suppressTracing(ROOT_CONTEXT);

export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    readonly stats: TrafficStats,
    private readonly signal: AbortSignal,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; who?: Identity; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    const who = options.who ?? {};
    if (who.userId) headers['x-user-id'] = who.userId;
    if (who.sessionId) headers['x-session-id'] = who.sessionId;
    if (who.orgId) headers['x-org-id'] = who.orgId;
    this.stats.requests++;
    try {
      const res = await context.with(QUIET, () =>
        fetch(`${this.baseUrl}${path}`, {
          method,
          headers,
          body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
          signal: AbortSignal.any([this.signal, AbortSignal.timeout(30_000)]),
        }),
      );
      const text = await res.text();
      if (res.status >= 500) this.stats.serverErrors++;
      else if (res.status >= 400) this.stats.clientErrors++;
      return { status: res.status, body: (text ? safeJson(text) : {}) as T };
    } catch (err) {
      this.stats.failedRequests++;
      throw err;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}
