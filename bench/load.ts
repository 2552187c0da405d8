/** HTTP load with autocannon, keeping every response time (ms) so variants can be pooled across rounds. */
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Response times of 2xx responses, ms. */
  latencies: number[];
  non2xx: number;
  errors: number;
}

export interface LoadOptions {
  url: string;
  seconds: number;
  connections?: number;
}

export async function load({ url, seconds, connections = 10 }: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds }, (err: unknown, r: autocannon.Result) =>
      err ? reject(err) : resolve(r),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx++;
    });
  });
  const elapsed = (performance.now() - started) / 1000;
  return { requests: latencies.length, seconds: elapsed, latencies, non2xx, errors: result.errors + result.timeouts };
}
