/** What the tracker reads from and listens to on the page. Each watcher returns its own teardown. */
import type { EventContext } from './event.js';

/** URL without query string and fragment: those often carry tokens, e-mail addresses or search terms. */
export function stripUrl(href: string): string {
  try {
    const u = new URL(href);
    return u.origin + u.pathname;
  } catch {
    return '';
  }
}

export function pageContext(): EventContext {
  const ctx: EventContext = {
    url: stripUrl(location.href),
    path: location.pathname,
  };
  if (document.title) ctx.title = document.title;
  const referrer = stripUrl(document.referrer);
  if (referrer) ctx.referrer = referrer;
  if (typeof screen !== 'undefined' && screen.width > 0) ctx.screenResolution = `${screen.width}x${screen.height}`;
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz) ctx.timezone = tz;
  } catch {
    // no Intl time zone data
  }
  if (navigator.language) ctx.locale = navigator.language;
  return ctx;
}

/**
 * Calls onChange after every client-side navigation: pushState/replaceState (wrapped, as the History
 * API fires no event for them) and popstate/hashchange (back, forward, anchors).
 */
export function watchHistory(onChange: () => void): () => void {
  const { pushState, replaceState } = history;
  const wrap = (original: History['pushState']): History['pushState'] =>
    function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      onChange();
      return result;
    };
  const wrappedPush = wrap(pushState);
  const wrappedReplace = wrap(replaceState);
  history.pushState = wrappedPush;
  history.replaceState = wrappedReplace;
  addEventListener('popstate', onChange);
  addEventListener('hashchange', onChange);
  return () => {
    // Only undo our own wrapper: another library may have wrapped ours since.
    if (history.pushState === wrappedPush) history.pushState = pushState;
    if (history.replaceState === wrappedReplace) history.replaceState = replaceState;
    removeEventListener('popstate', onChange);
    removeEventListener('hashchange', onChange);
  };
}

/** Uncaught errors and unhandled promise rejections. */
export function watchErrors(
  onError: (error: unknown, info: { message: string; source?: string; line?: number; column?: number; mechanism: string }) => void,
): () => void {
  const onWindowError = (e: ErrorEvent) => {
    onError(e.error ?? e.message, {
      message: e.message,
      source: stripUrl(e.filename),
      line: e.lineno,
      column: e.colno,
      mechanism: 'onerror',
    });
  };
  const onRejection = (e: PromiseRejectionEvent) => {
    const reason: unknown = e.reason;
    onError(reason, { message: reason instanceof Error ? reason.message : String(reason), mechanism: 'onunhandledrejection' });
  };
  addEventListener('error', onWindowError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onWindowError);
    removeEventListener('unhandledrejection', onRejection);
  };
}

/**
 * The page is being hidden or unloaded: the last moment to send reliably. visibilitychange is the
 * signal browsers guarantee (mobile kills tabs without unload); pagehide covers navigations, where it
 * comes first. The visibilitychange listener sits on document, so web-vitals' capture-phase listener on
 * window has queued the metrics it finalises on hide before it runs. onShow: visible again (tab
 * switched back, page restored from the back/forward cache).
 */
export function watchPageHide(onHide: () => void, onShow: () => void): () => void {
  const onVisibility = () => (document.visibilityState === 'hidden' ? onHide() : onShow());
  document.addEventListener('visibilitychange', onVisibility);
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    removeEventListener('pagehide', onHide);
    removeEventListener('pageshow', onShow);
  };
}
