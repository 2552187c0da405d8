/**
 * Sign in and sign out. The service has no accounts of its own (an identity provider in front of it would
 * authenticate); signing in opens a session for the given user id, and the client then sends x-user-id
 * and x-session-id with its requests (read by expressIdentity).
 *
 * The session is the visit's: the browser tracker makes a session id per visit and sends it with the app's
 * requests (tracker.headers(): x-session-id), the sign-in request too, so the sign-in adopts it and the
 * page views before it, the server's events and the page views after it are one session in the analytics.
 * Without one (or one open for another user, or not a UUID as the tracker makes) it opens a new id. The id
 * names a visit for the analytics; it is not a credential (this service trusts x-user-id, see above).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { trackLogin, trackLogout, trackSessionEnd, trackSessionStart } from 'tc9-observability';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import { validate } from '../http/validate.js';
import { emitEvent } from '../telemetry/events.js';

const SignIn = z.object({
  userId: z
    .string()
    .trim()
    .min(1)
    .max(256)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the class matches control characters on purpose, to refuse them
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters'),
  method: z.enum(['password', 'sso', 'magic_link']).default('password'),
});

/** A session id as the browser tracker makes them (src/browser/ids.ts): a random UUID. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Session {
  userId: string;
  startedAt: number;
}

/** Open sessions, in memory and bounded: past the limit the oldest is forgotten (it can sign in again). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly maxSessions = 10_000) {}

  /**
   * Opens a session for the user: the visit's id the client sent when it is a UUID not open for another
   * user (the same user signing in again within the visit keeps the session: `started` false), else a new one.
   */
  open(userId: string, visitId?: string): { sessionId: string; startedAt: Date; started: boolean } {
    const given = visitId && UUID.test(visitId) ? visitId.toLowerCase() : undefined;
    const open = given === undefined ? undefined : this.sessions.get(given);
    if (given !== undefined && open?.userId === userId) return { sessionId: given, startedAt: new Date(open.startedAt), started: false };
    const sessionId = given !== undefined && !open ? given : randomUUID();
    const startedAt = Date.now();
    this.sessions.set(sessionId, { userId, startedAt });
    if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    return { sessionId, startedAt: new Date(startedAt), started: true };
  }

  close(sessionId: string): Session | undefined {
    const session = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    return session;
  }
}

export function sessionRoutes(sessions: SessionStore): Router {
  const router = Router();

  router.post('/sessions', (req, res) => {
    const input = validate(SignIn, req.body);
    // The header itself, not the baggage: the service works the same without telemetry started.
    const { sessionId, startedAt, started } = sessions.open(input.userId, req.get('x-session-id')?.trim());
    const who = { userId: input.userId, sessionId };
    emitEvent('user.login', () => trackLogin({ ...who, method: input.method }));
    if (started) emitEvent('session.start', () => trackSessionStart(who));
    res.status(201).json({ sessionId, userId: input.userId, startedAt });
  });

  router.delete('/sessions/current', (req, res) => {
    // The header itself, not the baggage: the service works the same without telemetry started.
    const sessionId = req.get('x-session-id')?.trim();
    if (!sessionId) throw new HttpError(401, 'x-session-id: no session given');
    const session = sessions.close(sessionId);
    if (!session) throw new HttpError(404, `session ${sessionId} not found`);
    const who = { userId: session.userId, sessionId };
    emitEvent('user.logout', () => trackLogout(who));
    emitEvent('session.end', () => trackSessionEnd({ ...who, durationMs: Date.now() - session.startedAt }));
    res.status(204).end();
  });

  return router;
}
