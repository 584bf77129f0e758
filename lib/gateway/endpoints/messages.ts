/**
 * POST /api/v1/messages: Anthropic's Messages API inbound, for every chat model, as a composition
 * of stages:
 *
 *   authenticate (scope `chat`; `x-api-key` or Bearer) -> idempotency -> parse/validate
 *   (adapters/anthropic-inbound.ts) -> route (as chat) -> admit (rate limits, budget) -> upstream
 *   -> finish (meter tokens, then a complete answer is sent, settle, request log: stages/finish.ts)
 *
 * Per attempt (so a fallback may cross wire formats): a Claude model (provider wire format
 * `anthropic`) gets the client's body as it is (upstream/anthropic-passthrough.ts); any other
 * model gets the body translated to the internal OpenAI request, is called by the same attempt
 * as /chat/completions (upstream/execute.ts), and its answer or stream is translated back to
 * Anthropic's message / events. Errors are answered in Anthropic's shape with Anthropic's statuses
 * and a `request-id` header. Not cached (the response cache covers chat completions and embeddings).
 */
import {
  AnthropicStreamEncoder,
  anthropicErrorTypeFor,
  anthropicMessagesRequestSchema,
  anthropicValidationMessage,
  fromAnthropicMessagesRequest,
  messageIdFor,
  openAIUsageToAnthropic,
  toAnthropicError,
  toAnthropicMessage,
  type AnthropicMessagesRequest,
} from '../adapters/anthropic-inbound';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Usage } from '../adapters/openai-types';
import { SseParser } from '../adapters/sse';
import type { KeyRecord } from '../auth';
import { GatewayError, toOpenAIError } from '../errors';
import { sendJson, type ResponseSink } from '../http/types';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { authenticateStage } from '../stages/authenticate';
import { withIdempotency } from '../stages/idempotency';
import { completionOutcome, finish, type FailureFacts } from '../stages/finish';
import { parseJson } from '../stages/parse';
import { answerHeaders, SSE_HEADERS } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, forwardedHeaders, newTrace, type Attempt } from '../stages/upstream';
import { estimatePromptTokens } from '../tokens';
import { passthroughComplete, passthroughStream } from '../upstream/anthropic-passthrough';
import { attemptComplete, attemptStream, type AttemptArgs, type CompleteAnswer, type StreamedAnswer, type TokenUsage } from '../upstream/execute';

const PATH = '/api/v1/messages';
const USAGE_ENDPOINT = 'messages';

export const messagesEndpoint: EndpointHandler = async (gw, ctx) => {
  const respondError = (err: unknown) => answerAnthropicError(ctx, err);
  ctx.headers['request-id'] = ctx.requestId;
  try {
    const key = await authenticateStage(gw, ctx, 'chat');
    const raw = await ctx.req.readBody(gw.options.maxBodyBytes);
    await withIdempotency(gw, ctx, key, PATH, raw, () => messages(gw, ctx, key, raw), respondError);
  } catch (err) {
    respondError(err);
  }
};

/** Any failure in Anthropic's error shape (statuses: anthropic-inbound.ts `toAnthropicError`). */
function answerAnthropicError(ctx: RequestContext, err: unknown): void {
  const m = toOpenAIError(err, ctx.requestId);
  if (ctx.sink.headersSent) {
    if (!ctx.sink.closed) ctx.sink.end();
    return;
  }
  const a = toAnthropicError(m.status, m.body, ctx.requestId);
  sendJson(ctx.sink, a.status, { ...ctx.headers, ...m.headers }, JSON.stringify(a.body));
}

function validateMessages(json: unknown): AnthropicMessagesRequest {
  const parsed = anthropicMessagesRequestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new GatewayError(400, 'invalid_request', anthropicValidationMessage(parsed.error.issues), { param: first ? first.path.map(String).join('.') : null });
  }
  return parsed.data;
}

function usageOfTokens(u: TokenUsage): Usage {
  return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cached } };
}

