/**
 * The browser tracker: product analytics events from a page, in the same names and shape as the
 * server's, delivered to the ingest endpoint. Nothing is stored or sent without consent; no call
 * ever throws into the page.
 */
import type { EventContext, Properties, TrackedEvent } from './event.js';
import { unitHash, uuid } from './ids.js';
import { EVENT, IDENTIFY_EVENT, SESSION_HEADER } from './names.js';
import { pageContext, watchErrors, watchHistory, watchPageHide } from './page.js';
import { propagateTraces, type PropagationTarget, type RequestTrace } from './propagation.js';
import { BatchSender, type SenderStats } from './sender.js';
import { SESSION_TIMEOUT_MS, SessionManager } from './session.js';
import { memoryStore, webStore } from './storage.js';
import { toProperties } from './properties.js';
import { watchWebVitals } from './vitals.js';

export const TRACKER_VERSION = '0.1.0';
const USER_KEY = 'tc9.user';
/** Bounds what an error loop (an error thrown every frame, say) can cost the page and the endpoint. */
const MAX_ERRORS_PER_PAGE = 25;
const MAX_TIMERS = 100;

export interface TrackerOptions {
  /** URL of the ingest endpoint, absolute or relative to the page, e.g. "/v1/events". */
  endpoint: string;
  /** Public key identifying the site to the endpoint (not a secret: it ships in the page). */
  writeKey: string;
  /** Whether the visitor agreed to analytics. Default false: nothing is stored or sent until setConsent(true). */
  consent?: boolean;
  /** Events per request; a full batch is sent at once. Default 20. */
  batchSize?: number;
  /** Longest wait before queued events are sent. Default 5000. */
  flushIntervalMs?: number;
  /** Queue bound; past it the oldest events are dropped (and counted). Default 1000. */
  maxQueue?: number;
  /** Share of sessions tracked, 0..1, decided per session so journeys stay whole. Default 1. */
  sampleRate?: number;
  /** Log to the console what the tracker does. Default false. */
  debug?: boolean;
  /** Page view on load and on every client-side navigation. Default true. */
  autoPageViews?: boolean;
  /** Uncaught errors and unhandled rejections as error events. Default true. */
  captureErrors?: boolean;
  /** LCP, CLS, INP, FCP, TTFB as performance events. Default true. */
  webVitals?: boolean;
  /** Inactivity after which the next event starts a new session. Default 30 minutes. */
  sessionTimeoutMs?: number;
  /** Send attempts per event. Default 8. */
  maxRetries?: number;
  /**
   * Where the app's own fetch/XMLHttpRequest calls get a W3C `traceparent` (a new trace per request) and a
   * `baggage` header with the session id (and the user id with consent), so the backend's spans join the
   * browser's trace; the trace id of the latest such request goes on the events that follow. Origins
   * ("https://api.example.com"), URL prefixes ("https://api.example.com/v2/", "/api/") or regexes (tried on
   * the full URL and, for the page's origin, on the path). Default: the page's own origin only; `false` or
   * `[]` turns it off. Cross-origin targets must allow the `traceparent` and `baggage` request headers (CORS).
   */
  propagateTo?: readonly PropagationTarget[] | false;
}

export interface Tracker {
  /** The current session id; pass it to your own API calls (see headers()) to join server-side events. */
  readonly sessionId: string;
  readonly userId: string | undefined;
  readonly consent: boolean;
  track(event: string, properties?: Record<string, unknown>): void;
  /** Page view of the current location, or of `path` for apps that name their views themselves. */
  trackPageView(path?: string, properties?: Record<string, unknown>): void;
  trackFeatureUsage(feature: string, properties?: Record<string, unknown>): void;
  trackError(error: unknown, context?: Record<string, unknown>): void;
  /** The visitor saw `variant` of `experiment` (call once per exposure; conversion queries use the first). */
  trackExperimentExposure(experiment: string, variant: string, properties?: Record<string, unknown>): void;
  startTimer(name: string): void;
  /** Emits the time since startTimer(name) as a performance event; returns it in ms (undefined without a start). */
  endTimer(name: string, properties?: Record<string, unknown>): number | undefined;
  identify(userId: string, traits?: Record<string, unknown>): void;
  /** Forgets the user and ends the session (logout). */
  reset(): void;
  setConsent(granted: boolean): void;
  /** Headers for the app's own requests, so server-side events join this session: { 'x-session-id': ... }. */
  headers(): Record<string, string>;
  flush(): Promise<void>;
  stats(): SenderStats;
  /** Removes the tracker's listeners and sends what is queued. */
  shutdown(): Promise<void>;
}

export function createTracker(options: TrackerOptions): Tracker {
  return new BrowserTracker(options);
}

