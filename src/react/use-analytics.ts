/**
 * useAnalytics(): the tracking functions of the spec's hook, bound to the provider's tracker. Outside
 * a provider, or with enableTracking false, they do nothing: analytics never breaks a component.
 */
import { useMemo } from 'react';
import { useTracker } from './context.js';

export interface AnalyticsHookConfig {
  /** Default true. Sampling and debug output are tracker options (createTracker). */
  enableTracking: boolean;
}

export interface TrackingEvent {
  event: string;
  properties?: Record<string, unknown>;
}

export interface Analytics {
  trackEvent(event: TrackingEvent | string, properties?: Record<string, unknown>): void;
  trackPageView(page?: string, metadata?: Record<string, unknown>): void;
  trackFeatureUsage(feature: string, metadata?: Record<string, unknown>): void;
  trackError(error: unknown, context?: Record<string, unknown>): void;
  startPerformanceTimer(name: string): void;
  /** The measured milliseconds, or undefined when the timer was never started. */
  endPerformanceTimer(name: string, metadata?: Record<string, unknown>): number | undefined;
  /** The session id to send to your API (x-session-id) so server-side events join this session. */
  sessionId: string | undefined;
}

export function useAnalytics(config: Partial<AnalyticsHookConfig> = {}): Analytics {
  const tracker = useTracker();
  const active = config.enableTracking !== false ? tracker : null;
  return useMemo<Analytics>(
    () => ({
      trackEvent: (event, properties) => {
        if (typeof event === 'string') active?.track(event, properties);
        else active?.track(event.event, { ...event.properties, ...properties });
      },
      trackPageView: (page, metadata) => active?.trackPageView(page, metadata),
      trackFeatureUsage: (feature, metadata) => active?.trackFeatureUsage(feature, metadata),
      trackError: (error, context) => active?.trackError(error, context),
      startPerformanceTimer: (name) => active?.startTimer(name),
      endPerformanceTimer: (name, metadata) => active?.endTimer(name, metadata),
      sessionId: tracker?.sessionId,
    }),
    [active, tracker],
  );
}
