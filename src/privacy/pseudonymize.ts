/**
 * Keyed-hash pseudonymisation of identifiers (HMAC-SHA256): the same id always maps to the same
 * pseudonym under one key, so counts, funnels and retention still work, while the id itself cannot be
 * recovered or guessed without the key. Rotating the key unlinks old pseudonyms from new ones.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type Pseudonymizer = (id: string) => string;

/** 128 bits of the HMAC, hex: collision-free for any realistic number of users. */
export function createPseudonymizer(key: string | Buffer): Pseudonymizer {
  return (id) => createHmac('sha256', key).update(id).digest('hex').slice(0, 32);
}

/** With no configured key: a random one, so pseudonyms are stable only for this process's lifetime. */
export function processPseudonymizer(): Pseudonymizer {
  return createPseudonymizer(randomBytes(32));
}
