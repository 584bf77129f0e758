/**
 * One request's trip upstream: build the provider request for a model (OpenAI pass-through,
 * Anthropic or Gemini translation), call it, and either return the complete answer (non-stream)
 * or stream it to the client as it arrives. Retries, fallbacks and cooldown are decided by
 * `runChain` from the typed failures thrown here.
 */
import { SSE_DONE, encodeSse } from '../adapters/sse';
import { OpenAIStreamObserver, fromOpenAIError, normalizeUsage, prepareOpenAIUpstreamBody, rewriteJsonModel } from '../adapters/openai-passthrough';
import {
  AnthropicStreamTranslator,
  anthropicHeaders,
  fromAnthropicError,
  fromAnthropicResponse,
  toAnthropicRequest,
  type AnthropicResponse,
} from '../adapters/anthropic';
import {
  GeminiStreamTranslator,
  fromGeminiError,
  fromGeminiResponse,
  geminiHeaders,
  geminiPath,
  toGeminiRequest,
  type GeminiResponse,
} from '../adapters/gemini';
import { isContentPolicyRefusal } from '../adapters/content-policy';
import { buildTranslatedError, isRecord, UnsupportedFeatureError } from '../adapters/shared';
import type { ChatCompletionRequest, Usage } from '../adapters/openai-types';
import { GatewayError, TranslatedUpstreamError } from '../errors';
import { gatewayLog } from '../log';
import type { ProviderEndpoint } from '../providers';
import type { Endpoint } from '../router';
import type { GatewayModel, GatewayProvider } from '../state';
import { countPromptTokens, countTokens, estimatePromptTokens } from '../tokens';
import { validateUsage } from '../metering/usage-validation';
import { relayStream, type RelayTranslator, type StreamHooks } from './relay';
import { readAll, upstreamRequest, UpstreamConnectionError, type UpstreamResponse } from './http-client';

/** Providers whose OpenAI-compatible API rejects `stream_options` (their streams are counted
 * with the tokenizer). */
const NO_STREAM_OPTIONS = new Set(['cohere']);

export interface AttemptArgs {
  endpoint: Endpoint;
  model: GatewayModel;
  provider: GatewayProvider;
  ep: ProviderEndpoint;
  body: Record<string, unknown>;
  raw: Buffer;
  requestId: string;
  signal: AbortSignal;
  timeoutMs: number;
  idleTimeoutMs: number;
  forwardHeaders: Record<string, string>;
}

export interface TokenUsage {
  input: number;
  cached: number;
  output: number;
  estimated: boolean;
}

export interface CompleteAnswer {
  kind: 'complete';
  /** The JSON body to send to the client. */
  body: string;
  usage: TokenUsage;
  refusal: boolean;
  /** Parsed answer (for request logs). */
  parsed: unknown;
}

export interface StreamedAnswer {
  kind: 'stream';
  status: 'success' | 'partial' | 'cancelled';
  usage: TokenUsage;
  ttfbMs: number | null;
  errorCode: string | null;
  refusal: boolean;
  /** What the client received, summarised (for request logs). */
  summary: { content: string; finishReason: string | null };
}

/** The provider's usage when possible (lib/gateway/metering/usage-validation.ts), else null:
 * the caller then counts the request with the tokenizer. */
function usageOf(u: Usage | null | undefined, a: AttemptArgs): TokenUsage | null {
  return validateUsage(u, { providerId: a.provider.id, modelId: a.model.id, requestId: a.requestId });
}

/** The text a non-streamed answer carries (content and tool-call arguments), for counting. */
function answerText(obj: unknown): string {
  if (!isRecord(obj) || !Array.isArray(obj.choices)) return '';
  let out = '';
  for (const c of obj.choices as unknown[]) {
    const msg = isRecord(c) ? c.message : null;
    if (!isRecord(msg)) continue;
    if (typeof msg.content === 'string') out += msg.content;
    if (Array.isArray(msg.tool_calls)) {
      for (const t of msg.tool_calls as unknown[]) {
        const fn = isRecord(t) ? t.function : null;
        if (isRecord(fn)) out += `${typeof fn.name === 'string' ? fn.name : ''}${typeof fn.arguments === 'string' ? fn.arguments : ''}`;
      }
    }
  }
  return out;
}

