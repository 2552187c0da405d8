/**
 * A small tRPC (v11) API observed by tc9-observability/trpc: every procedure goes through trpcObservability,
 * which names the HTTP server span's route after the procedure, adds an RPC span, takes the caller from the
 * context and classifies failures by their TRPCError code.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { trackFeatureUsage } from 'tc9-observability';
import { trpcObservability } from 'tc9-observability/trpc';
import { z } from 'zod';

export interface Context {
  userId?: string;
  sessionId?: string;
}

const t = initTRPC.context<Context>().create();

/** Every procedure of this API is observed: one middleware on the base procedure. */
const procedure = t.procedure.use(
  trpcObservability<Context>({ identify: (ctx) => ({ userId: ctx.userId, sessionId: ctx.sessionId }), routePrefix: '/' }),
);

const projects: { id: number; name: string }[] = [];

export const appRouter = t.router({
  project: t.router({
    list: procedure.query(() => projects),
    create: procedure.input(z.object({ name: z.string().min(1) })).mutation(({ input, ctx }) => {
      const project = { id: projects.length + 1, name: input.name };
      projects.push(project);
      trackFeatureUsage('project.create', { userId: ctx.userId, sessionId: ctx.sessionId });
      return project;
    }),
    /** Fails on the server's side: a bug, reported to Sentry and the Errors views. */
    archive: procedure.input(z.object({ id: z.number() })).mutation(() => {
      throw new Error('archive store unavailable');
    }),
  }),
  admin: t.router({
    /** Refuses callers without a user: the client's error, not the server's. */
    stats: procedure.query(({ ctx }) => {
      if (!ctx.userId) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
      return { projects: projects.length };
    }),
  }),
});

export type AppRouter = typeof appRouter;
