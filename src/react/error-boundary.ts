/** A React error boundary that reports what it catches to the provider's tracker as an error event. */
import { Component, createElement, type ErrorInfo, type ReactNode } from 'react';
import type { Tracker } from '../browser/index.js';
import { AnalyticsContext } from './context.js';

export interface ErrorBoundaryProps {
  children?: ReactNode;
  /** Shown instead of the children after an error; a function also gets a reset to try again. */
  fallback?: ReactNode | ((error: Error, reset: () => void) => ReactNode);
  /** Named in the error event (the spec's ErrorContext.component), e.g. the page or widget. */
  name?: string;
  onError?: (error: Error, info: ErrorInfo) => void;
}

interface ErrorBoundaryState {
  error: Error | undefined;
}

export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  static override contextType = AnalyticsContext;
  declare context: Tracker | null;
  override state: ErrorBoundaryState = { error: undefined };

  static getDerivedStateFromError(error: Error): ErrorBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    this.context?.trackError(error, {
      handled: true,
      mechanism: 'react.error_boundary',
      ...(this.props.name ? { component: this.props.name } : {}),
      ...(info.componentStack ? { componentStack: info.componentStack.slice(0, 4000) } : {}),
    });
    this.props.onError?.(error, info);
  }

  reset = (): void => this.setState({ error: undefined });

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const { fallback } = this.props;
    if (typeof fallback === 'function') return fallback(error, this.reset);
    return fallback ?? createElement('div', { role: 'alert' }, 'Something went wrong.');
  }
}