class BrowserTracker implements Tracker {
  private consentGiven: boolean;
  private user: string | undefined;
  private readonly session: SessionManager;
  private readonly sender: BatchSender;
  private readonly timers = new Map<string, number>();
  private readonly teardown: (() => void)[] = [];
  private lastPageKey: string | undefined;
  private lastPageUrl: string | undefined;
  private errorsThisPage = 0;
  private closed = false;
  private readonly sampleRate: number;
  /** The latest traced request of this page: its trace id goes on the events that follow. */
  private lastTrace: RequestTrace | undefined;
  /** Errors a traced request failed with (a fetch's rejection), so that error links to exactly that request. */
  private readonly failedRequests = new WeakMap<object, RequestTrace>();

  constructor(private readonly options: TrackerOptions) {
    if (!options.endpoint || !options.writeKey) throw new TypeError('tc9 tracker: `endpoint` and `writeKey` are required');
    this.consentGiven = options.consent === true;
    this.sampleRate = Math.min(1, Math.max(0, options.sampleRate ?? 1));
    const store = this.consentGiven ? webStore() : memoryStore();
    this.session = new SessionManager(store, options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS);
    this.user = this.consentGiven ? (store.get(USER_KEY) ?? undefined) : undefined;
    this.sender = new BatchSender({
      endpoint: { url: options.endpoint, writeKey: options.writeKey },
      batchSize: positive(options.batchSize, 20),
      flushIntervalMs: positive(options.flushIntervalMs, 5000),
      maxQueue: positive(options.maxQueue, 1000),
      maxRetries: positive(options.maxRetries, 8),
      sessionId: () => this.session.peek(),
      log: (m, d) => this.log(m, d),
    });
    if (typeof window === 'undefined') return; // server-side rendering: an inert tracker
    this.teardown.push(
      watchPageHide(
        () => this.sender.pageHidden(),
        () => this.sender.pageShown(),
      ),
    );
    const onOnline = () => this.sender.retryNow();
    addEventListener('online', onOnline);
    this.teardown.push(() => removeEventListener('online', onOnline));
    const targets = options.propagateTo === undefined ? [location.origin] : options.propagateTo;
    if (targets && targets.length > 0) {
      this.teardown.push(
        propagateTraces({
          targets,
          ownEndpoint: options.endpoint,
          baggage: () => this.baggage(),
          onRequest: (trace, failure) => {
            this.lastTrace = trace;
            if (typeof failure === 'object' && failure !== null) this.failedRequests.set(failure, trace);
          },
          log: (m, d) => this.log(m, d),
        }),
      );
    }
    if (options.captureErrors !== false) {
      this.teardown.push(
        watchErrors((error, info) =>
          this.trackError(error, { handled: false, mechanism: info.mechanism, source: info.source, line: info.line, column: info.column }),
        ),
      );
    }
    if (options.webVitals !== false) {
      watchWebVitals((v) =>
        this.emit(EVENT.performance, {
          metric: v.name,
          metricType: 'web_vital',
          value: v.value,
          unit: v.unit,
          rating: v.rating,
          vitalId: v.id,
          navigationType: v.navigationType,
        }),
      );
    }
    if (options.autoPageViews !== false) {
      this.teardown.push(watchHistory(() => this.autoPageView()));
      this.autoPageView();
    }
  }

  get sessionId(): string {
    return this.session.peek();
  }

  get userId(): string | undefined {
    return this.user;
  }

  get consent(): boolean {
    return this.consentGiven;
  }

  track(event: string, properties?: Record<string, unknown>): void {
    this.emit(event, properties);
  }

  trackPageView(path?: string, properties?: Record<string, unknown>): void {
    if (typeof window === 'undefined') return;
    const context = pageContext();
    if (path) context.path = path;
    // In a single-page app the previous view is the referrer, not the document's.
    if (this.lastPageUrl && this.lastPageUrl !== context.url) context.referrer = this.lastPageUrl;
    this.lastTrace = undefined; // a new view: the previous view's requests are not what follows
    if (this.emit(EVENT.pageView, properties, context)) {
      this.lastPageKey = location.pathname + location.search;
      this.lastPageUrl = context.url;
      this.errorsThisPage = 0;
    }
  }

  trackFeatureUsage(feature: string, properties?: Record<string, unknown>): void {
    this.emit(EVENT.featureUsed, { ...plain(properties), feature });
  }

  trackError(error: unknown, context?: Record<string, unknown>): void {
    if (++this.errorsThisPage > MAX_ERRORS_PER_PAGE) return;
    const e = error instanceof Error ? error : undefined;
    const message = e?.message || (typeof error === 'string' ? error : safeString(error)) || 'Unknown error';
    const trace = typeof error === 'object' && error !== null ? this.failedRequests.get(error) : undefined;
    this.emit(
      EVENT.error,
      {
        handled: true,
        ...plain(context),
        message,
        type: e?.name ?? 'Error',
        ...(e?.stack ? { stack: e.stack.slice(0, 8000) } : {}),
      },
      undefined,
      trace,
    );
  }

