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

export type FastPathHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface RadiantServerOptions {
  port: number;
  hostname?: string;
  dev?: boolean;
  dir?: string;
  /** Serves /api/v1/* without Next (the gateway). */
  fastPath?: FastPathHandler;
}

export interface RadiantServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

export async function startRadiantServer(opts: RadiantServerOptions): Promise<RadiantServer> {
  const { default: next } = await import('next');
  const app = next({ dev: opts.dev ?? false, dir: opts.dir ?? process.cwd(), hostname: opts.hostname, port: opts.port });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  const fastPath = opts.fastPath;

  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (fastPath && url.startsWith('/api/v1/')) {
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
    void nextHandler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(opts.port, opts.hostname, resolve));
  const addr = server.address() as AddressInfo;
  return {
    server,
    url: `http://${opts.hostname && opts.hostname !== '0.0.0.0' ? opts.hostname : 'localhost'}:${addr.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
    },
  };
}
