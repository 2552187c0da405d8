/**
 * Simulated people using the migration tool: each session logs in, browses, maybe connects an organisation,
 * creates a migration project and executes it (through the real API), uses features and sees an experiment.
 * Drop-off at every step makes the funnel on the User journeys dashboard meaningful.
 */
import { EVENT, ATTR } from '../../src/semconv.js';
import type { MigrationApi, Organisation } from './api.js';
import type { EventSink, Person } from './events.js';

const PAGES = ['/dashboard', '/organisations', '/projects', '/projects/:id', '/runs/:id', '/settings'] as const;
const FEATURES = ['field-mapping', 'dry-run', 'schedule', 'export-report', 'bulk-retry'] as const;
const TEMPLATES = ['accounts', 'contacts', 'opportunities', 'cases'] as const;
const PHASES = ['extract', 'transform', 'load'] as const;

/** Step probabilities of the funnel login -> organisation.connected -> migration.created -> migration.executed. */
const FUNNEL = { connect: 0.7, create: 0.6, execute: 0.75 } as const;

export interface JourneyDeps {
  api: MigrationApi;
  events: EventSink;
  organisations: readonly Organisation[];
  runFailureShare: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function people(count: number, organisations: readonly Organisation[]): Person[] {
  const types: Person['userType'][] = ['admin', 'consultant', 'consultant', 'viewer'];
  return Array.from({ length: count }, (_, i) => {
    const org = organisations[i % organisations.length] as Organisation;
    return {
      userId: `user-${String(i + 1).padStart(4, '0')}`,
      userType: types[i % types.length] as Person['userType'],
      orgId: org.id,
      orgType: org.type,
    };
  });
}

/** A stable experiment variant per person (the same person always sees the same variant). */
function variantOf(person: Person): 'control' | 'guided-setup' {
  let h = 0;
  for (const c of person.userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 2 === 0 ? 'control' : 'guided-setup';
}

export async function runSession(person: Person, sessionId: string, deps: JourneyDeps): Promise<void> {
  const random = deps.random ?? Math.random;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const emit = (name: string, attributes?: Record<string, string>) => deps.events.emit(person, sessionId, name, attributes);
  const page = async (path: string) => {
    emit(EVENT.pageView, { [ATTR.urlPath]: path });
    await sleep(300 + random() * 1500);
  };

  emit(EVENT.sessionStart);
  emit(EVENT.login);
  const variant = variantOf(person);
  emit(EVENT.experimentExposure, { [ATTR.experimentKey]: 'onboarding-flow', [ATTR.experimentVariant]: variant });
  await page('/dashboard');
  // The guided setup should lift connection and creation a little: the experiment panel shows it.
  const lift = variant === 'guided-setup' ? 0.1 : 0;

  for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) await page(PAGES[Math.floor(random() * PAGES.length)] as string);
  if (random() < 0.5) emit(EVENT.featureUsed, { [ATTR.featureName]: FEATURES[Math.floor(random() * FEATURES.length)] as string });

  if (random() < FUNNEL.connect + lift) {
    await page('/organisations');
    emit(EVENT.organisationConnected, { [`${ATTR.propPrefix}org_type`]: person.orgType });

    if (random() < FUNNEL.create + lift && deps.organisations.length >= 2) {
      await page('/projects');
      const source = deps.organisations.find((o) => o.id === person.orgId) ?? (deps.organisations[0] as Organisation);
      const target = deps.organisations.find((o) => o.id !== source.id) as Organisation;
      const template = TEMPLATES[Math.floor(random() * TEMPLATES.length)] as string;
      const project = await deps.api.createProject(`${template} for ${person.userId}`, source.id, target.id, template);
      if (project.ok && project.body) {
        emit(EVENT.migrationCreated, { [ATTR.template]: template });

        if (random() < FUNNEL.execute) {
          await page('/projects/:id');
          const failAt = random() < deps.runFailureShare ? PHASES[Math.floor(random() * PHASES.length)] : undefined;
          const run = await deps.api.startRun(project.body.id, {
            records: 500 + Math.floor(random() * 4500),
            failureRate: Math.round(random() * 8) / 100,
            batchSize: 250,
            ...(failAt && { failAt }),
          });
          if (run.ok) {
            emit(EVENT.migrationExecuted, { [ATTR.template]: template });
            await page('/runs/:id');
          }
        }
      }
    }
  }
  if (random() < 0.3) emit(EVENT.featureUsed, { [ATTR.featureName]: FEATURES[Math.floor(random() * FEATURES.length)] as string });
  if (random() < 0.6) emit(EVENT.logout);
  emit(EVENT.sessionEnd);
}
