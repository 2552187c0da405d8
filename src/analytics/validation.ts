/**
 * The error bad input to the analytics API gets: every problem, each naming its field
 * (`event.context.url: must be an http(s) URL`).
 */
import type { z } from 'zod';

export interface ValidationIssue {
  /** Dotted path from the argument, e.g. "event.properties.plan". */
  path: string;
  message: string;
}

export class ValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
  }

  /** `root`: the path of the validated value, e.g. ['event'] or ['events', 3]. */
  static fromZod(error: z.ZodError, root: PropertyKey[]): ValidationError {
    return new ValidationError(error.issues.map((issue) => ({ path: formatPath([...root, ...issue.path]), message: issue.message })));
  }
}

/** Plainer words than zod's defaults for the common cases; messages set on a schema take precedence. */
export const plainMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  return `must be ${issue.expected === 'object' || issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}`;
};

/** `event.properties["first name"]`, `events[2].name` */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? (out ? `${out}.${name}` : name) : `${out}[${JSON.stringify(name)}]`;
  }, '');
}