async function messages(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, raw: Buffer): Promise<void> {
  const o = gw.options;
  const body = validateMessages(parseJson(raw));
  const stream = body.stream === true;
  const { snap, tenant } = await loadTenantView(gw, key);

  // The translation serves routing (tools, images imply capabilities for "auto") and the token
  // estimate; it may fail for Claude-only features, which only matters if a non-Claude model is tried.
  let neutral: ChatCompletionRequest | null = null;
  try {
    neutral = fromAnthropicMessagesRequest(body);
  } catch {
    neutral = null;
  }
  const routeBody = (neutral ?? { model: body.model, messages: [] }) as Record<string, unknown>;
  const promptTokens = neutral
    ? estimatePromptTokens(neutral as Record<string, unknown>)
    : Math.ceil(JSON.stringify([body.system ?? '', body.messages, body.tools ?? []]).length / 4);
  const plan = routeStage(gw, ctx, { endpoint: 'chat', key, snap, tenant, body: routeBody, promptTokens });

  const admission = await admitRate(gw, ctx, key, tenant, plan, promptTokens + body.max_tokens);
  await reserveBudget(gw, ctx, key, admission, () =>
    upperPriceEstimate(gw, plan, tenant, snap, ctx.start, (_m, coldStart) => ({
      inputTokens: Math.ceil(promptTokens * 1.1) + 16,
      outputTokens: body.max_tokens,
      requests: 1,
      coldStart,
    })),
  );

  const trace = newTrace(plan);
  const forward = forwardedHeaders(gw, ctx);
  const client = { version: ctx.req.header('anthropic-version'), beta: ctx.req.header('anthropic-beta') };
  const messageId = messageIdFor(ctx.requestId);
  const streamHeaders = () => {
    answerHeaders(ctx, trace);
    return { ...SSE_HEADERS, ...ctx.headers };
  };
  let passthrough = false;
  let outcome: CompleteAnswer | StreamedAnswer | null = null;
  let failure: unknown = null;
  try {
    outcome = await callUpstream<CompleteAnswer | StreamedAnswer>(gw, ctx, plan, snap, trace, (a) => {
      passthrough = a.provider.wireFormat === 'anthropic';
      if (passthrough) {
        const args = {
          ...a,
          body: body as Record<string, unknown>,
          client,
          forwardHeaders: forward,
          requestId: ctx.requestId,
          signal: ctx.req.signal,
          timeoutMs: o.upstreamTimeoutMs,
          idleTimeoutMs: o.streamIdleTimeoutMs,
        };
        return stream ? passthroughStream(args, { sink: ctx.sink, startedAt: ctx.start, headers: streamHeaders }) : passthroughComplete(args);
      }
      const args = translatedArgs(a, body, ctx, forward, o.upstreamTimeoutMs, o.streamIdleTimeoutMs);
      return stream ? translatedStream(args, ctx, messageId, promptTokens, streamHeaders) : translatedComplete(args, messageId);
    });
  } catch (err) {
    failure = err;
  }

  // Sent (when complete) once its usage event is journaled: stages/finish.ts.
  if (outcome?.kind === 'complete') answerHeaders(ctx, trace);
  finish(
    gw,
    ctx,
    { key, tenant, snap, plan, trace, admission, endpoint: USAGE_ENDPOINT },
    completionOutcome(ctx, stream, outcome, failure, body, outcome !== null && passthrough ? { passthrough: true } : null, anthropicFailure),
  );
}

/** A failure as Messages answers it: Anthropic's status and error shape. */
function anthropicFailure(f: FailureFacts): { httpStatus: number; error: unknown } {
  const a = toAnthropicError(f.mapped.status, f.mapped.body);
  return { httpStatus: a.status, error: a.body.error };
}

// ---------------------------------------------------------------------------------------------
// Non-Claude models: translated to the internal OpenAI request and back
// ---------------------------------------------------------------------------------------------

