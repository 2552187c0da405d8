/**
 * `node --import tc9-observability/register app.js`: instruments the app before it loads.
 * 1. Reads the configuration; an invalid value stops startup with one clear message and exit code 1.
 * 2. Registers OTel's ESM loader hook once, so `import express from 'express'` is instrumented too
 *    (CommonJS `require` is hooked by the instrumentations themselves).
 * 3. Starts OpenTelemetry, then Sentry. Top-level await: the app starts only after this finished.
 * With OTEL_SDK_DISABLED=true nothing is registered or loaded beyond the configuration.
 */
import { register } from 'node:module';
import { ConfigError, loadConfig, type Config } from './config.js';

function fail(error: ConfigError): never {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

let config: Config | undefined;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error);
  throw error;
}

if (!config.disabled) {
  // The SDK is loaded before the hook is registered: only the app's modules need to pass through it,
  // and hooking our own few hundred modules would slow startup down for nothing.
  const { start } = await import('./sdk/start.js');
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  await start({ config }).catch((error: unknown) => {
    if (error instanceof ConfigError) fail(error);
    throw error;
  });
}
