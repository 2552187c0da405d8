/**
 * The A/B testing foundation: a deterministic variant per (experiment, user), and the exposure event that
 * records which variant a user saw (EVENT.experimentExposure with tc9.experiment.key / .variant), from
 * which the experiment queries compute conversion per variant.
 */
import { createHash } from 'node:crypto';
import { EVENT } from '../semconv.js';
import type { EventInput } from './activity.js';
import { track } from './track.js';
import { ValidationError, type ValidationIssue } from './validation.js';

/**
 * The variant of `variants` for this user: the same for the same experiment and user everywhere (a hash,
 * no state), spread by `weights` (default equal). Changing the variant list or the weights reassigns users.
 */
export function assignVariant<V extends string>(
  experimentKey: string,
  userId: string,
  variants: readonly V[],
  weights?: readonly number[],
): V {
  const issues: ValidationIssue[] = [];
  if (typeof experimentKey !== 'string' || experimentKey === '')
    issues.push({ path: 'experimentKey', message: 'must be a non-empty string' });
  if (typeof userId !== 'string' || userId === '') issues.push({ path: 'userId', message: 'must be a non-empty string' });
  if (!Array.isArray(variants) || variants.length === 0) issues.push({ path: 'variants', message: 'must be a non-empty array' });
  else if (variants.some((v) => typeof v !== 'string' || v === ''))
    issues.push({ path: 'variants', message: 'must hold non-empty strings' });
  if (weights !== undefined) {
    if (!Array.isArray(weights) || weights.length !== variants.length)
      issues.push({ path: 'weights', message: 'must have one weight per variant' });
    else if (weights.some((w) => !Number.isFinite(w) || w < 0)) issues.push({ path: 'weights', message: 'must be finite numbers >= 0' });
    else if (weights.reduce((a, b) => a + b, 0) <= 0) issues.push({ path: 'weights', message: 'must not all be 0' });
  }
  if (issues.length) throw new ValidationError(issues);

  const w = weights ?? variants.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  // 52 bits of the hash as a fraction in [0, 1): exact in a double, uniform enough for any split.
  const digest = createHash('sha256').update(`${experimentKey}\u0000${userId}`).digest();
  const point = (digest.readUIntBE(0, 6) * 16 + (digest[6]! >> 4)) / 2 ** 52;
  let cumulative = 0;
  for (let i = 0; i < variants.length; i++) {
    cumulative += w[i]! / total;
    if (point < cumulative) return variants[i]!;
  }
  // Rounding can leave the last bit of the range uncovered: it belongs to the last weighted variant.
  for (let i = variants.length - 1; i >= 0; i--) if (w[i]! > 0) return variants[i]!;
  return variants[variants.length - 1]!;
}

/** Records that the user saw `variant` of the experiment. */
export function trackExperimentExposure(experimentKey: string, variant: string, input: EventInput = {}): string {
  return track({ ...input, properties: { ...input.properties, experiment: experimentKey, variant }, name: EVENT.experimentExposure });
}

/** assignVariant and trackExperimentExposure in one: the variant to show, its exposure recorded. */
export function exposeVariant<V extends string>(
  experimentKey: string,
  userId: string,
  variants: readonly V[],
  options: { weights?: readonly number[]; event?: EventInput } = {},
): V {
  const variant = assignVariant(experimentKey, userId, variants, options.weights);
  trackExperimentExposure(experimentKey, variant, { ...options.event, userId });
  return variant;
}