function translatedArgs(
  a: Attempt,
  body: AnthropicMessagesRequest,
  ctx: RequestContext,
  forward: Record<string, string>,
  timeoutMs: number,
  idleTimeoutMs: number,
): AttemptArgs {
  // OpenAI's own API wants max_completion_tokens (its reasoning models reject max_tokens).
  const oai = fromAnthropicMessagesRequest(body, { maxTokensParam: a.provider.id === 'openai' ? 'max_completion_tokens' : 'max_tokens' });
  const json = JSON.stringify(oai);
  return {
    endpoint: 'chat',
    model: a.model,
    provider: a.provider,
    ep: a.ep,
    body: oai as Record<string, unknown>,
    raw: Buffer.from(json),
    requestId: ctx.requestId,
    signal: ctx.req.signal,
    timeoutMs,
    idleTimeoutMs,
    forwardHeaders: forward,
  };
}

async function translatedComplete(args: AttemptArgs, messageId: string): Promise<CompleteAnswer> {
  const ans = await attemptComplete(args);
  const msg = toAnthropicMessage(ans.parsed as ChatCompletion, { model: args.model.name, id: messageId });
  msg.usage = openAIUsageToAnthropic(usageOfTokens(ans.usage));
  return { kind: 'complete', body: JSON.stringify(msg), usage: ans.usage, refusal: ans.refusal, parsed: msg };
}

async function translatedStream(
  args: AttemptArgs,
  ctx: RequestContext,
  messageId: string,
  promptTokens: number,
  headers: () => Record<string, string>,
): Promise<StreamedAnswer> {
  const sink = new AnthropicTranscodingSink(ctx.sink, new AnthropicStreamEncoder({ model: args.model.name, id: messageId, inputTokens: promptTokens }));
  const ans = await attemptStream(args, { sink, startedAt: ctx.start, headers });
  sink.close(ans.status === 'cancelled' ? null : usageOfTokens(ans.usage));
  return ans;
}

/**
 * A response sink that receives the internal OpenAI stream (what attemptStream writes) and writes
 * Anthropic's events to the client instead. The closing events wait for `close(usage)`, called
 * once the attempt knows the usage it meters, so the client's message_delta says the same.
 */
class AnthropicTranscodingSink implements ResponseSink {
  private readonly parser = new SseParser();
  private errored = false;
  constructor(
    private readonly inner: ResponseSink,
    private readonly enc: AnthropicStreamEncoder,
  ) {}
  get headersSent() {
    return this.inner.headersSent;
  }
  get statusCode() {
    return this.inner.statusCode;
  }
  get closed() {
    return this.inner.closed;
  }
  start(status: number, headers: Record<string, string>): void {
    this.inner.start(status, headers);
  }
  write(chunk: string | Uint8Array): boolean {
    const out = this.translate(chunk);
    return out ? this.inner.write(out) : true;
  }
  drain(): Promise<void> {
    return this.inner.drain();
  }
  end(chunk?: string | Uint8Array): void {
    if (chunk === undefined) return;
    const out = this.translate(chunk);
    if (out && !this.inner.closed) this.inner.write(out);
  }
  /** The closing events (unless the stream failed or the client left), then the end. */
  close(usage: Usage | null): void {
    if (this.inner.closed) return;
    if (!this.errored && usage && this.inner.headersSent) this.inner.write(this.enc.finish(usage));
    if (this.inner.headersSent) this.inner.end();
  }
  private translate(chunk: string | Uint8Array): string {
    let out = '';
    for (const ev of this.parser.push(chunk)) {
      if (ev.data === '[DONE]') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(ev.data);
      } catch {
        continue;
      }
      const rec = obj as Record<string, unknown>;
      if (rec && typeof rec === 'object' && rec.error && typeof rec.error === 'object') {
        // attemptStream's final event for a broken stream: Anthropic's in-stream error instead.
        const e = rec.error as Record<string, unknown>;
        this.errored = true;
        out += this.enc.error(
          e.code === 'upstream_timeout' ? 'timeout_error' : anthropicErrorTypeFor(502),
          typeof e.message === 'string' ? e.message : 'The upstream stream failed.',
        );
        continue;
      }
      out += this.enc.push(obj as ChatCompletionChunk);
    }
    return out;
  }
}
