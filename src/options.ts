/**
 * Typed options for start(), the @vercel/otel and Sentry way: what code passes wins, the environment fills in the
 * rest, and src/config.ts validates both the same way. One table below is the whole contract: each option names
 * the environment variable it stands for and the kind of value it takes, the `ConfigOptions` type is derived
 * from it, the variable's row in the README's table says what it means and its default, and
 * tests/config-options.test.ts holds this table and src/config.ts against the README.
 */
import { ConfigError, loadConfig, type Config, type Env } from './config.js';

type Kind = 'string' | 'boolean' | 'number' | readonly string[];

interface OptionSpec {
  /** The environment variable this option stands for (its value is validated under this name). */
  readonly variable: string;
  readonly kind: Kind;
}

export const CONFIG_OPTIONS = {
  disabled: { variable: 'OTEL_SDK_DISABLED', kind: 'boolean' },
  serviceName: { variable: 'OTEL_SERVICE_NAME', kind: 'string' },
  serviceVersion: { variable: 'TC9_SERVICE_VERSION', kind: 'string' },
  environment: { variable: 'TC9_ENVIRONMENT', kind: 'string' },
  release: { variable: 'TC9_RELEASE', kind: 'string' },
  logLevel: { variable: 'OTEL_LOG_LEVEL', kind: ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] },
  exporter: { variable: 'TC9_EXPORTER', kind: ['otlp', 'store', 'none'] },
  otlpEndpoint: { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', kind: 'string' },
  sampleRatio: { variable: 'OTEL_TRACES_SAMPLER_ARG', kind: 'number' },
  sentryDsn: { variable: 'SENTRY_DSN', kind: 'string' },
  clickhouseUrl: { variable: 'CLICKHOUSE_URL', kind: 'string' },
  dataDir: { variable: 'TC9_DATA_DIR', kind: 'string' },
  redact: { variable: 'TC9_PRIVACY_REDACT', kind: 'boolean' },
  consentMode: { variable: 'TC9_CONSENT_MODE', kind: ['drop', 'pseudonymize'] },
  defaultConsent: { variable: 'TC9_CONSENT_DEFAULT', kind: ['denied', 'granted'] },
  ipMode: { variable: 'TC9_IP_MODE', kind: ['drop', 'truncate', 'keep'] },
  shutdownTimeoutMs: { variable: 'TC9_SHUTDOWN_TIMEOUT_MS', kind: 'number' },
} as const satisfies Record<string, OptionSpec>;

type ValueOf<K> = K extends 'string'
  ? string
  : K extends 'boolean'
    ? boolean
    : K extends 'number'
      ? number
      : K extends readonly (infer V)[]
        ? V
        : never;

/** Options start() takes; each falls back to its environment variable, then to the default. */
export type ConfigOptions = { -readonly [O in keyof typeof CONFIG_OPTIONS]?: ValueOf<(typeof CONFIG_OPTIONS)[O]['kind']> };

/** Variables an option replaces besides its own (so the option wins over every other source of the same value). */
const SHADOWED: Partial<Record<keyof ConfigOptions, string[]>> = {
  environment: ['SENTRY_ENVIRONMENT'],
  release: ['SENTRY_RELEASE'],
};

/**
 * The configuration from options over an environment: each option replaces its variable, then loadConfig
 * validates everything. A bad option throws ConfigError naming the option (not the variable it stands for).
 */
export function configFrom(options: ConfigOptions, env: Env = process.env): Config {
  const merged: Env = { ...env };
  const optionOf = new Map<string, string>();
  for (const [name, spec] of Object.entries(CONFIG_OPTIONS) as [keyof ConfigOptions, OptionSpec][]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!accepts(spec.kind, value)) throw new ConfigError(`start option ${name}`, String(value), describeKind(spec.kind));
    merged[spec.variable] = String(value);
    optionOf.set(spec.variable, name);
    for (const shadowed of SHADOWED[name] ?? []) delete merged[shadowed];
  }
  // A ratio means the ratio sampler (parent-based: a sampled parent keeps its children).
  if (options.sampleRatio !== undefined) merged.OTEL_TRACES_SAMPLER = 'parentbased_traceidratio';
  try {
    return loadConfig(merged);
  } catch (error) {
    const option = error instanceof ConfigError ? optionOf.get(error.variable) : undefined;
    if (error instanceof ConfigError && option) throw new ConfigError(`start option ${option}`, error.value, error.accepts);
    throw error;
  }
}

function accepts(kind: Kind, value: unknown): boolean {
  if (kind === 'string') return typeof value === 'string';
  if (kind === 'boolean') return typeof value === 'boolean';
  if (kind === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === 'string' && kind.includes(value);
}

function describeKind(kind: Kind): string {
  return typeof kind === 'string' ? `a ${kind}` : `one of ${kind.join(', ')}`;
}
