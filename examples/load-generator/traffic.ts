/**
 * Background API traffic at a steady rate: reads of every route, polling of runs, now and then a request for a
 * missing resource (404), an invalid body (400) and the deliberate error route (500), so the Performance and
 * Errors dashboards have a realistic mix.
 */
import type { MigrationApi, Project } from './api.js';

export interface TrafficStats {
  requests: number;
  failures: number;
}

type Step = (api: MigrationApi, projects: readonly Project[], random: () => number) => Promise<{ ok: boolean; status: number }>;

const WEIGHTED_STEPS: Array<[number, Step]> = [
  [30, (api) => api.call('GET', '/projects')],
  [20, (api) => api.call('GET', '/organisations')],
  [
    25,
    (api, projects, random) => (projects.length ? api.call('GET', `/projects/${pick(projects, random).id}`) : api.call('GET', '/projects')),
  ],
  [10, (api) => api.call('GET', '/health')],
  [6, (api) => api.call('GET', '/runs/00000000-0000-4000-8000-000000000000')],
  [5, (api) => api.call('POST', '/organisations', { name: '', type: 'unknown' })],
  [4, (api) => api.call('GET', '/debug/error')],
];
const TOTAL_WEIGHT = WEIGHTED_STEPS.reduce((sum, [w]) => sum + w, 0);

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

export async function trafficStep(
  api: MigrationApi,
  projects: readonly Project[],
  stats: TrafficStats,
  random = Math.random,
): Promise<void> {
  let roll = random() * TOTAL_WEIGHT;
  let step = WEIGHTED_STEPS[0]![1];
  for (const [weight, candidate] of WEIGHTED_STEPS) {
    if (roll < weight) {
      step = candidate;
      break;
    }
    roll -= weight;
  }
  const result = await step(api, projects, random);
  stats.requests += 1;
  if (result.status === 0 || result.status >= 500) stats.failures += 1;
}
