/**
 * Named helpers for the activities the spec tracks (login/logout, navigation, page views, sessions,
 * migrations created and executed, organisations connected, feature usage). Each is track() with the
 * event name of src/semconv.ts and the properties the dashboards read; user, session and organisation
 * come from the arguments or, when absent, from the request's baggage (src/middleware).
 */
import { EVENT } from '../semconv.js';
import type { AnalyticsEvent } from './schema.js';
import { track } from './track.js';

/** Everything of an event but its name. */
export type EventInput = Omit<AnalyticsEvent, 'name'>;

function withProperties(input: EventInput, properties: Record<string, unknown>): EventInput {
  const defined = Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== undefined));
  return { ...input, properties: { ...input.properties, ...defined } };
}

export function trackLogin(input: EventInput & { method?: string } = {}): string {
  const { method, ...rest } = input;
  return track({ ...withProperties(rest, { method }), name: EVENT.login });
}

export function trackLogout(input: EventInput = {}): string {
  return track({ ...input, name: EVENT.logout });
}

/** A move from one page or route to another; `to` becomes the event's url.path. */
export function trackNavigation(from: string | undefined, to: string, input: EventInput = {}): string {
  return track({ ...withProperties(input, { from }), name: EVENT.navigation, context: { ...input.context, path: to } });
}

export function trackPageView(path: string, input: EventInput & { title?: string } = {}): string {
  const { title, ...rest } = input;
  return track({ ...rest, name: EVENT.pageView, context: { ...rest.context, path, ...(title ? { title } : {}) } });
}

export function trackSessionStart(input: EventInput = {}): string {
  return track({ ...input, name: EVENT.sessionStart });
}

export function trackSessionEnd(input: EventInput & { durationMs?: number } = {}): string {
  const { durationMs, ...rest } = input;
  return track({ ...withProperties(rest, { durationMs }), name: EVENT.sessionEnd });
}

export interface MigrationActivity {
  migrationId: string;
  template?: string;
  sourceOrg?: string;
  targetOrg?: string;
}

export function trackMigrationCreated(migration: MigrationActivity, input: EventInput = {}): string {
  return track({
    ...withProperties(input, {
      resource_type: 'migration',
      resource_id: migration.migrationId,
      template: migration.template,
      source_org: migration.sourceOrg,
      target_org: migration.targetOrg,
    }),
    name: EVENT.migrationCreated,
  });
}

export function trackMigrationExecuted(
  migration: MigrationActivity & { runId?: string; outcome?: string; recordsProcessed?: number },
  input: EventInput = {},
): string {
  return track({
    ...withProperties(input, {
      resource_type: 'migration',
      resource_id: migration.migrationId,
      template: migration.template,
      source_org: migration.sourceOrg,
      target_org: migration.targetOrg,
      run_id: migration.runId,
      outcome: migration.outcome,
      records_processed: migration.recordsProcessed,
    }),
    name: EVENT.migrationExecuted,
  });
}

/** An organisation (e.g. a Salesforce org) connected by the user; its type feeds segmentation. */
export function trackOrganisationConnected(org: { orgId: string; orgType?: string }, input: EventInput = {}): string {
  return track({
    ...withProperties(input, { resource_type: 'organisation', resource_id: org.orgId }),
    orgId: input.orgId ?? org.orgId,
    ...((org.orgType ?? input.orgType) ? { orgType: org.orgType ?? input.orgType } : {}),
    name: EVENT.organisationConnected,
  });
}

export function trackFeatureUsage(feature: string, input: EventInput & { durationMs?: number } = {}): string {
  const { durationMs, ...rest } = input;
  return track({ ...withProperties(rest, { feature, durationMs }), name: EVENT.featureUsed });
}
