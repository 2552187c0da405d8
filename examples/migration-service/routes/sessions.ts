/**
 * Sign in and sign out. The service has no accounts of its own (an identity provider in front of it would
 * authenticate); signing in opens a session for the given user id, and the client then sends x-user-id
 * and x-session-id with its requests (read by expressIdentity).
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

interface Session {
  userId: string;
  startedAt: number;
}

/** Open sessions, in memory and bounded: past the limit the oldest is forgotten (it can sign in again). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  constructor(private readonly maxSessions = 10_000) {}

  open(userId: string): { sessionId: string; startedAt: Date } {
    const sessionId = randomUUID();
    const startedAt = Date.now();
    this.sessions.set(sessionId, { userId, startedAt });
    if (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    return { sessionId, startedAt: new Date(startedAt) };
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
    const { sessionId, startedAt } = sessions.open(input.userId);
    const who = { userId: input.userId, sessionId };
    emitEvent('user.login', () => trackLogin({ ...who, method: input.method }));
    emitEvent('session.start', () => trackSessionStart(who));
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
