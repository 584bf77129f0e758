/**
 * One attempt at Anthropic with the client's own Messages body (Claude models on
 * /api/v1/messages): the body goes as the client sent it with `model` set to the provider's model
 * id, the client's `anthropic-version` / `anthropic-beta` go along, and the answer comes back as
 * Anthropic sent it (the `model` field says the catalog name, as on every gateway answer). Usage
 * is read from the message, or from message_start / message_delta while the events are forwarded.
 *
 * Failures before anything reached the client throw the typed upstream error (retries, fallbacks,
 * cooldown); a stream that breaks afterwards, or is still open at the shutdown deadline, ends with
 * Anthropic's `event: error` and is metered `partial` with what was produced (the relay is the
 * chat stream's: upstream/relay.ts).
 */
import { AnthropicPassthroughObserver, anthropicMessageUsage, anthropicPassthroughBody, anthropicPassthroughHeaders } from '../adapters/anthropic-inbound';
import { isContentPolicyRefusal } from '../adapters/content-policy';
import { rewriteJsonModel } from '../adapters/openai-passthrough';
import { buildTranslatedError, isRecord } from '../adapters/shared';
import { encodeSse } from '../adapters/sse';
import type { Usage } from '../adapters/openai-types';
import { TranslatedUpstreamError } from '../errors';
import { gatewayLog } from '../log';
import type { ProviderEndpoint } from '../providers';
import type { GatewayModel, GatewayProvider } from '../state';
import { countTokens } from '../tokens';
import { connectionToTranslated, translateUpstreamError, type CompleteAnswer, type StreamedAnswer, type TokenUsage } from './execute';
import { readAll, upstreamRequest, UpstreamConnectionError, type UpstreamResponse } from './http-client';
import { relayStream, type RelayTranslator, type StreamHooks } from './relay';

export interface PassthroughArgs {
  model: GatewayModel;
  provider: GatewayProvider;
  ep: ProviderEndpoint;
  /** The client's validated Messages body. */
  body: Record<string, unknown>;
  /** The client's `anthropic-version` and `anthropic-beta` headers. */
  client: { version?: string | null; beta?: string | null };
  forwardHeaders: Record<string, string>;
  requestId: string;
  signal: AbortSignal;
  timeoutMs: number;
  idleTimeoutMs: number;
}

export function tokenUsageOf(u: Usage): TokenUsage {
  const input = u.prompt_tokens;
  return { input, cached: Math.min(input, u.prompt_tokens_details?.cached_tokens ?? 0), output: u.completion_tokens, estimated: false };
}

async function send(a: PassthroughArgs, stream: boolean): Promise<UpstreamResponse> {
  const body = anthropicPassthroughBody(stream ? { ...a.body, stream: true } : a.body, a.model.providerModelId);
  const headers = {
    ...anthropicPassthroughHeaders(a.ep.apiKey ?? '', a.client),
    accept: stream ? 'text/event-stream' : 'application/json',
    ...a.forwardHeaders,
  };
  try {
    return await upstreamRequest({ url: `${a.ep.baseUrl}/messages`, headers, body, timeoutMs: a.timeoutMs, signal: a.signal });
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw connectionToTranslated(err, a.provider);
    throw err;
  }
}

async function fail(a: PassthroughArgs, res: UpstreamResponse): Promise<never> {
  let text = '';
  try {
    text = (await readAll(res, a.timeoutMs, a.signal, 1024 * 1024)).toString('utf8');
  } catch {
    /* the status alone decides */
  }
  throw translateUpstreamError(a.provider, res.status, text, res.headers);
}

function invalid(p: GatewayProvider): TranslatedUpstreamError {
  const t = buildTranslatedError(502, 'server', `The upstream provider (${p.displayName}) sent an invalid response.`, p.displayName);
  return new TranslatedUpstreamError({ ...t, retryable: true });
}

