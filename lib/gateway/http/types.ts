/**
 * The gateway's own tiny HTTP abstraction, so one core serves both Node's req/res (the fast path
 * in the custom server) and the Web Request/Response of Next route handlers without copying.
 */
import type { Readable } from 'node:stream';

export interface GatewayRequest {
  method: string;
  /** Pathname without the query string, e.g. "/api/v1/chat/completions". */
  path: string;
  /** The query string without the leading "?" ('' when none). */
  readonly query?: string;
  /** Header value by lower-case name (first value when repeated). */
  header(name: string): string | undefined;
  /** The whole body (rejects with a 413 GatewayError above `limitBytes`). */
  readBody(limitBytes: number): Promise<Buffer>;
  /** The body as a stream, for uploads passed on to a provider without buffering them whole
   * (the reader enforces its own size limit). Use either this or readBody, once. */
  bodyStream(): Readable;
  /** Aborted when the client goes away before the response is complete. */
  readonly signal: AbortSignal;
  /** Client address, for logs. */
  readonly ip: string | undefined;
}

export type Headers = Record<string, string>;

export interface ResponseSink {
  readonly headersSent: boolean;
  /** The status sent (0 before start). */
  readonly statusCode: number;
  /** The client went away. */
  readonly closed: boolean;
  /** Sends the status line and headers (streaming responses: before the first write). */
  start(status: number, headers: Headers): void;
  /** Writes one chunk immediately (no buffering). Returns false when the caller should `drain()`. */
  write(chunk: string | Uint8Array): boolean;
  drain(): Promise<void>;
  end(chunk?: string | Uint8Array): void;
}

export function sendJson(sink: ResponseSink, status: number, headers: Headers, body: string): void {
  if (sink.closed) return;
  sink.start(status, { 'content-type': 'application/json', ...headers });
  sink.end(body);
}
