/**
 * The upstream HTTP client: node:http/https with keep-alive agents (a pooled socket per provider
 * host), much cheaper per request than fetch() on Node 20. One function, `upstreamRequest`, with
 * a deadline for the response headers, an abort signal (client went away) and the response body
 * as a Node stream for zero-copy streaming.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { assertConnectable, guardedAgents, isGuardedOrigin } from '../../platform/outbound';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, scheduling: 'lifo' });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, scheduling: 'lifo' });

export interface UpstreamRequestOptions {
  url: string;
  method?: string;
  headers: Record<string, string>;
  /** A Readable is streamed (an audio upload is never held in memory); give `contentLength`
   * when known, else it goes out chunked. */
  body?: string | Buffer | Readable;
  contentLength?: number;
  /** Deadline for the response headers (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
}

export class UpstreamConnectionError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'connection' | 'aborted',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamConnectionError';
  }
}

export interface UpstreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: IncomingMessage;
  /** Destroys the request and response (aborts the upstream call). */
  abort(): void;
}

/** An upstream URL taken apart once: the same few provider endpoints are called on every
 * request, and `new URL()` costs more than the rest of the request setup. */
interface ParsedUrl {
  url: URL;
  origin: string;
  hostname: string;
  isHttps: boolean;
  port: string | number;
  path: string;
}
const parsedUrls = new Map<string, ParsedUrl>();

function parseUrl(s: string): ParsedUrl {
  let p = parsedUrls.get(s);
  if (!p) {
    const url = new URL(s);
    const isHttps = url.protocol === 'https:';
    p = { url, origin: url.origin, hostname: url.hostname, isHttps, port: url.port || (isHttps ? 443 : 80), path: url.pathname + url.search };
    if (parsedUrls.size >= 1000) parsedUrls.clear();
    parsedUrls.set(s, p);
  }
  return p;
}

export function upstreamRequest(o: UpstreamRequestOptions): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    let parsed: ParsedUrl;
    try {
      parsed = parseUrl(o.url);
    } catch (err) {
      reject(new UpstreamConnectionError(`invalid upstream URL`, 'connection', { cause: err }));
      return;
    }
    const { url: u, isHttps } = parsed;
    // A provider base URL a person set (not the operator's env): checked at connect time.
    const guarded = isGuardedOrigin(parsed.origin);
    if (guarded) {
      try {
        assertConnectable(u);
      } catch (err) {
        reject(new UpstreamConnectionError(`upstream refused by the outbound guard`, 'connection', { cause: err }));
        return;
      }
    }
    const headers: Record<string, string | number> = { ...o.headers };
    const streamed = o.body !== undefined && typeof o.body !== 'string' && !Buffer.isBuffer(o.body) ? o.body : null;
    if (streamed) {
      if (o.contentLength !== undefined) headers['content-length'] = o.contentLength;
    } else if (o.body !== undefined) headers['content-length'] = Buffer.byteLength(o.body as string | Buffer);
    const req = (isHttps ? https : http).request({
      protocol: u.protocol,
      hostname: parsed.hostname,
      port: parsed.port,
      path: parsed.path,
      method: o.method ?? 'POST',
      headers,
      agent: guarded ? (isHttps ? guardedAgents().https : guardedAgents().http) : isHttps ? httpsAgent : httpAgent,
    });
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new UpstreamConnectionError(`upstream did not answer within ${o.timeoutMs} ms`, 'timeout'));
    }, o.timeoutMs);
    const onAbort = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(new UpstreamConnectionError('client went away', 'aborted'));
    };
    if (o.signal) {
      if (o.signal.aborted) {
        onAbort();
        return;
      }
      o.signal.addEventListener('abort', onAbort, { once: true });
    }
    req.once('response', (res) => {
      clearTimeout(timer);
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      resolve({
        status: res.statusCode ?? 502,
        headers: res.headers,
        body: res,
        abort: () => {
          res.destroy();
          req.destroy();
        },
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      reject(new UpstreamConnectionError(`upstream connection failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, 'connection', { cause: err }));
    });
    if (streamed) {
      streamed.once('error', (err) => req.destroy(err));
      // A request destroyed mid-upload (timeout, client gone) releases the source (e.g. the file).
      req.once('close', () => {
        if (!streamed.readableEnded) streamed.destroy();
      });
      streamed.pipe(req);
    } else if (o.body !== undefined) req.end(o.body as string | Buffer);
    else req.end();
  });
}

/** Reads a whole response body with a deadline; rejects on timeout, abort or a cut connection. */
export function readAll(res: UpstreamResponse, timeoutMs: number, signal?: AbortSignal, limitBytes = 64 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null, buf?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        res.abort();
        reject(err);
      } else resolve(buf!);
    };
    const timer = setTimeout(() => finish(new UpstreamConnectionError(`upstream body not complete within ${timeoutMs} ms`, 'timeout')), timeoutMs);
    const onAbort = () => finish(new UpstreamConnectionError('client went away', 'aborted'));
    if (signal) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    res.body.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limitBytes) return finish(new UpstreamConnectionError('upstream body too large', 'connection'));
      chunks.push(c);
    });
    res.body.once('end', () => finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    res.body.once('aborted', () => finish(new UpstreamConnectionError('upstream connection cut mid-body', 'connection')));
    res.body.on('error', (err) => finish(new UpstreamConnectionError(`upstream body error: ${err.message}`, 'connection', { cause: err })));
    res.body.once('close', () => {
      if (!res.body.complete) finish(new UpstreamConnectionError('upstream connection cut mid-body', 'connection'));
    });
  });
}
