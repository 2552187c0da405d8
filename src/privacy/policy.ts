/**
 * What the privacy processors do to one attribute map or log record, per config.privacy:
 * 1. consent (analytics events only): a record about a user without consent is dropped or pseudonymised
 *    (consentMode); events from the browser tracker were only sent with consent and count as granted,
 *    unless the server knows the user said no;
 * 2. redaction of secret keys and of secrets / personal data inside values (redact, allowKeys, denyKeys);
 * 3. client IP addresses dropped or truncated (ipMode);
 * 4. user ids replaced by their HMAC when pseudonymizeKey is set.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { Config } from '../config.js';
import { ATTR } from '../semconv.js';
import { ConsentRegistry } from './consent.js';
import { IP_KEYS, applyIpMode, type IpMode } from './ip.js';
import { createPseudonymizer, processPseudonymizer, type Pseudonymizer } from './pseudonymize.js';
import { createRedactor, type Redactor } from './redact.js';

export type PrivacyConfig = Config['privacy'];

/** Attributes that identify a user (current and older semantic conventions). */
const USER_ID_KEYS = [ATTR.userId, 'enduser.id'];
/** What goes when an event is pseudonymised for lack of consent, besides the user and session ids. */
const IDENTIFYING_KEYS = [ATTR.userAgent, ATTR.clientAddress, 'http.request.header.user-agent'];

export type ConsentOutcome = 'keep' | 'pseudonymize' | 'drop';

export class PrivacyPolicy {
  readonly redactor: Redactor;
  readonly consent: ConsentRegistry;
  private readonly ipMode: IpMode;
  private readonly consentMode: PrivacyConfig['consentMode'];
  /** Configured key: every user id is pseudonymised. */
  private readonly pseudonymize: Pseudonymizer | undefined;
  /** For events without consent in pseudonymize mode: the configured key, else a per-process one. */
  private readonly consentPseudonymize: Pseudonymizer;

  constructor(config: PrivacyConfig, consent?: ConsentRegistry) {
    this.redactor = createRedactor(config);
    this.consent = consent ?? new ConsentRegistry({ defaultConsent: config.defaultConsent });
    this.ipMode = config.ipMode;
    this.consentMode = config.consentMode;
    this.pseudonymize = config.pseudonymizeKey ? createPseudonymizer(config.pseudonymizeKey) : undefined;
    this.consentPseudonymize = this.pseudonymize ?? processPseudonymizer();
  }

  /** What consent asks for this record's attributes. */
  consentFor(attributes: Attributes): ConsentOutcome {
    if (attributes[ATTR.eventKind] !== 'analytics') return 'keep';
    const userId = attributes[ATTR.userId];
    if (typeof userId !== 'string' || userId === '') return 'keep';
    const withoutConsent = this.consentMode === 'pseudonymize' ? 'pseudonymize' : 'drop';
    // The browser tracker sends only with the visitor's consent, so a user the server never asked counts as
    // granted there; but a "no" the server knows of (another device, a withdrawal) wins over the browser.
    if (attributes[ATTR.eventSource] === 'browser') return this.consent.state(userId) === 'denied' ? withoutConsent : 'keep';
    return this.consent.granted(userId) ? 'keep' : withoutConsent;
  }

  /**
   * Applies redaction, IP handling and pseudonymisation to an attribute map in place. With
   * `withoutConsent`, the user and session are pseudonymised and identifying attributes removed.
   */
  applyToAttributes(attributes: Attributes, withoutConsent = false): void {
    const a = attributes as Record<string, AttributeValue | undefined>;
    if (withoutConsent) {
      for (const key of [...USER_ID_KEYS, ATTR.sessionId]) {
        const v = a[key];
        if (typeof v === 'string' && v !== '') a[key] = this.consentPseudonymize(v);
      }
      for (const key of IDENTIFYING_KEYS) delete a[key];
      a[ATTR.consent] = 'pseudonymized';
    } else if (this.pseudonymize) {
      for (const key of USER_ID_KEYS) {
        const v = a[key];
        if (typeof v === 'string' && v !== '') a[key] = this.pseudonymize(v);
      }
    }
    if (this.ipMode !== 'keep') {
      // The few address keys looked up, not every attribute's key listed and tested (this runs for every event).
      for (const key of IP_KEYS) {
        if (!Object.hasOwn(a, key)) continue;
        const next = applyIpMode(a[key], this.ipMode) as AttributeValue | undefined;
        if (next === undefined) delete a[key];
        else a[key] = next;
      }
    }
    // After pseudonymisation: an e-mail used as user id is hashed (linkable), not blanked to [email].
    this.redactor.attributesInPlace(attributes);
  }
}
