/** The service's own configuration (it is an application, not part of the library: src/config.ts is not its). */
import { z } from 'zod';
import { DEFAULT_DATABASE_URL, type ServerOptions } from './app.js';
import { DEFAULT_API_LATENCY } from './run/salesforce.js';

const ServiceEnv = z.object({
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Base latency of each simulated Salesforce API call, in ms (slower runs for demos). */
  API_LATENCY_MS: z.coerce.number().min(0).max(60_000).default(DEFAULT_API_LATENCY.baseMs),
});

export function loadServiceConfig(env: Record<string, string | undefined>): ServerOptions & { port: number; host: string } {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = ServiceEnv.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`migration-service: invalid environment: ${problems}`);
  }
  const { DATABASE_URL, PORT, HOST, API_LATENCY_MS } = result.data;
  return {
    databaseUrl: DATABASE_URL,
    port: PORT,
    host: HOST,
    apiLatency: { ...DEFAULT_API_LATENCY, baseMs: API_LATENCY_MS },
  };
}
