/** The tracker handed down the component tree. */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { Tracker } from '../browser/index.js';

export const AnalyticsContext = createContext<Tracker | null>(null);

export interface AnalyticsProviderProps {
  /** Create it once, outside components: createTracker({ endpoint, writeKey, consent }). */
  tracker: Tracker;
  children?: ReactNode;
}

export function AnalyticsProvider({ tracker, children }: AnalyticsProviderProps): ReactNode {
  return createElement(AnalyticsContext.Provider, { value: tracker }, children);
}

/** The tracker of the nearest AnalyticsProvider, or null outside one. */
export function useTracker(): Tracker | null {
  return useContext(AnalyticsContext);
}
