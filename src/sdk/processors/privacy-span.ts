/**
 * Applies the privacy policy to every span before any exporting processor sees it: attributes, span
 * event attributes (exception messages), the status message and the span name.
 *
 * OTel JS 3.x calls SpanProcessor.onEnding while the span is still writable and before any processor's
 * onEnd, so the order of processors does not matter for spans. onEnd repeats the work for SDKs without
 * onEnding (the ended span's attribute object is still the one exported).
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { PrivacyPolicy } from '../../privacy/policy.js';

export class PrivacySpanProcessor implements SpanProcessor {
  /** Spans already handled, for SDKs that call onEnding only for some spans; unused once onEnding was seen. */
  private readonly done = new WeakSet<object>();
  /** An SDK that calls onEnding calls it for every span before onEnd: onEnd then has nothing left to do. */
  private sdkCallsOnEnding = false;

  constructor(private readonly policy: PrivacyPolicy) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    this.sdkCallsOnEnding = true;
    this.apply(span);
    const name = this.policy.redactor.text(span.name);
    if (name !== span.name) span.updateName(name);
  }

  onEnd(span: ReadableSpan): void {
    if (this.sdkCallsOnEnding) return;
    if (this.done.has(span)) return;
    this.done.add(span);
    this.apply(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  private apply(span: ReadableSpan): void {
    this.policy.applyToAttributes(span.attributes);
    for (const event of span.events) if (event.attributes) this.policy.applyToAttributes(event.attributes);
    const status = span.status as { message?: string };
    if (status.message) status.message = this.policy.redactor.text(status.message);
  }
}
