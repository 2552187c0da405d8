/**
 * Which failed exports are worth keeping. A collector that is down, slow, overloaded or failing
 * (connection errors, timeouts, 408, 429, 5xx) may take the batch later; a request it refused as
 * malformed or unauthorised (other 4xx) would be refused again, so spooling it would only fill the disk.
 */
export function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429;
}