  trackExperimentExposure(experiment: string, variant: string, properties?: Record<string, unknown>): void {
    this.emit(EVENT.experimentExposure, { ...plain(properties), experiment, variant });
  }

  startTimer(name: string): void {
    this.timers.delete(name);
    this.timers.set(name, performance.now());
    // Timers never ended must not pile up: the oldest goes.
    if (this.timers.size > MAX_TIMERS) this.timers.delete(this.timers.keys().next().value!);
  }

  endTimer(name: string, properties?: Record<string, unknown>): number | undefined {
    const start = this.timers.get(name);
    if (start === undefined) {
      this.log(`endTimer("${name}") without startTimer`);
      return undefined;
    }
    this.timers.delete(name);
    const value = performance.now() - start;
    this.emit(EVENT.performance, { ...plain(properties), metric: name, metricType: 'timer', value, unit: 'ms' });
    return value;
  }

  identify(userId: string, traits?: Record<string, unknown>): void {
    if (typeof userId !== 'string' || userId === '') {
      this.log('identify() needs a non-empty user id');
      return;
    }
    this.user = userId;
    if (this.consentGiven) webStore().set(USER_KEY, userId);
    this.emit(IDENTIFY_EVENT, traits);
  }

  reset(): void {
    this.user = undefined;
    webStore().remove(USER_KEY);
    this.session.end();
  }

  setConsent(granted: boolean): void {
    if (granted === this.consentGiven) return;
    this.consentGiven = granted;
    if (!granted) {
      this.sender.clear();
      this.session.moveTo(memoryStore());
      webStore().remove(USER_KEY);
      return;
    }
    this.session.moveTo(webStore());
    if (this.user) webStore().set(USER_KEY, this.user);
    // The view the visitor is on was not recorded while consent was missing.
    if (this.options.autoPageViews !== false && typeof window !== 'undefined') this.autoPageView();
  }

  headers(): Record<string, string> {
    return { [SESSION_HEADER]: this.sessionId };
  }

  flush(): Promise<void> {
    return this.sender.flush();
  }

  stats(): SenderStats {
    return this.sender.stats();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const undo of this.teardown.splice(0)) undo();
    await this.sender.flush();
  }

  private autoPageView(): void {
    if (location.pathname + location.search === this.lastPageKey) return; // replaceState to the same view
    this.trackPageView();
  }

  /** Builds and queues one event; false when it was not recorded (no consent, sampled out, closed). */
  private emit(name: string, properties?: Record<string, unknown>, context?: EventContext, trace = this.lastTrace): boolean {
    try {
      if (!this.consentGiven || this.closed) return false;
      const touch = this.session.touch();
      if (unitHash(touch.id) >= this.sampleRate) return false;
      const ctx = context ?? (typeof window === 'undefined' ? {} : pageContext());
      if (touch.started) this.sender.enqueue(this.build(EVENT.sessionStart, touch.id, undefined, ctx));
      const props = toProperties(properties, (m) => this.log(`${name}: ${m}`));
      const event = this.build(name, touch.id, props, ctx);
      if (trace) {
        event.traceId = trace.traceId;
        event.spanId = trace.spanId;
      }
      this.sender.enqueue(event);
      this.log(`queued ${name}`, props);
      return true;
    } catch (error) {
      this.log(`could not record ${name}`, error);
      return false;
    }
  }

  private build(name: string, sessionId: string, properties: Properties | undefined, context: EventContext): TrackedEvent {
    const event: TrackedEvent = {
      id: uuid(),
      event: name,
      sessionId,
      timestamp: new Date().toISOString(),
      context,
      metadata: { source: 'client', version: TRACKER_VERSION, retryCount: 0 },
    };
    if (this.user) event.userId = this.user;
    if (properties && Object.keys(properties).length > 0) event.properties = properties;
    return event;
  }

  /** Baggage for the app's traced requests: the session, and the user only with consent. */
  private baggage(): Record<string, string> {
    const entries: Record<string, string> = { 'session.id': this.session.peek() };
    if (this.consentGiven && this.user) entries['user.id'] = this.user;
    return entries;
  }

  private log(message: string, detail?: unknown): void {
    if (this.options.debug) console.debug(`[tc9] ${message}`, ...(detail === undefined ? [] : [detail]));
  }
}

/** Properties to merge into: anything but a plain object counts as none (toProperties reports it). */
function plain(value: Record<string, unknown> | undefined): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
