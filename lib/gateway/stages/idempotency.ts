/**
 * Stage: Idempotency-Key. The first request with a key runs and its answer is stored; a retry
 * with the same key and body gets the stored answer (`idempotent-replayed: true`); a different
 * body is a 409; a request still running is a 409 too. A JSON answer is HELD until the record is
 * stored (so a client that retries right after the answer finds it); a stream passes through as
 * it goes and only its end waits. An answer the client did not receive whole releases the key.
 */
import { isAppError } from '../../errors';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import type { ResponseSink } from '../http/types';
import type { Db } from '../../db/client';
import { beginIdempotent, completeIdempotent, requestHash, type IdempotencyOutcome, type StoredResponse } from '../idempotency';
import { gatewayLog } from '../log';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import { JSON_CT } from './respond';

const REPLAYED_HEADERS = ['x-radiant-model', 'x-radiant-provider', 'x-radiant-cache', 'x-radiant-fallback-from'];

/** Runs `run` under the request's Idempotency-Key, if it has one. `respondError` answers a failure
 * inside the recording (so the failure is what a replay gets). */
export async function withIdempotency(
  gw: GatewayServices,
  ctx: RequestContext,
  key: KeyRecord,
  path: string,
  raw: Buffer,
  run: () => Promise<void>,
  respondError: (err: unknown) => void,
): Promise<void> {
  const idemKey = ctx.req.header('idempotency-key');
  if (!idemKey) return run();
  let db: Db;
  let out: IdempotencyOutcome;
  try {
    db = await gw.db();
    out = await beginIdempotent(db, key.tenantId, idemKey, requestHash('POST', path, raw), ctx.requestId);
  } catch (err) {
    if (isAppError(err)) throw err;
    throw new GatewayError(
      503,
      'service_unavailable',
      'Idempotency keys cannot be checked right now; retry shortly or send the request without Idempotency-Key.',
      { cause: err },
    );
  }
  if (out.kind === 'replay') {
    const r = out.response;
    ctx.sink.start(r.status, { 'content-type': r.contentType, ...r.headers, 'x-request-id': out.requestId, 'idempotent-replayed': 'true' });
    ctx.sink.end(r.body);
    return;
  }
  const recorder = new RecordingSink(ctx.sink);
  const inner = ctx.sink;
  ctx.sink = recorder;
  try {
    await run();
  } catch (err) {
    respondError(err);
  }
  ctx.sink = inner;
  const stored: StoredResponse = {
    status: recorder.overflow || ctx.req.signal.aborted ? 599 : recorder.status,
    contentType: recorder.headers['content-type'] ?? JSON_CT,
    headers: pick(recorder.headers, REPLAYED_HEADERS),
    body: recorder.body,
  };
  try {
    await completeIdempotent(db, key.tenantId, idemKey, stored);
  } catch (err) {
    gatewayLog.warn({ requestId: ctx.requestId, err: String(err) }, 'idempotent response not stored; the key stays in progress until it expires');
  }
  recorder.release();
}

/** Records what was sent, for idempotent replays (see the module comment). */
class RecordingSink implements ResponseSink {
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  overflow = false;
  private held = false;
  private ended = false;
  constructor(private readonly inner: ResponseSink) {}
  get headersSent() {
    return this.held || this.inner.headersSent;
  }
  get statusCode() {
    return this.held ? this.status : this.inner.statusCode;
  }
  get closed() {
    return this.inner.closed;
  }
  start(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
    if (headers['content-type']?.startsWith('text/event-stream')) this.inner.start(status, headers);
    else this.held = true;
  }
  write(chunk: string | Uint8Array) {
    this.capture(chunk);
    return this.held ? true : this.inner.write(chunk);
  }
  drain() {
    return this.held ? Promise.resolve() : this.inner.drain();
  }
  end(chunk?: string | Uint8Array) {
    if (chunk !== undefined) this.capture(chunk);
    this.ended = true;
    if (!this.held && chunk !== undefined) this.inner.write(chunk);
  }
  /** Sends a held answer / ends a passed-through stream. */
  release() {
    if (this.held) {
      this.held = false;
      this.inner.start(this.status, this.headers);
      this.inner.end(this.ended ? this.body : undefined);
    } else if (this.inner.headersSent) this.inner.end();
  }
  private capture(chunk: string | Uint8Array) {
    if (this.overflow) return;
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (this.body.length + s.length > 4 * 1024 * 1024) this.overflow = true;
    else this.body += s;
  }
}

function pick(h: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (h[n] !== undefined) out[n] = h[n]!;
  return out;
}