/** Non-streamed Messages call; the answer is Anthropic's JSON with the catalog model name. */
export async function passthroughComplete(a: PassthroughArgs): Promise<CompleteAnswer> {
  const deadline = Date.now() + a.timeoutMs;
  const res = await send(a, false);
  if (res.status < 200 || res.status >= 300) return fail(a, res);
  let text: string;
  try {
    text = (await readAll(res, Math.max(1, deadline - Date.now()), a.signal)).toString('utf8');
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw connectionToTranslated(err, a.provider);
    throw err;
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw invalid(a.provider);
  }
  if (!isRecord(obj) || obj.type !== 'message') throw invalid(a.provider);
  return {
    kind: 'complete',
    body: rewriteJsonModel(text, a.model.name),
    usage: tokenUsageOf(anthropicMessageUsage(obj)),
    refusal: isContentPolicyRefusal(200, obj, 'anthropic'),
    parsed: { ...obj, model: a.model.name },
  };
}

/** Streamed Messages call: Anthropic's events forwarded one by one as they arrive (upstream/relay.ts). */
export async function passthroughStream(a: PassthroughArgs, h: StreamHooks): Promise<StreamedAnswer> {
  const res = await send(a, true);
  if (res.status < 200 || res.status >= 300) return fail(a, res);
  const observer = new AnthropicPassthroughObserver(a.model.name, a.requestId);
  let upstreamError: { type: string; message: string } | null = null;

  const translator: RelayTranslator = {
    translate(events, committed) {
      let out = '';
      for (const ev of events) {
        let obj: unknown;
        try {
          obj = JSON.parse(ev.data);
        } catch {
          continue;
        }
        observer.observe(obj);
        const type = isRecord(obj) && typeof obj.type === 'string' ? obj.type : (ev.event ?? 'message');
        if (type === 'error') {
          const e = isRecord(obj) && isRecord(obj.error) ? obj.error : {};
          upstreamError = { type: typeof e.type === 'string' ? e.type : 'api_error', message: typeof e.message === 'string' ? e.message : 'Upstream error' };
          if (!committed) return out; // nothing sent yet: the chain may retry
          // Passed on in Anthropic's shape, in our words: the provider's message may name our account.
          gatewayLog.warn({ requestId: a.requestId, provider: a.provider.id, model: a.model.name, upstream: upstreamError }, 'upstream error in stream');
          const ours = observer.error?.body.error.message ?? 'The provider failed while streaming the answer.';
          out += encodeSse({ type: 'error', error: { type: upstreamError.type, message: ours } }, 'error');
          continue;
        }
        const data = type === 'message_start' ? rewriteJsonModel(ev.data, a.model.name) : ev.data;
        out += `event: ${ev.event ?? type}\ndata: ${data}\n\n`;
      }
      return out;
    },
    get upstreamFailed() {
      return upstreamError !== null;
    },
    earlyError() {
      return upstreamError && observer.error ? new TranslatedUpstreamError(observer.error) : null;
    },
    flush: () => '',
    get complete() {
      return observer.complete;
    },
    closingEvent(code, message) {
      // Anthropic's own error event was forwarded already; a cut, a silence or a shutdown gets one from us.
      if (code === 'upstream_error') return '';
      return encodeSse({ type: 'error', error: { type: code === 'upstream_timeout' ? 'timeout_error' : 'api_error', message } }, 'error');
    },
  };
  const relayed = await relayStream(res, a, h, translator);

  let usage: TokenUsage;
  if (observer.usageFinal) usage = tokenUsageOf(observer.usage);
  else {
    // No final count (cut, client gone): input from message_start, output counted by the tokenizer
    // (at the shutdown deadline by length: the tokenizer worker's cold start can outlast it).
    const started = tokenUsageOf(observer.usage);
    const output = relayed.shutdownEnded ? Math.ceil(observer.text.length / 4) : await countTokens(observer.text, a.model.providerModelId);
    usage = { ...started, output: Math.max(started.output, output), estimated: true };
  }
  return {
    kind: 'stream',
    status: relayed.status,
    usage,
    ttfbMs: relayed.ttfbMs,
    errorCode: relayed.errorCode,
    refusal: observer.finishReason === 'content_filter',
    summary: { content: observer.text, finishReason: observer.finishReason },
  };
}