export function translateUpstreamError(
  p: GatewayProvider,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
): TranslatedUpstreamError {
  const t =
    p.wireFormat === 'anthropic'
      ? fromAnthropicError(status, text)
      : p.wireFormat === 'gemini'
        ? fromGeminiError(status, text)
        : fromOpenAIError(status, text, p.displayName);
  return new TranslatedUpstreamError(t, retryAfterMs(headers, text));
}

/** Retry-After (seconds or HTTP date), retry-after-ms, or Gemini's RetryInfo.retryDelay. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, text = ''): number | null {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers['retry-after'];
  if (typeof ra === 'string') {
    const n = Number(ra);
    if (Number.isFinite(n)) return Math.max(0, n * 1000);
    const d = Date.parse(ra);
    if (Number.isFinite(d)) return Math.max(0, d - Date.now());
  }
  const m = /"retryDelay"\s*:\s*"(\d+(?:\.\d+)?)s"/.exec(text);
  return m ? Number(m[1]) * 1000 : null;
}

export function connectionToTranslated(err: UpstreamConnectionError, p: GatewayProvider): TranslatedUpstreamError {
  if (err.kind === 'timeout') {
    const t = buildTranslatedError(504, 'timeout', `The upstream provider (${p.displayName}) did not answer in time.`, p.displayName);
    t.transport = 'timeout';
    return new TranslatedUpstreamError(t);
  }
  const t = buildTranslatedError(502, 'server', `Could not reach the upstream provider (${p.displayName}).`, p.displayName);
  t.retryable = true;
  t.transport = 'connection';
  return new TranslatedUpstreamError(t);
}

interface BuiltRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  clientWantsUsage: boolean;
}

function buildRequest(a: AttemptArgs, stream: boolean): BuiltRequest {
  const { model, provider: p, ep, body } = a;
  const upstreamModel = model.providerModelId;
  let built: BuiltRequest;
  switch (p.wireFormat) {
    case 'openai': {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json' };
      if (ep.apiKey) headers.authorization = `Bearer ${ep.apiKey}`;
      const path = a.endpoint === 'chat' ? '/chat/completions' : '/embeddings';
      let out: string | Buffer;
      let clientWantsUsage = false;
      if (stream) {
        const req = body as ChatCompletionRequest;
        if (NO_STREAM_OPTIONS.has(p.id)) {
          const copy: Record<string, unknown> = { ...body, model: upstreamModel };
          delete copy.stream_options;
          out = JSON.stringify(copy);
          clientWantsUsage = req.stream_options?.include_usage === true;
        } else {
          const prepared = prepareOpenAIUpstreamBody(req, upstreamModel);
          out = JSON.stringify(prepared.body);
          clientWantsUsage = prepared.clientWantsUsage;
        }
      } else {
        // Pass-through: the client's bytes when the model id is already the provider's.
        out = body.model === upstreamModel ? a.raw : JSON.stringify({ ...body, model: upstreamModel });
      }
      built = { url: ep.baseUrl + path, headers, body: out, clientWantsUsage };
      break;
    }
    case 'anthropic': {
      const req = toAnthropicRequest(body as ChatCompletionRequest, upstreamModel, {
        defaultMaxTokens: Math.min(model.maxOutput ?? 4096, 4096),
      });
      if (stream) req.stream = true;
      built = { url: `${ep.baseUrl}/messages`, headers: anthropicHeaders(ep.apiKey ?? ''), body: JSON.stringify(req), clientWantsUsage: false };
      break;
    }
    case 'gemini': {
      const req = toGeminiRequest(body as ChatCompletionRequest);
      built = {
        url: ep.baseUrl + geminiPath(upstreamModel, stream),
        headers: geminiHeaders(ep.apiKey ?? ''),
        body: JSON.stringify(req),
        clientWantsUsage: false,
      };
      break;
    }
    default:
      throw new GatewayError(400, 'model_not_supported', `The model '${model.name}' is not served through this API.`, { param: 'model' });
  }
  Object.assign(built.headers, a.forwardHeaders);
  return built;
}

async function send(a: AttemptArgs, b: BuiltRequest, timeoutMs: number): Promise<UpstreamResponse> {
  try {
    return await upstreamRequest({ url: b.url, headers: b.headers, body: b.body, timeoutMs, signal: a.signal });
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw connectionToTranslated(err, a.provider);
    throw err;
  }
}

async function failFrom(a: AttemptArgs, res: UpstreamResponse, deadline: number): Promise<never> {
  let text = '';
  try {
    text = (await readAll(res, Math.max(1, deadline - Date.now()), a.signal, 1024 * 1024)).toString('utf8');
  } catch {
    /* the status alone decides */
  }
  throw translateUpstreamError(a.provider, res.status, text, res.headers);
}

