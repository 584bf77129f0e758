/**
 * What every fake media provider shares: a node:http server on a free port that records each
 * request (method, path, query, headers, body), checks the provider's auth header (the key
 * `bad-key` or a missing key gets the provider's real 401/403 body), and plays injected failures:
 *
 *   fail({ kind: 'status', status: 500 })        provider-shaped error JSON with that status
 *   fail({ kind: 'rate_limit', retryAfter: 1 })   429 + Retry-After, provider-shaped body
 *   fail({ kind: 'content_policy' })              the provider's own refusal (error or result)
 *   fail({ kind: 'slow', delayMs: 300 })          answers normally after a delay
 *   fail({ kind: 'hang' })                        never answers
 * Each applies to the next `times` requests (default 1) whose path starts with `path` (default
 * any). Fakes buffer request bodies; they are test servers, not the gateway.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Failure =
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'rate_limit'; retryAfter?: number }
  | { kind: 'content_policy' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' };

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  body: Buffer;
  /** The base URL of this fake (for URLs it hands out). */
  base: string;
  /** An injected content_policy failure applies to this request. */
  contentPolicy: boolean;
  json(): unknown;
}

export interface ProviderDef {
  name: string;
  /** null = authenticated; else the response to send (the provider's real auth failure). */
  authFailure(headers: IncomingHttpHeaders, path: string): { status: number; body: unknown } | null;
  /** The provider's error body for an injected or validation failure. */
  errorBody(status: number, message: string): unknown;
  /** Returns false when no route matched (-> 404). */
  handle(ctx: HandlerContext): Promise<boolean> | boolean;
}

export interface FakeProvider {
  url: string;
  requests: Recorded[];
  fail(f: Failure & { times?: number; path?: string }): void;
  reset(): void;
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s), ...headers });
  res.end(s);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startFake(def: ProviderDef): Promise<FakeProvider> {
  const requests: Recorded[] = [];
  let failures: Array<Failure & { times: number; path?: string }> = [];
  const sockets = new Set<Socket>();
  let base = '';
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const u = new URL(req.url ?? '/', 'http://fake');
    const rec: Recorded = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body };
    requests.push(rec);
    try {
      const auth = def.authFailure(req.headers, u.pathname);
      if (auth) return sendJson(res, auth.status, auth.body);
      const fIdx = failures.findIndex((f) => f.times > 0 && (!f.path || u.pathname.startsWith(f.path)));
      const f = fIdx >= 0 ? failures[fIdx]! : null;
      if (f) f.times--;
      let contentPolicy = false;
      if (f) {
        switch (f.kind) {
          case 'status':
            return sendJson(res, f.status, def.errorBody(f.status, f.message ?? `fake ${def.name} failure ${f.status}`));
          case 'rate_limit':
            return sendJson(res, 429, def.errorBody(429, 'Too many requests'), { 'retry-after': String(f.retryAfter ?? 1) });
          case 'hang':
            return;
          case 'slow':
            await sleep(f.delayMs);
            break;
          case 'content_policy':
            contentPolicy = true;
            break;
        }
      }
      const ctx: HandlerContext = {
        req,
        res,
        method: rec.method,
        path: u.pathname,
        query: u.searchParams,
        body,
        base,
        contentPolicy,
        json: () => JSON.parse(body.toString('utf8')) as unknown,
      };
      const handled = await def.handle(ctx);
      if (!handled && !res.headersSent) sendJson(res, 404, def.errorBody(404, `Not found: ${req.method} ${u.pathname}`));
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, def.errorBody(500, `fake ${def.name} crashed: ${(err as Error).message}`));
      else res.destroy();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    fail(f) {
      failures.push({ ...f, times: f.times ?? 1 });
    },
    reset() {
      requests.length = 0;
      failures = [];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Parses a multipart/form-data body (fakes only; buffered). */
export async function parseMultipart(
  req: IncomingMessage,
  body: Buffer,
): Promise<{ fields: Record<string, string[]>; files: Record<string, { filename: string; mimeType: string; data: Buffer }> }> {
  const { default: Busboy } = await import('busboy');
  const fields: Record<string, string[]> = {};
  const files: Record<string, { filename: string; mimeType: string; data: Buffer }> = {};
  await new Promise<void>((resolve, reject) => {
    const bb = Busboy({ headers: req.headers });
    bb.on('field', (name, value) => (fields[name] ??= []).push(value));
    bb.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => (files[name] = { filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(parts) }));
    });
    bb.on('close', () => resolve());
    bb.on('error', reject);
    bb.end(body);
  });
  return { fields, files };
}

/** Duration (s) of an audio buffer by its header, as a real provider would measure it; null = not audio. */
export async function audioDuration(data: Buffer, mimeType?: string): Promise<number | null> {
  const mm = await import('music-metadata');
  try {
    const meta = await mm.parseBuffer(data, mimeType ? { mimeType } : undefined, { duration: true, skipCovers: true });
    return meta.format.duration && meta.format.duration > 0 ? meta.format.duration : null;
  } catch {
    return null;
  }
}

/** Deterministic words spread over a duration (fakes cannot recognise speech). */
export function fakeWords(text: string, duration: number): Array<{ word: string; start: number; end: number }> {
  const words = text.split(' ');
  const step = duration / words.length;
  return words.map((w, i) => ({ word: w, start: +(i * step).toFixed(3), end: +((i + 1) * step).toFixed(3) }));
}
