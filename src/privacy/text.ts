/**
 * Secrets and personal data inside free text (attribute values, URLs, SQL, log bodies, messages):
 * credentials in URLs, e-mail addresses, bearer/basic tokens, JWTs, secret-named query parameters and
 * key=value pairs, and payment card numbers (Luhn-checked, known issuer prefixes). Each rule runs only
 * when a cheap test says the text could hold what it looks for.
 *
 * One rule set for every way out of the process (spans, logs, events, the ingest door, Sentry). Sentry
 * events add the strict rule (scrubTextStrict): any key=value whose key merely starts like a secret
 * (auth..., token..., pass..., session...). An error message is worth little next to what it may leak,
 * but on span attributes the same rule would eat values such as "author: ..." and "passenger=...".
 */
export const REDACTED = '[redacted]';

type Rule = { when: (s: string) => boolean; pattern: RegExp; replace: string | ((match: string, ...groups: string[]) => string) };

/** Query parameter names that carry secrets, optionally prefixed (access_token, x-api-key, csrf_token, ...). */
const SECRET_PARAM =
  '(?:(?:access|refresh|id|auth|api|client|session|private|csrf|xsrf|x|reset|oauth)[_-])?' +
  '(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|signature|sig|jwt|auth|sessionid|session[_-]?id|code|key)';

const RULES: Rule[] = [
  // scheme://user:password@host: before the e-mail rule sees "password@host".
  {
    when: (s) => s.includes('://') && s.includes('@'),
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi,
    replace: `$1:${REDACTED}@`,
  },
  { when: (s) => s.includes('@'), pattern: /\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}\b/gi, replace: '[email]' },
  {
    when: (s) => /bearer|basic|token /i.test(s),
    pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{6,}=*/gi,
    replace: `$1 ${REDACTED}`,
  },
  { when: (s) => s.includes('eyJ'), pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: '[jwt]' },
  // Query strings, fragments and form bodies: ?token=..., &password=..., #access_token=...
  {
    // Every SECRET_PARAM name ends in one of these, right before the "=".
    when: (s) => s.includes('=') && /(?:pwd|pass(?:wd|word|phrase)|secret|token|key|credentials?|signature|sig|jwt|auth|id|code)=/i.test(s),
    pattern: new RegExp(`([?&;#]|^)(${SECRET_PARAM})=([^&#\\s;'"()]*)`, 'gi'),
    replace: (_m, sep: string, name: string, value: string) => (value === '' ? `${sep}${name}=` : `${sep}${name}=${REDACTED}`),
  },
  // key: value / key = 'value' in SQL, JSON-ish text and log lines, for the unambiguous names.
  {
    // Every name below contains one of these: SQL and log lines without them skip the costly pattern.
    when: (s) => (s.includes('=') || s.includes(':')) && /pass|pwd|secret|key|token/i.test(s),
    pattern:
      /\b((?:[a-z]+[_-])?(?:password|passwd|pwd|passphrase|secret|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key|auth[_-]?token|token))(["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"',;&)}]+/gi,
    replace: `$1$2${REDACTED}`,
  },
  { when: (s) => /\d{4}/.test(s), pattern: /(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])/g, replace: (m) => (isCardNumber(m) ? '[card]' : m) },
];

/** Holds what at least one rule's `when` needs: most attribute values (names, routes, hosts) hold none of it. */
const ANY_RULE = /[@=:]|bearer|basic|token |eyJ|\d{4}/i;

/**
 * A UUID (every event's tc9.event.id) holds nothing a rule looks for, but often four digits in a row, which
 * sent it through every rule: it has no @ = : or space, no "eyJ" (no y in hex), and a card number needs
 * 13-19 digits between non-digits, where an all-digit UUID has 32.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any key=value / key: value whose key starts like a secret's name: Sentry events only (see the top). */
const STRICT_RULE: Rule = {
  when: (s) => (s.includes('=') || s.includes(':')) && /pass|secret|token|key|auth|session/i.test(s),
  pattern:
    /\b((?:pass(?:word)?|secret|token|api[-_]?key|access[-_]?key|auth|session)[A-Za-z_-]*)(["']?\s*[=:]\s*["']?)(?!\[redacted\])[^\s&"',;]+/gi,
  replace: `$1$2${REDACTED}`,
};
const STRICT_RULES = [...RULES.slice(0, -1), STRICT_RULE, RULES[RULES.length - 1]!];

export function scrubText(text: string): string {
  return scrub(text, RULES);
}

/** scrubText plus the strict rule: for error events (Sentry), where over-redacting costs little. */
export function scrubTextStrict(text: string): string {
  return scrub(text, STRICT_RULES);
}

function scrub(text: string, rules: readonly Rule[]): string {
  if (text.length === 36 && UUID.test(text)) return text;
  if (!ANY_RULE.test(text)) return text;
  let out = text;
  for (const rule of rules) {
    if (rule.when(out)) out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return out;
}

/** 13-19 digits of a known issuer range passing the Luhn check (so order numbers and timestamps stay). */
export function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || !/^\d+$/.test(digits)) return false;
  // Visa 4, Mastercard 51-55 and 2221-2720, Amex 34/37, Discover 6011/644-649/65, Diners 36/38/300-305, JCB 35, UnionPay 62.
  if (!/^(4|5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720)|3[47]|6011|64[4-9]|65|3[068]|35|62)/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