function invalidUpstream(p: GatewayProvider): TranslatedUpstreamError {
  const t = buildTranslatedError(502, 'server', `The upstream provider (${p.displayName}) sent an invalid response.`, p.displayName);
  return new TranslatedUpstreamError(t);
}

/** Non-streamed chat completion or embeddings. */
export async function attemptComplete(a: AttemptArgs): Promise<CompleteAnswer> {
  const started = Date.now();
  const deadline = started + a.timeoutMs;
  const built = buildRequest(a, false);
  const res = await send(a, built, a.timeoutMs);
  if (res.status >= 400 || res.status < 200) return failFrom(a, res, deadline);
  let buf: Buffer;
  try {
    buf = await readAll(res, Math.max(1, deadline - Date.now()), a.signal);
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw connectionToTranslated(err, a.provider);
    throw err;
  }
  const text = buf.toString('utf8');
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw invalidUpstream(a.provider);
  }
  const name = a.model.name;
  switch (a.provider.wireFormat) {
    case 'openai': {
      if (!isRecord(obj)) throw invalidUpstream(a.provider);
      const usage = usageOf(normalizeUsage(obj.usage), a);
      return {
        kind: 'complete',
        body: rewriteJsonModel(text, name),
        // No (or impossible) usage: counted from the answer's own content.
        usage: usage ?? (await estimateUsage(a, answerText(obj))),
        refusal: a.endpoint === 'chat' && isContentPolicyRefusal(200, obj, 'openai'),
        parsed: obj,
      };
    }
    case 'anthropic': {
      const completion = fromAnthropicResponse(obj as AnthropicResponse, name, a.requestId);
      return {
        kind: 'complete',
        body: JSON.stringify(completion),
        usage: (isRecord(obj) && isRecord(obj.usage) ? usageOf(completion.usage, a) : null) ?? (await estimateUsage(a, answerText(completion))),
        refusal: isContentPolicyRefusal(200, obj, 'anthropic'),
        parsed: completion,
      };
    }
    case 'gemini': {
      const completion = fromGeminiResponse(obj as GeminiResponse, name, a.requestId);
      return {
        kind: 'complete',
        body: JSON.stringify(completion),
        usage: (isRecord(obj) && isRecord(obj.usageMetadata) ? usageOf(completion.usage, a) : null) ?? (await estimateUsage(a, answerText(completion))),
        refusal: isContentPolicyRefusal(200, obj, 'gemini'),
        parsed: completion,
      };
    }
    default:
      throw invalidUpstream(a.provider);
  }
}

async function estimateUsage(a: AttemptArgs, outputText: string, knownPrompt?: number, quick = false): Promise<TokenUsage> {
  if (quick) {
    // Shutdown: no waiting for the tokenizer worker (its cold start can outlast the deadline).
    const input = knownPrompt && knownPrompt > 0 ? knownPrompt : estimatePromptTokens(a.body);
    return { input, cached: 0, output: Math.ceil(outputText.length / 4), estimated: true };
  }
  const input = knownPrompt && knownPrompt > 0 ? knownPrompt : await countPromptTokens(a.body, a.model.providerModelId);
  const output = await countTokens(outputText, a.model.providerModelId);
  return { input, cached: 0, output, estimated: true };
}

export type { StreamHooks } from './relay';

