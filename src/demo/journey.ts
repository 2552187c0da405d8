/**
 * One simulated user: sessions of the product's journey (sign in, connect organisations, create a
 * migration, run it, view the results), each step with a chance to drop off (within a visit, and for good:
 * some users never get past a step however often they come back), think times between steps,
 * browser-side page views and feature usage, an onboarding experiment whose variant changes how many users
 * get through, and the odd mistake (a bad request, an unknown run, a slow report, a bug).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Browser, BROWSERS } from './browser.js';
import type { Identity, Reply, ServiceClient } from './client.js';

export const EXPERIMENT = { key: 'onboarding-checklist', variants: ['control', 'checklist'] as const };
const TEMPLATES = ['accounts', 'contacts', 'opportunities'] as const;
const PHASES = ['extract', 'transform', 'load'] as const;

export interface UserPlan {
  userId: string;
  /** Index among the users; the first ones take the roles that make sure each kind of event happens. */
  index: number;
  writeKey: string;
  /** When the user stops starting new steps (epoch ms). */
  deadline: number;
  /** Typical pause between two steps. */
  thinkMs: number;
  signal: AbortSignal;
  /** Whether the user accepted analytics (their events are dropped otherwise). */
  consent: (userId: string, granted: boolean) => void;
  /** assignVariant of the analytics API: the same variant for the same user everywhere. */
  variantOf: (userId: string) => (typeof EXPERIMENT.variants)[number];
  random?: () => number;
}

/** Drop-off within a visit after each step, before the next (control variant; the checklist keeps more users). */
const DROP_OFF = { afterSignIn: 0.12, afterConnect: 0.15, afterCreate: 0.12, afterRun: 0.1 };

/**
 * Users who give up on the product for good at a step: they come back and sign in, but never get further
 * (control variant; the checklist keeps more of them going). Without it every user, visit after visit,
 * would end up through the whole journey and the funnel (per user) would be flat.
 */
const GIVE_UP = { afterSignIn: 0.12, afterConnect: 0.12, afterCreate: 0.1 };

/** The furthest step a user ever reaches: 1 signed in, 2 connected, 3 created a migration, 4 ran one. */
export type Reach = 1 | 2 | 3 | 4;

/**
 * How far a user ever gets. The first two go all the way (they make each kind of event happen); the third
 * never connects an organisation and the fourth never creates a migration, so even a short demo with a few
 * users shows drop-off; the others give up at random.
 */
export function furthestStep(index: number, keep: number, random: () => number): Reach {
  if (index < 2) return 4;
  if (index === 2) return 1;
  if (index === 3) return 2;
  if (random() < GIVE_UP.afterSignIn * keep) return 1;
  if (random() < GIVE_UP.afterConnect * keep) return 2;
  if (random() < GIVE_UP.afterCreate) return 3;
  return 4;
}

export class Journey {
  private readonly random: () => number;
  private sessionId = '';
  private orgs: { source: string; target: string } | undefined;
  private readonly browser: Browser;
  private sessions = 0;
  private reach: Reach | undefined;

  constructor(
    private readonly client: ServiceClient,
    private readonly plan: UserPlan,
  ) {
    this.random = plan.random ?? Math.random;
    const profile = BROWSERS[plan.index % BROWSERS.length]!;
    this.browser = new Browser(client, plan.writeKey, profile, () => ({ userId: plan.userId }));
  }

  private get who(): Identity {
    return { userId: this.plan.userId, sessionId: this.sessionId, ...(this.orgs && { orgId: this.orgs.source }) };
  }

