/**
 * The demo's sessions are visits: the reference service's sign-in (examples/migration-service/routes/
 * sessions.ts) takes the session id the browser tracker sends with it (x-session-id), so the views before
 * sign-in and the server's events after it are one session. The demo run itself is checked in demo.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionStore } from '../../examples/migration-service/routes/sessions.js';

describe("sign-in takes the visit's session id", () => {
  it('adopts a UUID the client sent, once per visit; another user or a made-up id gets a new one', () => {
    const sessions = new SessionStore();
    const visit = randomUUID();
    const first = sessions.open('user-7', visit);
    expect(first).toMatchObject({ sessionId: visit, started: true });

    // The same user signing in again within the visit keeps the session (no second session.start).
    expect(sessions.open('user-7', visit.toUpperCase())).toEqual({ sessionId: visit, startedAt: first.startedAt, started: false });

    // Another user's open session is never joined; ids the tracker does not make are not taken.
    const other = sessions.open('user-8', visit);
    expect(other.started).toBe(true);
    expect(other.sessionId).not.toBe(visit);
    for (const made of ['anon-user-8', '', undefined, `${visit}x`]) {
      const opened = sessions.open('user-8', made);
      expect(opened.sessionId).not.toBe(made);
      expect(opened.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }

    // Signed out, the visit's session is closed.
    expect(sessions.close(visit)).toMatchObject({ userId: 'user-7' });
    expect(sessions.close(visit)).toBeUndefined();
  });
});