/** Streamed chat completion: forwards each upstream chunk as soon as it is translated (upstream/relay.ts). */
export async function attemptStream(a: AttemptArgs, h: StreamHooks): Promise<StreamedAnswer> {
  const built = buildRequest(a, true);
  const res = await send(a, built, a.timeoutMs);
  if (res.status >= 400 || res.status < 200) return failFrom(a, res, Date.now() + a.timeoutMs);

  const wire = a.provider.wireFormat;
  const name = a.model.name;
  const opts = { model: name, requestId: a.requestId, includeUsage: (a.body as ChatCompletionRequest).stream_options?.include_usage === true };
  const observer = wire === 'openai' ? new OpenAIStreamObserver(built.clientWantsUsage) : null;
  const anth = wire === 'anthropic' ? new AnthropicStreamTranslator(opts) : null;
  const gem = wire === 'gemini' ? new GeminiStreamTranslator(opts) : null;
  let refusal = false;

  const translator: RelayTranslator = {
    translate(events) {
      let out = '';
      for (const ev of events) {
        if (observer) {
          if (ev.data === '[DONE]') {
            observer.observe(ev.data);
            out += SSE_DONE;
            continue;
          }
          const fwd = observer.observe(ev.data);
          if (observer.error) break;
          if (!refusal && observer.finishReason === 'content_filter') refusal = true;
          if (fwd) out += `data: ${rewriteJsonModel(ev.data, name)}\n\n`;
        } else {
          let obj: unknown;
          try {
            obj = JSON.parse(ev.data);
          } catch {
            continue;
          }
          const t = (anth ?? gem)!;
          const chunks = t.push(obj);
          if (t.error) break;
          if (!refusal && t.finishReason === 'content_filter') refusal = true;
          for (const c of chunks) out += encodeSse(c);
        }
      }
      return out;
    },
    get upstreamFailed() {
      return Boolean(observer?.error || anth?.error || gem?.error);
    },
    /** In-stream error before anything was sent: the chain may retry / fall back. */
    earlyError() {
      if (observer?.error) return translateUpstreamError(a.provider, 500, JSON.stringify({ error: observer.error }), {});
      const t = anth?.error ?? gem?.error;
      return t ? new TranslatedUpstreamError(t) : null;
    },
    flush() {
      const t = anth ?? gem;
      if (!t) return '';
      return (
        t
          .finish()
          .map((c) => encodeSse(c))
          .join('') + (t.complete ? SSE_DONE : '')
      );
    },
    get complete() {
      return observer ? observer.complete : anth ? anth.complete : gem!.complete;
    },
    closingEvent(code, message) {
      return encodeSse({ error: { message, type: 'server_error', code, param: null } });
    },
  };
  /** The tenant's words for an in-stream provider error (the provider's own go to the server log). */
  const upstreamMessage = () => {
    const t = observer?.error ? translateUpstreamError(a.provider, 500, JSON.stringify({ error: observer.error }), {}).translated : (anth?.error ?? gem?.error);
    if (!t) return null;
    gatewayLog.warn({ requestId: a.requestId, provider: a.provider.id, model: a.model.name, upstream: t.upstream ?? null }, 'upstream error in stream');
    return t.body.error.message;
  };
  const relayed = await relayStream(res, a, h, translator, upstreamMessage);

  // Usage: the provider's when it sent a final count, else the tokenizer's.
  let usage: TokenUsage | null = null;
  let outputText = '';
  if (observer) {
    usage = usageOf(observer.usage, a);
    outputText = observer.outputText;
  } else {
    const t = (anth ?? gem)!;
    outputText = t.outputText;
    if (t.usageFinal) usage = usageOf(t.usage, a);
    else {
      const partialPrompt = t.usage.prompt_tokens;
      usage = await estimateUsage(a, outputText, Number.isInteger(partialPrompt) ? partialPrompt : undefined, relayed.shutdownEnded);
      const cached = t.usage.prompt_tokens_details?.cached_tokens ?? 0;
      usage.cached = Number.isInteger(cached) && cached > 0 ? Math.min(usage.input, cached) : 0;
    }
  }
  if (!usage) usage = await estimateUsage(a, outputText, undefined, relayed.shutdownEnded);
  return {
    kind: 'stream',
    status: relayed.status,
    usage,
    ttfbMs: relayed.ttfbMs,
    errorCode: relayed.errorCode,
    refusal,
    summary: { content: outputText, finishReason: observer?.finishReason ?? anth?.finishReason ?? gem?.finishReason ?? null },
  };
}

/** Is this failure the client's own doing (never retried, never a provider failure)? */
export function isClientFault(err: unknown): boolean {
  if (err instanceof UnsupportedFeatureError) return true;
  if (err instanceof TranslatedUpstreamError) return err.translated.kind === 'invalid_request' || err.translated.kind === 'request_too_large';
  return false;
}
