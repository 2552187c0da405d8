/**
 * Sessions: a random id kept in storage (shared by the tabs of an origin when it is localStorage)
 * that rolls over after a period of inactivity, the way web analytics counts visits.
 */
import { uuid } from './ids.js';
import type { KeyValueStore } from './storage.js';

export const SESSION_TIMEOUT_MS = 30 * 60 * 1000;
const KEY = 'tc9.session';

interface StoredSession {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  /** Whether a touch reported the start yet: peek() may create a session before any event is recorded. */
  announced: boolean;
}

export interface SessionTouch {
  id: string;
  /** True when this touch started the session: the caller emits session.start. */
  started: boolean;
}

export class SessionManager {
  private current: StoredSession | undefined;

  constructor(
    private store: KeyValueStore,
    private readonly timeoutMs = SESSION_TIMEOUT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The session id without counting as activity (e.g. for request headers). */
  peek(): string {
    const session = this.load();
    if (session && this.now() - session.lastActivityAt < this.timeoutMs) return session.id;
    const fresh = this.create();
    this.save(fresh);
    return fresh.id;
  }

  /** Records activity; starts a new session when there is none or the last one timed out. */
  touch(): SessionTouch {
    const now = this.now();
    let session = this.load();
    if (!session || now - session.lastActivityAt >= this.timeoutMs) session = this.create();
    const started = !session.announced;
    session.announced = true;
    session.lastActivityAt = now;
    this.save(session);
    return { id: session.id, started };
  }

  /** Ends the session (logout / reset); the next touch starts a new one. */
  end(): void {
    this.current = undefined;
    this.store.remove(KEY);
  }

  /** Moves the session to another store (memory before consent, Web Storage after). */
  moveTo(store: KeyValueStore): void {
    const session = this.load();
    this.store.remove(KEY);
    this.store = store;
    if (session) this.save(session);
  }

  private create(): StoredSession {
    const now = this.now();
    return { id: uuid(), startedAt: now, lastActivityAt: now, announced: false };
  }

  private load(): StoredSession | undefined {
    // Another tab may have moved the session on: storage wins over the cached copy.
    const raw = this.store.get(KEY);
    if (raw) {
      try {
        const s = JSON.parse(raw) as Partial<StoredSession>;
        if (typeof s.id === 'string' && typeof s.lastActivityAt === 'number' && typeof s.startedAt === 'number') {
          this.current = { id: s.id, startedAt: s.startedAt, lastActivityAt: s.lastActivityAt, announced: s.announced !== false };
        }
      } catch {
        // corrupt entry: keep the cached session
      }
    }
    return this.current;
  }

  private save(session: StoredSession): void {
    this.current = session;
    this.store.set(KEY, JSON.stringify(session));
  }
}
