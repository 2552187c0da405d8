/** Reading a request body with a size bound, without buffering more than the bound. */
import type { Readable } from 'node:stream';

export const DEFAULT_BODY_LIMIT = 512 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * The body as text. A Content-Length over the limit fails before anything is read; a stream that
 * runs past it fails as soon as it does. The rest is then read and discarded rather than the stream
 * destroyed, since destroying a request closes its socket before the 413 could be sent.
 */
export function readBody(stream: Readable, limit: number, contentLength?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    if (contentLength !== undefined && Number(contentLength) > limit) {
      stream.resume();
      reject(new BodyTooLargeError(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buf.length;
      if (size > limit) {
        cleanup();
        stream.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