  private timeLeft(): boolean {
    return !this.plan.signal.aborted && Date.now() < this.plan.deadline;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private async think(factor = 1): Promise<void> {
    const ms = this.plan.thinkMs * factor * (0.5 + this.random());
    await sleep(ms, undefined, { signal: this.plan.signal }).catch(() => undefined);
  }

  /** Sessions until the deadline; never throws (an aborted demo just ends the user's activity). */
  async live(): Promise<void> {
    // The users with a role (below 4) accept analytics: the events that show their journey must be kept.
    this.plan.consent(this.plan.userId, this.plan.index < 4 || !this.chance(0.08));
    try {
      while (this.timeLeft()) {
        await this.session();
        await this.think(3);
      }
    } catch (err) {
      if (!this.plan.signal.aborted) throw err;
    }
  }

  private async session(): Promise<void> {
    const first = this.sessions++ === 0;
    // The first two users go all the way on their first visit: each kind of event and error happens at least once.
    const guided = first && this.plan.index < 2;
    const dropOff = (p: number) => !guided && this.chance(p);
    const stop = () => this.plan.signal.aborted || (!guided && Date.now() >= this.plan.deadline);
    // Each session() is a visit: after the last one's sign-out or a long pause, the tracker starts a new session.
    this.sessionId = '';
    this.browser.newVisit();
    await this.browser.pageView('/login');
    await this.think(0.5);
    if (first && this.plan.index === 1) {
      // A form submitted without its user id: 400 naming the field.
      await this.client.request('POST', '/sessions', { body: {}, headers: this.browser.headers() });
    }
    // With the tracker's session header, as the app's requests carry it: the service signs the visit in.
    const signIn = await this.client.request<{ sessionId: string }>('POST', '/sessions', {
      body: { userId: this.plan.userId, method: this.chance(0.3) ? 'sso' : 'password' },
      headers: this.browser.headers(),
    });
    if (signIn.status !== 201) return;
    this.sessionId = signIn.body.sessionId;
    this.client.stats.signIns++;

    await this.browser.pageView('/dashboard');
    const variant = this.plan.variantOf(this.plan.userId);
    await this.browser.exposure(EXPERIMENT.key, variant);
    const keep = variant === 'checklist' ? 0.6 : 1;
    this.reach ??= furthestStep(this.plan.index, keep, this.random);
    await this.think();
    if (stop() || this.reach < 2 || dropOff(DROP_OFF.afterSignIn * keep)) return this.leave();

    if (!(await this.connectOrganisations())) return this.leave();
    await this.think();
    if (stop() || this.reach < 3 || dropOff(DROP_OFF.afterConnect * keep)) return this.leave();

    const project = await this.createMigration(first);
    if (!project) return this.leave();
    await this.think();
    if (stop() || this.reach < 4 || dropOff(DROP_OFF.afterCreate)) return this.leave();

    const runId = await this.runMigration(project, first);
    if (!runId) return this.leave();
    if (stop() || dropOff(DROP_OFF.afterRun)) return this.leave();

    await this.viewResults(runId);
    await this.mishaps(first);
    return this.leave();
  }

  private async connectOrganisations(): Promise<boolean> {
    await this.browser.pageView('/organisations');
    if (!this.orgs) {
      const name = this.plan.userId.replace(/^user-/, 'Org ');
      const source = await this.client.request<{ id: string }>('POST', '/organisations', {
        body: { name: `${name} Production`, type: 'production', instanceUrl: 'https://example.my.salesforce.com' },
        who: this.who,
      });
      const target = await this.client.request<{ id: string }>('POST', '/organisations', {
        body: { name: `${name} ${this.chance(0.5) ? 'UAT' : 'Dev'}`, type: this.chance(0.7) ? 'sandbox' : 'developer' },
        who: this.who,
      });
      if (source.status !== 201 || target.status !== 201) return false;
      this.orgs = { source: source.body.id, target: target.body.id };
    }
    for (const id of [this.orgs.source, this.orgs.target]) {
      const connected = await this.client.request('POST', `/organisations/${id}/connect`, { who: this.who });
      if (connected.status !== 200) return false;
    }
    return true;
  }

  private async createMigration(first: boolean): Promise<string | undefined> {
    const orgs = this.orgs!;
    await this.browser.pageView('/projects/new');
    const template = TEMPLATES[Math.floor(this.random() * TEMPLATES.length)]!;
    const picking = Math.round(this.plan.thinkMs * (0.5 + this.random()));
    await this.browser.featureUsed('template_picker', picking);
    if ((first && this.plan.index === 1) || this.chance(0.05)) {
      // Source and target mixed up into the same org: 400 naming targetOrgId, then corrected.
      await this.client.request('POST', '/projects', {
        body: { name: `${template} migration`, sourceOrgId: orgs.source, targetOrgId: orgs.source, template },
        who: this.who,
      });
      await this.think(0.5);
    }
    const created = await this.client.request<{ id: string }>('POST', '/projects', {
      body: { name: `${template} migration`, sourceOrgId: orgs.source, targetOrgId: orgs.target, template },
      who: this.who,
    });
    return created.status === 201 ? created.body.id : undefined;
  }

  private async runMigration(projectId: string, first: boolean): Promise<string | undefined> {
    const breakDown = (first && this.plan.index === 0) || this.chance(0.07);
    const body = {
      records: 500 + Math.floor(this.random() * 2500),
      batchSize: [200, 250, 500][Math.floor(this.random() * 3)],
      failureRate: Math.round(this.random() * 0.08 * 1000) / 1000,
      ...(breakDown && { failAt: PHASES[1 + Math.floor(this.random() * 2)] }),
    };
    const started = await this.client.request<{ id: string }>('POST', `/projects/${projectId}/runs`, { body, who: this.who });
    if (started.status !== 202) return undefined;
    this.client.stats.runsStarted++;
    await this.browser.pageView('/runs/progress');
    // Polls like the progress page does, until the run ends (or the user gives up at the deadline).
    for (;;) {
      await sleep(800 + this.random() * 500, undefined, { signal: this.plan.signal }).catch(() => undefined);
      if (this.plan.signal.aborted) return undefined;
      const run: Reply<{ status: string }> = await this.client.request('GET', `/runs/${started.body.id}`, { who: this.who });
      if (run.status !== 200) return undefined;
      if (run.body.status === 'failed') {
        this.client.stats.runsFailed++;
        return started.body.id;
      }
      if (run.body.status === 'succeeded' || run.body.status === 'cancelled') return started.body.id;
      if (Date.now() > this.plan.deadline + 5_000) return undefined;
    }
  }

  private async viewResults(runId: string): Promise<void> {
    await this.browser.pageView('/runs/results');
    await this.client.request('GET', `/runs/${runId}/results`, { who: this.who });
    if (this.chance(0.35)) await this.browser.featureUsed('export_csv');
    if (this.chance(0.2)) await this.browser.featureUsed('failure_drilldown');
  }

  /** The odd thing that goes wrong, a few times per demo at least. */
  private async mishaps(first: boolean): Promise<void> {
    if ((first && this.plan.index === 0) || this.chance(0.1)) {
      // A stale link to a run that does not exist.
      await this.client.request('GET', `/runs/${randomUUID()}`, { who: this.who });
    }
    if ((first && this.plan.index === 0) || this.chance(0.06)) {
      // A bug behind a button: 500, reported as a classified error.
      await this.client.request('GET', '/debug/error', { who: this.who });
    }
    if ((first && this.plan.index === 1) || this.chance(0.08)) {
      // The slow "download full report".
      await this.client.request('GET', `/debug/slow?ms=${600 + Math.floor(this.random() * 1400)}`, { who: this.who });
    }
  }

  private async leave(): Promise<void> {
    if (!this.sessionId) return;
    if (this.chance(0.7)) await this.client.request('DELETE', '/sessions/current', { who: this.who });
    this.sessionId = '';
  }
}
