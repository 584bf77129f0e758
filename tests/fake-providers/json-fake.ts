/**
 * The small core of the JSON-over-HTTP fake providers (voyage.ts, exa.ts, tavily.ts): a node:http
 * server with one handler per `METHOD /path`, request recording, and failures injected with
 * `setBehavior` (a rule or a list; the first rule with `times` left applies):
 *   { status: 500 }                     the provider's own error body with that status
 *   { status: 429, retryAfter: 2 }      + Retry-After (seconds)
 *   { mode: 'reset' }                   the socket is destroyed before any answer
 *   { mode: 'hang' }                    never answers
 *   { mode: 'invalid_json' }            200 with a body that is not JSON
 *   { mode: 'delay', delayMs }          answers normally after delayMs
 * Authentication is checked BEFORE behaviours, as real providers do.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRule {
  mode?: 'error' | 'reset' | 'hang' | 'invalid_json' | 'delay';
  status?: number;
  retryAfter?: number;
  message?: string;
  delayMs?: number;
  /** Apply to the next N requests only. */
  times?: number;
}

export interface FakeRecorded {
  seq: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status?: number;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface JsonFakeSpec {
  /** e.g. 'POST /v1/embeddings' -> handler (the body is parsed JSON, or undefined when it is not JSON). */
  routes: Record<string, (body: unknown, req: IncomingMessage) => FakeAnswer>;
  /** Returns null when authorized, else the provider's 401 answer. */
  auth(req: IncomingMessage): FakeAnswer | null;
  /** The provider's error body for a status and message. */
  errorBody(status: number, message: string): unknown;
}

export interface JsonFake {
  url: string;
  requests: FakeRecorded[];
  setBehavior(rules: FakeRule | FakeRule[] | null): void;
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  429: 'Rate limit exceeded. Please slow down.',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service temporarily unavailable',
};

export async function startJsonFake(spec: JsonFakeSpec): Promise<JsonFake> {
  const requests: FakeRecorded[] = [];
  let rules: Array<FakeRule & { remaining: number }> = [];
  let seq = 0;
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, rec: FakeRecorded, a: FakeAnswer) => {
    rec.status = a.status;
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = raw ? (JSON.parse(raw) as unknown) : undefined;
        } catch {
          body = undefined;
        }
        const path = (req.url ?? '/').split('?')[0]!;
        const rec: FakeRecorded = { seq: ++seq, method: req.method ?? 'GET', path, headers: req.headers, body: body ?? raw };
        requests.push(rec);
        const handler = spec.routes[`${rec.method} ${path}`];
        if (!handler) return send(res, rec, { status: 404, body: spec.errorBody(404, `Not found: ${rec.method} ${path}`) });
        const denied = spec.auth(req);
        if (denied) return send(res, rec, denied);
        const rule = rules.find((r) => r.remaining > 0);
        if (rule) rule.remaining--;
        if (rule?.mode === 'reset') {
          req.socket.destroy();
          return;
        }
        if (rule?.mode === 'hang') {
          hanging.add(res);
          return;
        }
        if (rule?.mode === 'delay') await new Promise((r) => setTimeout(r, rule.delayMs ?? 100));
        if (rule?.mode === 'invalid_json') return send(res, rec, { status: 200, body: '<html>upstream proxy error</html>' });
        if (rule && rule.status) {
          const headers: Record<string, string> = {};
          if (rule.retryAfter !== undefined) headers['retry-after'] = String(rule.retryAfter);
          return send(res, rec, {
            status: rule.status,
            body: spec.errorBody(rule.status, rule.message ?? DEFAULT_MESSAGES[rule.status] ?? `Error ${rule.status}`),
            headers,
          });
        }
        if (raw && body === undefined) return send(res, rec, { status: 400, body: spec.errorBody(400, 'Request body is not valid JSON.') });
        send(res, rec, handler(body, req));
      })().catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(spec.errorBody(500, `fake crashed: ${String(err)}`)));
        }
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    setBehavior(r) {
      rules = (r === null ? [] : Array.isArray(r) ? r : [r]).map((x) => ({ mode: 'error', ...x, remaining: x.times ?? Infinity }));
    },
    reset() {
      requests.length = 0;
      rules = [];
    },
    close() {
      for (const res of hanging) res.destroy();
      return new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}

/** Deterministic pseudo-random numbers from a string (FNV-1a seeded xorshift). */
export function seeded(text: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  let x = h >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : null;
}
