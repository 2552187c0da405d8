/**
 * tc9-observability/react: React bindings of the browser tracker (react is a peer dependency).
 *
 *   const tracker = createTracker({ endpoint: '/v1/events', writeKey, consent });
 *   <AnalyticsProvider tracker={tracker}><ErrorBoundary name="App"><App /></ErrorBoundary></AnalyticsProvider>
 *   const { trackFeatureUsage } = useAnalytics();
 */
export { AnalyticsProvider, AnalyticsContext, useTracker } from './context.js';
export type { AnalyticsProviderProps } from './context.js';
export { useAnalytics } from './use-analytics.js';
export type { Analytics, AnalyticsHookConfig, TrackingEvent } from './use-analytics.js';
export { ErrorBoundary } from './error-boundary.js';
export type { ErrorBoundaryProps } from './error-boundary.js';
