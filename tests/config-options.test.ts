/**
 * start()'s typed options over the environment, and the README's configuration tables held against the code:
 * every variable src/config.ts reads (seen by handing it an environment that records each read) has a row, and
 * the options table is exactly CONFIG_OPTIONS.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, debugRequested, loadConfig, type Env } from '../src/config.js';
import { CONFIG_OPTIONS, configFrom } from '../src/options.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const configSection = README.slice(README.indexOf('## Configuration'), README.indexOf('\n## ', README.indexOf('## Configuration') + 5));

describe('start() options', () => {
  it('win over the environment, which fills in the rest', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env', SENTRY_RELEASE: 'env-release', TC9_IP_MODE: 'drop', SENTRY_ENVIRONMENT: 'env-staging' };
    const config = configFrom(
      {
        serviceName: 'checkout',
        release: 'checkout@2.0.0',
        environment: 'production',
        sampleRatio: 0.25,
        exporter: 'none',
        redact: false,
        sentryDsn: 'https://k@o0.ingest.sentry.io/7',
      },
      env,
    );
    expect(config).toMatchObject({ serviceName: 'checkout', release: 'checkout@2.0.0', environment: 'production', exporter: 'none' });
    expect(config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(config.privacy).toMatchObject({ redact: false, ipMode: 'drop' });
    expect(config.sentry.dsn).toBe('https://k@o0.ingest.sentry.io/7');
    expect(configFrom({}, env).serviceName).toBe('from-env');
    // Nothing passed: exactly what the environment alone gives.
    expect(configFrom({}, env)).toEqual(loadConfig(env));
  });

  it('a bad option is reported under its own name', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(message(() => configFrom({ sampleRatio: 2 }, {}))).toMatch(/start option sampleRatio.*a number from 0 to 1/);
    expect(message(() => configFrom({ exporter: 'kafka' as never }, {}))).toMatch(/start option exporter.*one of otlp, store, none/);
    expect(message(() => configFrom({ redact: 'yes' as never }, {}))).toMatch(/start option redact.*a boolean/);
    expect(message(() => configFrom({ sentryDsn: 'not a dsn' }, {}))).toMatch(/start option sentryDsn.*Sentry DSN/);
  });
});

describe('README configuration tables', () => {
  /** Backticked names in the section, with `{A,B}` groups expanded. */
  const documented = new Set(
    [...configSection.matchAll(/`([A-Z][A-Z0-9_{},]*)`/g)].flatMap(([, name]) => {
      const group = /\{([^}]+)\}/.exec(name!);
      return group ? group[1]!.split(',').map((part) => name!.replace(group[0], part)) : [name!];
    }),
  );

  it('has a row for every variable src/config.ts reads', () => {
    const read = new Set<string>();
    const recording = new Proxy({} as Env, {
      get: (_target, key) => {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    });
    loadConfig(recording);
    debugRequested(recording);
    // Sources of defaults, not settings of ours.
    const ignore = new Set(['npm_package_name', 'npm_package_version', 'NODE_ENV']);
    const missing = [...read].filter((v) => !ignore.has(v) && !documented.has(v));
    expect(read.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('lists exactly the typed options, each with its variable', () => {
    const rows = [...configSection.matchAll(/^\| `([a-zA-Z]+)` \| `([A-Z0-9_]+)` \|/gm)].map(([, option, variable]) => [option, variable]);
    expect(rows).toEqual(Object.entries(CONFIG_OPTIONS).map(([option, spec]) => [option, spec.variable]));
  });
});
