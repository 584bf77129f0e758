/** Node req/res -> GatewayRequest/ResponseSink (the fast path). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../errors';
import type { GatewayRequest, Headers, ResponseSink } from './types';

export function nodeRequest(req: IncomingMessage, res: ServerResponse): GatewayRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return {
    method: req.method ?? 'GET',
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    header(name) {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
    readBody(limitBytes) {
      return new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limitBytes) {
            reject(new GatewayError(413, 'request_too_large', `Request body exceeds ${limitBytes} bytes`));
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
        req.once('error', reject);
      });
    },
    bodyStream() {
      return req;
    },
    signal: ac.signal,
    ip: req.socket.remoteAddress,
  };
}

export function nodeSink(res: ServerResponse): ResponseSink {
  return {
    get headersSent() {
      return res.headersSent;
    },
    get statusCode() {
      return res.headersSent ? res.statusCode : 0;
    },
    get closed() {
      return res.destroyed || (res.writableEnded && !res.writableFinished);
    },
    start(status: number, headers: Headers) {
      if (res.headersSent) return;
      res.writeHead(status, headers);
      // Streaming: push the headers out now rather than with the first chunk.
      if (headers['content-type']?.startsWith('text/event-stream')) res.flushHeaders();
    },
    write(chunk) {
      if (res.destroyed) return true;
      return res.write(chunk);
    },
    drain() {
      if (res.destroyed || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    },
    end(chunk) {
      if (res.destroyed) return;
      if (chunk !== undefined) res.end(chunk);
      else res.end();
    },
  };
}
