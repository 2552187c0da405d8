/**
 * Trace context on the app's own requests: window.fetch and XMLHttpRequest are wrapped so that a request
 * to a listed target (propagateTo) carries a W3C `traceparent` (a new trace id and span id per request,
 * sampled) and a `baggage` header with the session id (and the user id with consent). The server's OTel
 * HTTP instrumentation then makes its span a child of that traceparent, and the tracker puts the trace id
 * on the events that follow, so a journey step or a browser error leads to the backend trace.
 *
 * Requests that already carry a traceparent are left alone, and so are the tracker's own event posts.
 */

/** An origin ("https://api.example.com"), a URL prefix ("https://api.example.com/v2/", "/api/") or a regex. */
export type PropagationTarget = string | RegExp;

export interface RequestTrace {
  traceId: string;
  spanId: string;
}

export interface PropagationOptions {
  targets: readonly PropagationTarget[];
  /** The tracker's own endpoint (absolute): never given a traceparent. */
  ownEndpoint: string;
  /** Baggage entries for a request, e.g. { 'session.id': ... }. */
  baggage: () => Record<string, string>;
  /** A traced request started (or failed: then `failure` is the request's error or status). */
  onRequest: (trace: RequestTrace, failure?: unknown) => void;
  log: (message: string, detail?: unknown) => void;
}

const TRACEPARENT = 'traceparent';
const BAGGAGE = 'baggage';

function randomHex(bytes: number): string {
  for (;;) {
    const b = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    if (/[^0]/.test(hex)) return hex; // all zeros is invalid in traceparent
  }
}

export function newTrace(): RequestTrace {
  return { traceId: randomHex(16), spanId: randomHex(8) };
}

export function traceparent(trace: RequestTrace): string {
  return `00-${trace.traceId}-${trace.spanId}-01`;
}

/** W3C baggage: key=value pairs, values percent-encoded. */
export function baggageHeader(entries: Record<string, string>): string {
  return Object.entries(entries)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join(',');
}

/**
 * Whether a request to `url` (absolute) gets trace headers. Origins match the origin exactly (so
 * "https://a.com" is not "https://a.com.evil.net"), other strings are URL prefixes (relative ones
 * resolved against the page), regexes are tried on the absolute URL and, for the page's own origin,
 * on the path too (so /^\/api\// works).
 */
export function matchesTarget(url: URL, targets: readonly PropagationTarget[], page: URL): boolean {
  for (const target of targets) {
    if (target instanceof RegExp) {
      if (target.test(url.href)) return true;
      if (url.origin === page.origin && target.test(url.pathname + url.search)) return true;
      continue;
    }
    if (typeof target !== 'string' || target === '') continue;
    let prefix: URL;
    try {
      prefix = new URL(target, page);
    } catch {
      continue;
    }
    const originOnly = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+\/?$/i.test(target);
    if (originOnly ? url.origin === prefix.origin : url.href.startsWith(prefix.href)) return true;
  }
  return false;
}

/** Installs the wrappers; returns their teardown. */
export function propagateTraces(options: PropagationOptions): () => void {
  const page = new URL(location.href);
  let own: string | undefined;
  try {
    const u = new URL(options.ownEndpoint, page);
    own = u.origin + u.pathname;
  } catch {
    own = undefined;
  }

  /** The URL of a request when it is to be traced, else undefined. */
  const target = (raw: string | URL): URL | undefined => {
    let url: URL;
    try {
      url = new URL(String(raw), location.href);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.origin + url.pathname === own) return undefined;
    return matchesTarget(url, options.targets, page) ? url : undefined;
  };

  const withBaggage = (existing: string | null): string | undefined => {
    const ours = baggageHeader(options.baggage());
    if (!ours) return existing ?? undefined;
    return existing ? `${existing},${ours}` : ours;
  };

  const undo: (() => void)[] = [];

  if (typeof fetch === 'function') {
    const original = fetch;
    const wrapped = function (this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      let trace: RequestTrace | undefined;
      try {
        const isRequest = typeof Request !== 'undefined' && input instanceof Request;
        const url = target(isRequest ? input.url : (input as string | URL));
        if (url) {
          // init.headers replaces a Request's own headers, so start from those when init has none.
          const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
          if (!headers.has(TRACEPARENT)) {
            trace = newTrace();
            headers.set(TRACEPARENT, traceparent(trace));
            const baggage = withBaggage(headers.get(BAGGAGE));
            if (baggage) headers.set(BAGGAGE, baggage);
            init = { ...init, headers };
            options.onRequest(trace);
          }
        }
      } catch (error) {
        options.log('could not add trace headers to a fetch', error);
        trace = undefined;
      }
      const result = original.call(this, input, init);
      if (!trace) return result;
      const t = trace;
      return result.then(
        (response) => {
          if (!response.ok) options.onRequest(t, response.status);
          return response;
        },
        (error: unknown) => {
          options.onRequest(t, error);
          throw error;
        },
      );
    };
    globalThis.fetch = wrapped as typeof fetch;
    undo.push(() => {
      if (globalThis.fetch === (wrapped as typeof fetch)) globalThis.fetch = original;
    });
  }

  if (typeof XMLHttpRequest === 'function') {
    const proto = XMLHttpRequest.prototype;
    const { open, send, setRequestHeader } = proto;
    const state = new WeakMap<XMLHttpRequest, { url?: URL; hasTraceparent: boolean; baggage: string | null }>();
    const wrappedOpen = function (this: XMLHttpRequest, ...args: unknown[]) {
      try {
        state.set(this, { url: target(args[1] as string | URL), hasTraceparent: false, baggage: null });
      } catch {
        state.delete(this);
      }
      return (open as (...a: unknown[]) => void).apply(this, args);
    } as XMLHttpRequest['open'];
    const wrappedSetRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
      const s = state.get(this);
      const key = String(name).toLowerCase();
      if (s?.url && key === TRACEPARENT) s.hasTraceparent = true;
      // Baggage is merged and set at send(): setRequestHeader appends, so it is held back until then.
      if (s?.url && key === BAGGAGE) {
        s.baggage = s.baggage ? `${s.baggage},${value}` : value;
        return;
      }
      setRequestHeader.call(this, name, value);
    };
    const wrappedSend = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      const s = state.get(this);
      if (s?.url) {
        try {
          if (s.hasTraceparent) {
            if (s.baggage) setRequestHeader.call(this, BAGGAGE, s.baggage);
          } else {
            const trace = newTrace();
            setRequestHeader.call(this, TRACEPARENT, traceparent(trace));
            const baggage = withBaggage(s.baggage);
            if (baggage) setRequestHeader.call(this, BAGGAGE, baggage);
            options.onRequest(trace);
            const onEnd = () => {
              this.removeEventListener('loadend', onEnd);
              if (this.status === 0 || this.status >= 400) options.onRequest(trace, this.status || new Error('XMLHttpRequest failed'));
            };
            this.addEventListener('loadend', onEnd);
          }
        } catch (error) {
          options.log('could not add trace headers to an XMLHttpRequest', error);
        }
      }
      return send.call(this, body);
    };
    proto.open = wrappedOpen;
    proto.setRequestHeader = wrappedSetRequestHeader;
    proto.send = wrappedSend;
    undo.push(() => {
      if (proto.open === wrappedOpen) proto.open = open;
      if (proto.setRequestHeader === wrappedSetRequestHeader) proto.setRequestHeader = setRequestHeader;
      if (proto.send === wrappedSend) proto.send = send;
    });
  }

  return () => {
    for (const u of undo.splice(0)) u();
  };
}
