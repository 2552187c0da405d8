/**
 * The browser side of a simulated user: what the tc9-observability browser tracker would send to the
 * service's ingest endpoint (POST /v1/events with the site's write key): page views, feature usage,
 * experiment exposures, each with the page's context and the browser's user agent. Like the tracker, it
 * keeps a session id per visit (a random UUID, from the visit's first view until it ends) and sends it with
 * the app's own requests (headers()), so the service's sign-in takes the visit's session.
 */
import { randomUUID } from 'node:crypto';
import type { Identity, ServiceClient } from './client.js';

export interface BrowserProfile {
  userAgent: string;
  screenResolution: string;
  timezone: string;
  locale: string;
}

export const BROWSERS: readonly BrowserProfile[] = [
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    screenResolution: '1920x1080',
    timezone: 'Europe/London',
    locale: 'en-GB',
  },
  {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    screenResolution: '2560x1440',
    timezone: 'Europe/Berlin',
    locale: 'de-DE',
  },
  {
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    screenResolution: '1680x1050',
    timezone: 'America/New_York',
    locale: 'en-US',
  },
  {
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    screenResolution: '390x844',
    timezone: 'Australia/Sydney',
    locale: 'en-AU',
  },
];

/** The app's pages (paths without ids, as a router would name them). */
const TITLES: Record<string, string> = {
  '/login': 'Sign in',
  '/dashboard': 'Dashboard',
  '/organisations': 'Organisations',
  '/projects/new': 'New migration',
  '/runs/progress': 'Run progress',
  '/runs/results': 'Run results',
};

const APP_ORIGIN = 'https://app.tc9.example';

export class Browser {
  private page: string | undefined;
  private visit = '';

  constructor(
    private readonly client: ServiceClient,
    private readonly writeKey: string,
    private readonly profile: BrowserProfile,
    private readonly who: () => Identity,
  ) {}

  /** The visit's session id (a new visit starts one). */
  get sessionId(): string {
    this.visit ||= randomUUID();
    return this.visit;
  }

  /**
   * A new visit: a new session id and no previous page, as the tracker's session after sign-out (reset()) or
   * the inactivity timeout.
   */
  newVisit(): void {
    this.visit = randomUUID();
    this.page = undefined;
  }

  /** Headers for the app's own requests, as tracker.headers(): the visit's session. */
  headers(): Record<string, string> {
    return { 'x-session-id': this.sessionId };
  }

  pageView(path: string): Promise<void> {
    const referrer = this.page;
    this.page = path;
    return this.send('page.view', {}, path, referrer);
  }

  featureUsed(feature: string, durationMs?: number): Promise<void> {
    return this.send('feature.used', { feature, ...(durationMs !== undefined && { durationMs }) });
  }

  exposure(experiment: string, variant: string): Promise<void> {
    return this.send('experiment.exposure', { experiment, variant });
  }

  private async send(event: string, properties: Record<string, unknown>, path = this.page ?? '/', referrer?: string): Promise<void> {
    const { userId } = this.who();
    const sessionId = this.sessionId;
    const body = {
      batch: [
        {
          id: randomUUID(),
          event,
          sessionId,
          ...(userId && { userId }),
          timestamp: new Date().toISOString(),
          properties,
          context: {
            url: `${APP_ORIGIN}${path}`,
            path,
            ...(referrer && { referrer: `${APP_ORIGIN}${referrer}` }),
            ...(TITLES[path] && { title: TITLES[path] }),
            screenResolution: this.profile.screenResolution,
            timezone: this.profile.timezone,
            locale: this.profile.locale,
          },
          metadata: { source: 'client', version: '2.4.0' },
        },
      ],
      sentAt: new Date().toISOString(),
    };
    const reply = await this.client.request('POST', '/v1/events', {
      body,
      headers: { 'x-write-key': this.writeKey, 'user-agent': this.profile.userAgent },
    });
    if (reply.status === 200) this.client.stats.browserEvents++;
  }
}
