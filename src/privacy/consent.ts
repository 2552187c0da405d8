/**
 * Per-user analytics consent, held in memory by the object the application creates (or the one
 * createPrivacyProcessors returns). Bounded: past `maxUsers` entries the least recently set one is
 * forgotten, and a forgotten user counts as not having consented, which is the safe side.
 */
export type ConsentState = 'granted' | 'denied' | 'unknown';

export interface ConsentOptions {
  /** Entries kept (default 100,000). */
  maxUsers?: number;
  /** What users never set count as (default 'denied': no consent without a yes). */
  defaultConsent?: 'granted' | 'denied';
}

export class ConsentRegistry {
  private readonly users = new Map<string, boolean>();
  private readonly maxUsers: number;
  readonly defaultConsent: 'granted' | 'denied';

  constructor(options: ConsentOptions = {}) {
    this.maxUsers = Math.max(1, Math.floor(options.maxUsers ?? 100_000));
    this.defaultConsent = options.defaultConsent ?? 'denied';
  }

  /** Records the user's choice (e.g. at login, from their stored preference, or when they change it). */
  set(userId: string, granted: boolean): void {
    if (typeof userId !== 'string' || userId === '')
      throw new TypeError('tc9-observability: setConsent: userId must be a non-empty string');
    this.users.delete(userId);
    this.users.set(userId, granted === true);
    if (this.users.size > this.maxUsers) this.users.delete(this.users.keys().next().value as string);
  }

  /** The spec's name for set(). */
  setConsent(userId: string, granted: boolean): void {
    this.set(userId, granted);
  }

  /** Forgets the user (their events then follow defaultConsent). */
  delete(userId: string): void {
    this.users.delete(userId);
  }

  state(userId: string): ConsentState {
    const granted = this.users.get(userId);
    return granted === undefined ? 'unknown' : granted ? 'granted' : 'denied';
  }

  /** Whether analytics about this user may be kept as they are. */
  granted(userId: string): boolean {
    const granted = this.users.get(userId);
    return granted ?? this.defaultConsent === 'granted';
  }

  get size(): number {
    return this.users.size;
  }
}
