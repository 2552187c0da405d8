/**
 * Product analytics: browser sessions of 30 people over the last two hours (and a few earlier ones days
 * back), each walking part of the funnel login -> organisation connected -> migration created -> executed,
 * viewing pages, using features and seeing an experiment.
 */
import { ATTR, EVENT } from '../../../src/semconv.js';
import { HOUR, MINUTE, WEB, type ScenarioContext, type ScenarioRows } from './scenario.js';
import { hexId, logRow, seededRandom } from './rows.js';

const ORGS = [
  { id: 'org-acme-prod', type: 'production' },
  { id: 'org-acme-sandbox', type: 'sandbox' },
  { id: 'org-globex-prod', type: 'production' },
] as const;
const USER_TYPES = ['admin', 'consultant', 'consultant', 'viewer'] as const;
const FEATURES = ['field-mapping', 'dry-run', 'schedule'] as const;

export function analytics(ctx: ScenarioContext): Partial<ScenarioRows> {
  const random = seededRandom(2024);
  const logs: Record<string, unknown>[] = [];

  const session = (userIndex: number, start: number, s: number) => {
    const userId = `user-${String(userIndex + 1).padStart(4, '0')}`;
    const org = ORGS[userIndex % ORGS.length] as (typeof ORGS)[number];
    const sessionId = hexId(`${userId}-session-${s}`, 16);
    let t = start;
    const emit = (eventName: string, attributes: Record<string, string> = {}) => {
      t += 2_000 + random() * 20_000;
      logs.push(
        logRow({
          resource: WEB,
          timeMs: t,
          eventName,
          attributes: {
            [ATTR.eventKind]: 'analytics',
            [ATTR.eventSource]: 'browser',
            [ATTR.eventId]: hexId(`${sessionId}-${eventName}-${t}`, 16),
            [ATTR.consent]: 'granted',
            [ATTR.userId]: userId,
            [ATTR.sessionId]: sessionId,
            [ATTR.orgId]: org.id,
            [ATTR.orgType]: org.type,
            [ATTR.userType]: USER_TYPES[userIndex % USER_TYPES.length] as string,
            ...attributes,
          },
        }),
      );
    };
    const page = (path: string) => emit(EVENT.pageView, { [ATTR.urlPath]: path });

    emit(EVENT.sessionStart);
    emit(EVENT.login);
    emit(EVENT.experimentExposure, {
      [ATTR.experimentKey]: 'onboarding-flow',
      [ATTR.experimentVariant]: userIndex % 2 === 0 ? 'control' : 'guided-setup',
    });
    page('/dashboard');
    page('/projects');
    if (random() < 0.5)
      emit(EVENT.featureUsed, {
        [ATTR.featureName]: FEATURES[userIndex % FEATURES.length] as string,
        [ATTR.durationMs]: String(500 + Math.floor(random() * 5000)),
      });
    if (random() < 0.7) {
      page('/organisations');
      emit(EVENT.organisationConnected);
      if (random() < 0.6) {
        page('/projects');
        emit(EVENT.migrationCreated, { [ATTR.template]: 'accounts' });
        if (random() < 0.75) {
          page('/projects/:id');
          emit(EVENT.migrationExecuted, { [ATTR.template]: 'accounts' });
          page('/runs/:id');
        }
      }
    }
    if (random() < 0.6) emit(EVENT.logout);
    emit(EVENT.sessionEnd);
  };

  for (let u = 0; u < 30; u++) {
    session(u, ctx.now - 110 * MINUTE + u * 3 * MINUTE, 0);
    if (u % 3 === 0) session(u, ctx.now - 50 * MINUTE + u * MINUTE, 1);
  }
  // Users seen earlier in the week only (WAU above DAU).
  for (let u = 30; u < 40; u++) session(u, ctx.now - 72 * HOUR + u * MINUTE, 0);
  return { logs };
}
