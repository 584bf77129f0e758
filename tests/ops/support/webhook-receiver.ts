/** A local HTTP receiver standing in for Slack incoming webhooks: records every POST (path and
 * JSON body) and answers 200 "ok", or the statuses queued with `respondNext`. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  path: string;
  body: unknown;
  status: number;
  contentType: string | undefined;
}

export interface WebhookReceiver {
  url(path: string): string;
  received: ReceivedHook[];
  /** Answer the next requests to `path` (or any path when omitted) with these statuses. */
  respondNext(statuses: number[], path?: string): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const queues = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const q = queues.get(path)?.length ? queues.get(path)! : (queues.get('*') ?? []);
      const status = q.shift() ?? 200;
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ path, body, status, contentType: req.headers['content-type'] });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : status === 404 ? 'no_service' : 'internal_error');
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    respondNext(statuses, path = '*') {
      queues.set(path, [...(queues.get(path) ?? []), ...statuses]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
