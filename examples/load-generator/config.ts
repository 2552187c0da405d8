/** The load generator's own configuration (an example application: src/config.ts is the library's, not its). */
import { z } from 'zod';

const GeneratorEnv = z.object({
  /** Base URL of the reference migration service. */
  TARGET_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  /** API requests per second (browsing traffic besides the journeys). */
  LOAD_RPS: z.coerce.number().min(0.1).max(500).default(4),
  /** Simulated people using the product; each runs one session at a time. */
  LOAD_USERS: z.coerce.number().int().min(1).max(10_000).default(40),
  /** New sessions started per minute across all users. */
  LOAD_SESSIONS_PER_MINUTE: z.coerce.number().min(0).max(10_000).default(30),
  /** Share of started migration runs told to break down in a phase (failed runs for the dashboards). */
  LOAD_RUN_FAILURE_SHARE: z.coerce.number().min(0).max(1).default(0.1),
  /** Where the simulated browser sends its analytics events (OTLP/HTTP logs). */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4318'),
  /** Environment the events are tagged with (deployment.environment.name). */
  TC9_ENVIRONMENT: z.string().min(1).default('development'),
  /** Stop after this many seconds; 0 runs until SIGTERM. */
  LOAD_DURATION_S: z.coerce.number().min(0).default(0),
});

export interface GeneratorConfig {
  targetUrl: string;
  requestsPerSecond: number;
  users: number;
  sessionsPerMinute: number;
  runFailureShare: number;
  logsUrl: string;
  environment: string;
  durationMs: number;
}

export function loadGeneratorConfig(env: Record<string, string | undefined>): GeneratorConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = GeneratorEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`load-generator: invalid environment: ${problems}`);
  }
  const e = result.data;
  return {
    targetUrl: e.TARGET_URL.replace(/\/+$/, ''),
    requestsPerSecond: e.LOAD_RPS,
    users: e.LOAD_USERS,
    sessionsPerMinute: e.LOAD_SESSIONS_PER_MINUTE,
    runFailureShare: e.LOAD_RUN_FAILURE_SHARE,
    logsUrl: `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/logs`,
    environment: e.TC9_ENVIRONMENT,
    durationMs: e.LOAD_DURATION_S * 1000,
  };
}
