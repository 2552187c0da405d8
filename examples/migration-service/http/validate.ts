import type { z } from 'zod';
import { HttpError } from './errors.js';

/** Parses `input` with `schema`; on failure a 400 whose message names each bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, where = 'body'): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : where;
    return `${field}: ${issue.message}`;
  });
  throw new HttpError(400, problems.join('; '));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are UUIDs; anything else cannot name an existing row. */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
