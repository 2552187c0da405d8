/**
 * Core Web Vitals through Google's web-vitals library (INP replaced FID there; the spec's FID is INP
 * now). Each metric is reported when final, at the latest when the page is hidden.
 */
import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricType } from 'web-vitals';

export interface WebVital {
  name: MetricType['name'];
  value: number;
  rating: MetricType['rating'];
  /** Distinguishes the metric instances of one page (e.g. after a back/forward-cache restore). */
  id: string;
  navigationType: MetricType['navigationType'];
  /** 'ms', or '1' for the unitless CLS score. */
  unit: 'ms' | '1';
}

export function watchWebVitals(report: (vital: WebVital) => void): void {
  const forward = (m: MetricType) =>
    report({
      name: m.name,
      value: m.value,
      rating: m.rating,
      id: m.id,
      navigationType: m.navigationType,
      unit: m.name === 'CLS' ? '1' : 'ms',
    });
  onCLS(forward);
  onFCP(forward);
  onINP(forward);
  onLCP(forward);
  onTTFB(forward);
}
