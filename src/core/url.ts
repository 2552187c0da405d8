/**
 * The path of a URL as events and errors carry it (url.path): the pathname of an absolute URL, or a path
 * ("/projects/7?tab=runs") without its query and fragment. Undefined when there is none or it does not parse.
 */
export function pathOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/')) return url.split(/[?#]/, 1)[0];
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
