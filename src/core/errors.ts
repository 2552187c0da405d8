/**
 * What a thrown value becomes wherever we record or report it. Every layer catches values that need not be
 * Errors (a rejected string, a plain object from a client library), so this lives in the core: one rule for
 * the exception on a span, the message of a status, and the text of a diag line.
 */

/** Anything thrown, as an Error (a thrown string keeps its text; an object its message). */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    const e = new Error((value as { message: string }).message);
    const name = (value as { name?: unknown }).name;
    if (typeof name === 'string') e.name = name;
    return Object.assign(e, { cause: value });
  }
  return new Error(typeof value === 'string' ? value : `Non-error thrown: ${safeString(value)}`);
}

/**
 * An error as one line of a diag message: its message, with a system error's code when the message does not
 * already say it ("connect ECONNREFUSED 127.0.0.1:4318" does, a fetch failure's "fetch failed" does not).
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return error === undefined ? 'unknown error' : String(error);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
