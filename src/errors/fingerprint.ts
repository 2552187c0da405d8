/**
 * A stable fingerprint for grouping occurrences of the same error: its type, its message with the
 * variable parts (ids, numbers, UUIDs, hex, e-mails, URLs, quoted values) replaced by placeholders, and
 * the function and file names of its top in-app stack frames (no line numbers: they move with every
 * deploy), hashed. Two errors that differ only in such values share a fingerprint.
 */
import { createHash } from 'node:crypto';

const IN_APP_FRAMES = 5;

/** Order matters: the wider patterns (URLs, e-mails, UUIDs) go before the parts they contain. */
const MESSAGE_RULES: [RegExp, string][] = [
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`<>]+/gi, '<url>'],
  [/\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}\b/gi, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '<str>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<date>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Long hex runs (hashes, object ids) and mixed letter-digit tokens (Salesforce ids, order numbers).
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{6,}\b/g, '<id>'],
  [/\d+(?:\.\d+)?/g, '<n>'],
];

export function normalizeMessage(message: string): string {
  let out = message;
  for (const [pattern, placeholder] of MESSAGE_RULES) out = out.replace(pattern, placeholder);
  return out.replace(/\s+/g, ' ').trim();
}

export interface Frame {
  fn: string;
  file: string;
}

/** V8 stack lines: "    at fn (file:line:col)", "    at file:line:col", "    at async fn (...)". */
const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?)(?::\d+)?(?::\d+)?\)?$/;

/** The top in-app frames: not node internals, not node_modules. */
export function inAppFrames(stack: string | undefined, limit = IN_APP_FRAMES): Frame[] {
  if (!stack) return [];
  const frames: Frame[] = [];
  for (const line of stack.split('\n')) {
    if (frames.length >= limit) break;
    const m = FRAME.exec(line);
    if (!m || !line.trimStart().startsWith('at ')) continue;
    const location = m[2]!;
    if (/^node:|^internal\/|node_modules|^<anonymous>$|^native$/.test(location)) continue;
    frames.push({ fn: normalizeFunction(m[1] ?? '<anonymous>'), file: shortFile(location) });
  }
  return frames;
}

/** Function names without the parts that vary per call: "Object.<anonymous>", "async ", "[as x]". */
function normalizeFunction(fn: string): string {
  return fn
    .replace(/^async /, '')
    .replace(/ \[as [^\]]+\]$/, '')
    .replace(/^new /, '');
}

/** The last two path segments, without file:// and query: stable across checkouts and build directories. */
function shortFile(location: string): string {
  const path = location.replace(/^file:\/\//, '').replace(/[?#].*$/, '');
  return path.split(/[\\/]/).slice(-2).join('/');
}

export function fingerprint(type: string, message: string, stack: string | undefined): string {
  const frames = inAppFrames(stack).map((f) => `${f.fn}@${f.file}`);
  return createHash('sha256')
    .update([type, normalizeMessage(message), ...frames].join('\n'))
    .digest('hex')
    .slice(0, 32);
}
