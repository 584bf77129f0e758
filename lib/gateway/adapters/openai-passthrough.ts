/**
 * Helpers for faithful pass-through to OpenAI-compatible upstreams (OpenAI, self-hosted vLLM /
 * TGI / Ollama endpoints, ...). The body is forwarded as the client sent it, with two changes:
 * the model id is replaced by the provider's, and streaming requests always ask the upstream
 * for `stream_options.include_usage` so every stream can be metered. The observer then drops
 * the usage-only chunk again when the client had not asked for it.
 */
import type { ChatCompletionRequest, FinishReason, Usage } from './openai-types';
import { isRecord, kindForStatus, num, providerError, type TranslatedError, type UpstreamErrorKind, parseJsonBody } from './shared';
import { isContentPolicyRefusal } from './content-policy';

export interface PreparedOpenAIBody {
  body: ChatCompletionRequest;
  /** The client itself asked for stream_options.include_usage. */
  clientWantsUsage: boolean;
}

export function prepareOpenAIUpstreamBody(req: ChatCompletionRequest, providerModelId: string): PreparedOpenAIBody {
  const clientWantsUsage = req.stream_options?.include_usage === true;
  const body: ChatCompletionRequest = { ...req, model: providerModelId };
  if (req.stream) body.stream_options = { ...(req.stream_options ?? {}), include_usage: true };
  return { body, clientWantsUsage };
}

/** Normalises an OpenAI-style usage object (missing fields become 0). */
export function normalizeUsage(u: unknown): Usage | null {
  if (!isRecord(u)) return null;
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: num(u.total_tokens) || prompt + completion,
  };
  if (isRecord(u.prompt_tokens_details)) usage.prompt_tokens_details = { ...u.prompt_tokens_details };
  if (isRecord(u.completion_tokens_details)) usage.completion_tokens_details = { ...u.completion_tokens_details };
  return usage;
}

/**
 * Watches the `data:` payloads of an OpenAI-compatible stream. `observe(data)` returns whether
 * to forward the event to the client unchanged (false only for the usage-only chunk the client
 * did not ask for). `[DONE]` is reported as forwardable; `complete` becomes true.
 */
export class OpenAIStreamObserver {
  usage: Usage | null = null;
  finishReason: FinishReason | null = null;
  complete = false;
  /** An in-stream `{error: ...}` payload, as sent. */
  error: Record<string, unknown> | null = null;
  outputChars = 0;
  /** The text and tool-call output seen so far (for tokenizer-based metering). */
  outputText = '';

  constructor(private readonly clientWantsUsage: boolean) {}

  observe(data: string): boolean {
    if (data === '[DONE]') {
      this.complete = true;
      return true;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(data);
    } catch {
      return true;
    }
    if (!isRecord(obj)) return true;
    if (isRecord(obj.error)) {
      this.error = obj.error;
      return true;
    }
    const choices = Array.isArray(obj.choices) ? obj.choices : [];
    for (const c of choices) {
      if (!isRecord(c)) continue;
      if (typeof c.finish_reason === 'string' && this.finishReason === null) {
        this.finishReason = c.finish_reason as FinishReason;
      }
      const d = c.delta;
      if (!isRecord(d)) continue;
      if (typeof d.content === 'string') {
        this.outputChars += d.content.length;
        this.outputText += d.content;
      }
      if (Array.isArray(d.tool_calls)) {
        for (const tc of d.tool_calls) {
          if (isRecord(tc) && isRecord(tc.function)) {
            const f = tc.function;
            if (typeof f.arguments === 'string') {
              this.outputChars += f.arguments.length;
              this.outputText += f.arguments;
            }
            if (typeof f.name === 'string') {
              this.outputChars += f.name.length;
              this.outputText += f.name;
            }
          }
        }
      }
    }
    const usage = normalizeUsage(obj.usage);
    if (usage) {
      this.usage = usage;
      if (choices.length === 0 && !this.clientWantsUsage) return false;
    }
    return true;
  }

  /** Reported usage, or (stream cut short) completion_tokens estimated as ceil(outputChars / 4). */
  estimatedUsage(promptTokensEstimate = 0): Usage {
    if (this.usage) return this.usage;
    const completion = Math.ceil(this.outputChars / 4);
    return {
      prompt_tokens: promptTokensEstimate,
      completion_tokens: completion,
      total_tokens: promptTokensEstimate + completion,
    };
  }
}

/**
 * OpenAI-compatible error (`{error:{message,type,param,code}}`, or any body) -> OpenAI error
 * object and a suggested status (see TranslatedError). Content-policy errors are recognised.
 */
export function fromOpenAIError(status: number, body: unknown, providerLabel = 'OpenAI'): TranslatedError {
  const parsed = parseJsonBody(body);
  let kind: UpstreamErrorKind = kindForStatus(status);
  if (isContentPolicyRefusal(status, parsed, 'openai')) kind = 'content_policy';
  const err = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  const message = err && typeof err.message === 'string' ? err.message : '';
  return providerError(status, kind, { type: err?.type ?? err?.code, message }, providerLabel);
}

/**
 * Replaces the value of the top-level `"model"` key of a serialized OpenAI response or chunk
 * without re-serializing it (pass-through stays byte-for-byte otherwise). A raw `"model"` token
 * can only be a key (inside a JSON string quotes are escaped), and OpenAI responses carry no
 * nested `model` key before the top-level one. Returns the input unchanged when not found.
 */
export function rewriteJsonModel(json: string, model: string): string {
  let i = json.indexOf('"model"');
  while (i >= 0) {
    let j = i + 7;
    while (j < json.length && (json.charCodeAt(j) === 32 || json.charCodeAt(j) === 10 || json.charCodeAt(j) === 13 || json.charCodeAt(j) === 9)) j++;
    if (json.charCodeAt(j) === 58 /* : */) {
      j++;
      while (j < json.length && (json.charCodeAt(j) === 32 || json.charCodeAt(j) === 10 || json.charCodeAt(j) === 13 || json.charCodeAt(j) === 9)) j++;
      if (json.charCodeAt(j) !== 34 /* " */) return json;
      let k = j + 1;
      while (k < json.length && json.charCodeAt(k) !== 34) {
        if (json.charCodeAt(k) === 92 /* \ */) k++;
        k++;
      }
      if (k >= json.length) return json;
      if (json.slice(j + 1, k) === model) return json;
      return json.slice(0, j + 1) + JSON.stringify(model).slice(1, -1) + json.slice(k);
    }
    i = json.indexOf('"model"', i + 7);
  }
  return json;
}
