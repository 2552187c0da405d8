/**
 * The running SDK as the API sees it. start() (tc9-observability/sdk, or /register) leaves a handle here and the
 * main entry's shutdown() flushes through it, so the API never imports the SDK. A global symbol rather than
 * module state: a second copy of this package (another version, or CommonJS beside ESM) sees the same SDK.
 */
interface SdkHandle {
  shutdown(): Promise<void>;
}

const KEY = Symbol.for('tc9-observability.sdk');
const slot = globalThis as { [KEY]?: SdkHandle };

export function setSdkHandle(handle: SdkHandle | undefined): void {
  slot[KEY] = handle;
}

/** Flushes and stops the running telemetry, if start() or /register started it; resolves at once otherwise. */
export async function shutdown(): Promise<void> {
  await slot[KEY]?.shutdown();
}
