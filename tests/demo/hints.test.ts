/** What the demo tells the user at its end: where the errors went and how to see them locally (Spotlight). */
import { describe, expect, it } from 'vitest';
import { errorsHint } from '../../src/demo/index.js';

describe('the demo hint about errors', () => {
  it('without SENTRY_DSN, gives the exact commands for Spotlight: what to start, and the variables to run the demo with', () => {
    const hint = errorsHint(3, undefined);
    expect(hint).toMatch(/^Errors: 3 captured into the store/);
    expect(hint).toContain('`npx @spotlightjs/spotlight`');
    // The whole command line to run next, with both variables: Spotlight on, and a DSN (Sentry only starts with one)
    // that points at this machine, so nothing leaves it.
    expect(hint).toMatch(/^ +SENTRY_SPOTLIGHT=1 SENTRY_DSN=http:\/\/spotlight@localhost:8969\/0 npx tc9-obs demo$/m);
  });

  it('with SENTRY_DSN, names the Sentry host only', () => {
    expect(errorsHint(2, 'https://key@o0.ingest.sentry.io/1')).toBe('Errors: 2 captured; also sent to Sentry (o0.ingest.sentry.io).');
  });
});
