/** Web Request -> GatewayRequest, and a ResponseSink that produces a Web Response (Next route
 * handlers). Streaming responses become a ReadableStream fed chunk by chunk; a client that goes
 * away (request.signal, or the stream cancelled) aborts the request's signal. */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { GatewayError } from '../errors';
import type { GatewayRequest, Headers, ResponseSink } from './types';

export function webRequest(request: Request, ac: AbortController): GatewayRequest {
  const url = new URL(request.url);
  if (request.signal.aborted) ac.abort();
  else request.signal.addEventListener('abort', () => ac.abort(), { once: true });
  return {
    method: request.method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    header(name) {
      return request.headers.get(name) ?? undefined;
    },
    async readBody(limitBytes) {
      const len = Number(request.headers.get('content-length') ?? 0);
      if (len > limitBytes) throw new GatewayError(413, 'request_too_large', `Request body exceeds ${limitBytes} bytes`);
      const buf = Buffer.from(await request.arrayBuffer());
      if (buf.length > limitBytes) throw new GatewayError(413, 'request_too_large', `Request body exceeds ${limitBytes} bytes`);
      return buf;
    },
    bodyStream() {
      return request.body ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>) : Readable.from([]);
    },
    signal: ac.signal,
    ip: request.headers.get('x-forwarded-for')?.split(',')[0]?.trim(),
  };
}

export interface WebSink extends ResponseSink {
  /** Resolves with the Response once the handler started it. */
  readonly response: Promise<Response>;
}

const enc = new TextEncoder();

export function webSink(ac: AbortController): WebSink {
  let status = 200;
  let headers: Headers = {};
  let started = false;
  let resolved = false;
  let closed = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let resolve!: (r: Response) => void;
  const response = new Promise<Response>((r) => (resolve = r));

  const openStream = () => {
    if (resolved) return;
    resolved = true;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        closed = true;
        ac.abort();
      },
    });
    resolve(new Response(stream, { status, headers }));
  };
  const toBytes = (chunk: string | Uint8Array) => (typeof chunk === 'string' ? enc.encode(chunk) : chunk);

  return {
    response,
    get headersSent() {
      return started;
    },
    get statusCode() {
      return started ? status : 0;
    },
    get closed() {
      return closed || ac.signal.aborted;
    },
    start(s, h) {
      if (started) return;
      started = true;
      status = s;
      headers = h;
      if (h['content-type']?.startsWith('text/event-stream')) openStream();
    },
    write(chunk) {
      if (closed) return true;
      openStream();
      try {
        controller?.enqueue(toBytes(chunk));
      } catch {
        closed = true;
      }
      return true;
    },
    drain() {
      return Promise.resolve();
    },
    end(chunk) {
      if (!resolved) {
        resolved = true;
        closed = true;
        resolve(new Response(chunk === undefined ? null : typeof chunk === 'string' ? chunk : new Uint8Array(chunk), { status, headers }));
        return;
      }
      if (closed) return;
      try {
        if (chunk !== undefined) controller?.enqueue(toBytes(chunk));
        controller?.close();
      } catch {
        /* already closed */
      }
      closed = true;
    },
  };
}
