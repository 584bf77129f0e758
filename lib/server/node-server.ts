/**
 * The production HTTP server: a plain Node handler serves the gateway's hot path (/api/v1/*)
 * and Next.js serves everything else, in one process (a documented Next.js custom server).
 * Next's per-request machinery costs about as much as a whole competing gateway on small
 * machines (STACK.md), so the hot path never enters it. The same gateway code also runs behind
 * the Next route handlers under app/api/v1 (next dev / next start).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger } from '../observability/logger';
import { API_CSP, securityHeaders } from '../platform/security-headers';

/** Security headers on the gateway's answers (lib/platform/security-headers.ts; HSTS is the TLS
 * terminator's job in front of the fast path). */
const GATEWAY_HEADERS = Object.entries(securityHeaders(API_CSP, false));

/** True when the path's percent-encoding does not decode (a malformed URL). */
export function malformedPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

export type FastPathHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface RadiantServerOptions {
  port: number;
  hostname?: string;
  dev?: boolean;
  dir?: string;
  /** Serves /api/v1/* without Next (the gateway). */
  fastPath?: FastPathHandler;
  /** false: serve only the gateway (/api/v1/*; everything else 404), no Next at all
   * (RADIANT_SERVE=gateway: gateway-only instances and the fault-injection suite). */
  next?: boolean;
}

export interface RadiantServer {
  server: http.Server;
  url: string;
  /** Stops accepting connections and closes idle keep-alive ones (requests in flight go on). */
  stopAccepting(): void;
  /** Closes every connection left (after the shutdown deadline) and Next. */
  close(): Promise<void>;
}

/** The port is taken (or not ours): a clear message, and the caller exits non-zero at once. */
export class ListenError extends Error {
  constructor(
    readonly code: string,
    readonly port: number,
    readonly hostname: string | undefined,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `port ${port} is already in use${hostname ? ` on ${hostname}` : ''} (EADDRINUSE): another RADIANT or another program listens there; stop it or set PORT`
        : `cannot listen on ${hostname ?? '*'}:${port} (${code})`,
    );
    this.name = 'ListenError';
  }
}

/** Binds the port FIRST (an instance that cannot listen must fail before it starts any work),
 * then prepares Next; requests that arrive meanwhile wait for it. */
export async function listen(port: number, hostname?: string): Promise<{ server: http.Server; setHandler(h: http.RequestListener): void }> {
  let handler: http.RequestListener | null = null;
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    if (handler) return handler(req, res);
    waiting.push(() => handler!(req, res));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(err.code ?? 'unknown', port, hostname));
    server.once('error', onError);
    server.listen(port, hostname, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    server,
    setHandler(h) {
      handler = h;
      for (const w of waiting.splice(0)) w();
    },
  };
}

export async function startRadiantServer(opts: RadiantServerOptions, bound?: Awaited<ReturnType<typeof listen>>): Promise<RadiantServer> {
  const { server, setHandler } = bound ?? (await listen(opts.port, opts.hostname));
  let nextHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
  let app: { close(): Promise<void> } | null = null;
  if (opts.next !== false) {
    const { default: next } = await import('next');
    const nextApp = next({ dev: opts.dev ?? false, dir: opts.dir ?? process.cwd(), hostname: opts.hostname, port: opts.port });
    await nextApp.prepare();
    nextHandler = nextApp.getRequestHandler();
    app = nextApp;
  }
  const fastPath = opts.fastPath;

  setHandler((req, res) => {
    const url = req.url ?? '/';
    if (fastPath && url.startsWith('/api/v1/')) {
      for (const [k, v] of GATEWAY_HEADERS) res.setHeader(k, v);
      if (malformedPath(url)) {
        // e.g. GET /api/v1/models/%E0%A4%A: the client's mistake, a 400, never a 500.
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: 'The request URL is not valid (bad percent-encoding).', type: 'invalid_request_error', code: 'invalid_url', param: null },
          }),
        );
        return;
      }
      fastPath(req, res).catch((err: unknown) => {
        getLogger().error({ err }, 'gateway fast path failed');
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'Internal server error', type: 'api_error', code: 'internal_error', param: null } }));
        } else res.destroy();
      });
      return;
    }
    // The TCP peer, for lib/auth/request-meta.ts clientIp (overwrites whatever a client sent).
    req.headers['x-radiant-peer'] = req.socket.remoteAddress ?? '';
    if (nextHandler) void nextHandler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: 'Not found (this instance serves only the gateway: /api/v1/*)', type: 'invalid_request_error', code: 'unknown_url', param: null },
        }),
      );
    }
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${opts.hostname && opts.hostname !== '0.0.0.0' ? opts.hostname : 'localhost'}:${addr.port}`,
    stopAccepting: () => {
      server.close();
      server.closeIdleConnections();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await app?.close();
    },
  };
}
