/**
 * Flush telemetry when the process ends, then let it end exactly as it would have without us:
 * - SIGTERM / SIGINT and the app has no handler of its own: shut down (bounded), then re-raise the
 *   signal, so the process dies by it as before (exit status 128+n in a shell).
 * - The app has its own handler: it runs as before. We flush what we have, and when the app then
 *   calls process.exit(code) we first shut down (bounded) and then exit with that code; if the app
 *   lets the event loop drain instead, beforeExit does it.
 * - Normal end (beforeExit): shut down (bounded); the exit code stays process.exitCode.
 * Every wait is bounded by the shutdown timeout, so a dead collector cannot hold the process.
 */

export type Outcome = 'done' | 'timeout';

export interface Flushable {
  /**
   * Bounded by the shutdown timeout itself, and holds nothing open: after a signal the app handles, the process
   * ends when the app's own work does, and then beforeExit or process.exit runs the (bounded) shutdown. A flush
   * that kept the process up to the bound would put a second bound on top of the shutdown's.
   */
  flush(): Promise<unknown>;
  /** Bounded by the shutdown timeout itself; tells whether everything finished in time. */
  shutdown(): Promise<Outcome>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Resolves when `work` settles or after `ms`, whichever is first; never rejects. With `hold: false` the
 * timer does not keep the process alive (a wait nobody needs to end before the process does).
 */
export function withTimeout(work: Promise<unknown>, ms: number, { hold = true }: { hold?: boolean } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    if (!hold) timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      () => {
        clearTimeout(timer);
        resolve('done');
      },
    );
  });
}

/** Installs the process hooks; returns a function that removes them. */
export function installShutdownHooks(telemetry: Flushable): () => void {
  let shutdown: Promise<Outcome> | undefined;
  const shutdownOnce = () => (shutdown ??= telemetry.shutdown());

  const onSignal = (signal: NodeJS.Signals) => {
    const appHandles = process.listenerCount(signal) > 1;
    if (appHandles) {
      deferExitUntilShutdown();
      void telemetry.flush();
      return;
    }
    // A second signal while we flush means "now": re-raise at once.
    const done = shutdown ? Promise.resolve() : shutdownOnce();
    void done.then(() => {
      remove();
      process.kill(process.pid, signal);
    });
  };

  const onBeforeExit = () => {
    if (shutdown) return; // beforeExit fires again once our own shutdown work has drained
    void shutdownOnce().then((outcome) => {
      // A timed-out export may still hold a retry timer or socket; the app was exiting anyway.
      if (outcome === 'timeout') process.exit();
    });
  };

  // Only after a signal the app handles itself: its process.exit(code) waits for our (bounded) shutdown.
  let realExit: typeof process.exit | undefined;
  const deferExitUntilShutdown = () => {
    if (realExit) return;
    const exit = process.exit;
    realExit = exit;
    process.exit = ((code?: number | string | null) => {
      process.exit = exit; // a second call while we wait exits at once
      void shutdownOnce().then(() => exit.call(process, code));
      return undefined as never;
    }) as typeof process.exit;
  };

  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);

  function remove(): void {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  }
  return remove;
}
