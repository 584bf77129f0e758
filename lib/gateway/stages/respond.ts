/** Stage: answer the client. Headers name the model and provider that answered. */
import type { RequestContext } from '../pipeline/context';
import type { Trace } from './upstream';

export const JSON_CT = 'application/json';
export const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

/** Records the answering model on the context and in the answer's headers. */
export function answerHeaders(ctx: RequestContext, trace: Trace): void {
  ctx.model = trace.model.name;
  ctx.provider = trace.model.providerId;
  ctx.headers['x-radiant-model'] = trace.model.name;
  ctx.headers['x-radiant-provider'] = trace.model.providerId;
  if (trace.fallbackFrom) ctx.headers['x-radiant-fallback-from'] = trace.primary.name;
}

/** Sends a complete answer with the request's headers. */
export function sendComplete(ctx: RequestContext, body: string | Uint8Array, contentType = JSON_CT): void {
  ctx.sink.start(200, { 'content-type': contentType, ...ctx.headers });
  ctx.sink.end(body);
}
