/**
 * OpenAI Chat Completions <-> Anthropic Messages API translation. Pure functions plus one
 * stateful stream translator; no I/O, no Next.js, no database.
 *
 * Wire format (checked against Anthropic's API reference and the official TypeScript SDK types):
 * - Request: POST /v1/messages, headers `x-api-key`, `anthropic-version: 2023-06-01`.
 *   Body { model, max_tokens (required), system?, messages[{role: user|assistant, content}],
 *   stop_sequences?, temperature? (0..1), top_p?, tools?[{name, description?, input_schema}],
 *   tool_choice?{type: auto|any|tool|none, name?, disable_parallel_tool_use?},
 *   output_config?{format:{type:'json_schema', schema}}, metadata?{user_id}, stream? }.
 * - Response: { id, type:'message', role:'assistant', content[text|tool_use|thinking...],
 *   stop_reason: end_turn|max_tokens|stop_sequence|tool_use|pause_turn|refusal|
 *   model_context_window_exceeded, usage{input_tokens, output_tokens,
 *   cache_creation_input_tokens, cache_read_input_tokens, output_tokens_details?} }.
 *   Total input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens.
 * - Stream: message_start{message} -> (content_block_start{index, content_block} ->
 *   content_block_delta{index, delta: text_delta|input_json_delta|thinking_delta|...} ->
 *   content_block_stop)* -> message_delta{delta{stop_reason}, usage (cumulative)} ->
 *   message_stop; plus `ping` and in-stream `error` events.
 * - Error: { type:'error', error:{ type, message }, request_id }.
 *
 * Documented choices:
 * - `max_tokens` is required by Anthropic: we send max_completion_tokens ?? max_tokens ??
 *   DEFAULT_ANTHROPIC_MAX_TOKENS (4096) unless the caller passes another default.
 * - system and developer messages (wherever they appear) become the top-level `system` blocks,
 *   in order.
 * - temperature is clamped to Anthropic's 0..1 range; when both temperature and top_p are set,
 *   top_p is dropped (recent Claude models reject the pair).
 * - response_format json_schema -> `output_config.format` (Anthropic structured outputs);
 *   json_object (or json_schema with `structuredOutputs: false`) -> an instruction appended to
 *   the system prompt asking for a single JSON object, since Anthropic has no JSON mode.
 * - n > 1, audio input, custom tools and the deprecated `functions` are rejected with an
 *   UnsupportedFeatureError (400); logit_bias, logprobs, seed, penalties are ignored.
 * - thinking blocks are not exposed in the OpenAI response.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChunkDelta, FinishReason, ResponseToolCall, Usage } from './openai-types';
import {
  UnsupportedFeatureError,
  providerError,
  completionId,
  isRecord,
  kindForStatus,
  nowSeconds,
  num,
  parseDataUrl,
  parseToolArguments,
  textOf,
  type StreamTranslatorOptions,
  type TranslatedError,
  type UpstreamErrorKind,
  parseJsonBody,
} from './shared';
import { isContentPolicyRefusal } from './content-policy';

export const ANTHROPIC_VERSION = '2023-06-01';
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;
export const JSON_MODE_INSTRUCTION =
  'Respond with a single valid JSON object only. Do not wrap it in Markdown code fences and do not add any text before or after it.';

// ---------------------------------------------------------------------------------------------
// Anthropic wire types (the subset we produce / read)
// ---------------------------------------------------------------------------------------------

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
}
export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}
export interface AnthropicDocumentBlock {
  type: 'document';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  title?: string;
}
export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}
export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string;
}
export type AnthropicContentBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock | AnthropicToolUseBlock | AnthropicToolResultBlock;

export interface AnthropicMessageParam {
  role: 'user' | 'assistant';
  content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  output_config?: { format: { type: 'json_schema'; schema: Record<string, unknown> } };
  metadata?: { user_id: string };
  stream?: boolean;
}

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
}

export interface AnthropicResponse {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: Array<Record<string, unknown>>;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsage;
}

export interface AnthropicRequestOptions {
  /** Used when the client sets neither max_completion_tokens nor max_tokens. Default 4096. */
  defaultMaxTokens?: number;
  /**
   * Map json_schema response_format to Anthropic structured outputs (`output_config.format`).
   * Default true. When false (model without structured outputs), a system instruction is used.
   */
  structuredOutputs?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

export function toAnthropicRequest(req: ChatCompletionRequest, providerModelId: string, opts: AnthropicRequestOptions = {}): AnthropicRequest {
  if (req.n != null && req.n > 1) {
    throw new UnsupportedFeatureError('n > 1 is not supported for this model', 'n');
  }
  if (req.functions !== undefined || req.function_call !== undefined) {
    throw new UnsupportedFeatureError('The deprecated functions/function_call parameters are not supported for this model; use tools/tool_choice', 'functions');
  }

  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];

  const pushBlocks = (role: 'user' | 'assistant', blocks: AnthropicContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) {
      // Tool results must lead a user turn; a plain user message after tool messages keeps order.
      last.content.push(...blocks);
    } else {
      messages.push({ role, content: blocks });
    }
  };

  req.messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content);
        if (text) system.push({ type: 'text', text });
        break;
      }
      case 'user': {
        const blocks: AnthropicContentBlock[] = [];
        if (typeof m.content === 'string') {
          blocks.push({ type: 'text', text: m.content });
        } else {
          m.content.forEach((part, j) => {
            const param = `messages[${i}].content[${j}]`;
            switch (part.type) {
              case 'text':
                if (part.text) blocks.push({ type: 'text', text: part.text });
                break;
              case 'image_url': {
                const d = parseDataUrl(part.image_url.url);
                blocks.push(
                  d
                    ? { type: 'image', source: { type: 'base64', media_type: d.mediaType, data: d.data } }
                    : { type: 'image', source: { type: 'url', url: part.image_url.url } },
                );
                break;
              }
              case 'file': {
                const d = part.file.file_data ? parseDataUrl(part.file.file_data) : null;
                if (!d || d.mediaType !== 'application/pdf') {
                  throw new UnsupportedFeatureError('Only PDF files sent inline as a base64 data URL are supported for this model', param);
                }
                blocks.push({
                  type: 'document',
                  source: { type: 'base64', media_type: d.mediaType, data: d.data },
                  ...(part.file.filename ? { title: part.file.filename } : {}),
                });
                break;
              }
              case 'input_audio':
                throw new UnsupportedFeatureError('Audio input is not supported for this model', param);
            }
          });
        }
        pushBlocks('user', blocks);
        break;
      }
      case 'assistant': {
        const blocks: AnthropicContentBlock[] = [];
        const text = typeof m.content === 'string' ? m.content : m.content ? textOf(m.content) : '';
        if (text) blocks.push({ type: 'text', text });
        for (const tc of m.tool_calls ?? []) {
          blocks.push({
            type: 'tool_use',
            id: tc.id,
            name: tc.function.name,
            input: parseToolArguments(tc.function.arguments),
          });
        }
        pushBlocks('assistant', blocks);
        break;
      }
      case 'tool': {
        const content = textOf(m.content);
        pushBlocks('user', [{ type: 'tool_result', tool_use_id: m.tool_call_id, ...(content ? { content } : {}) }]);
        break;
      }
      case 'function':
        throw new UnsupportedFeatureError('Messages with role "function" are not supported for this model; use tool messages', `messages[${i}].role`);
    }
  });

  const out: AnthropicRequest = {
    model: providerModelId,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? opts.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
  };

  // response_format
  const rf = req.response_format;
  if (rf?.type === 'json_schema' && rf.json_schema.schema && opts.structuredOutputs !== false) {
    out.output_config = { format: { type: 'json_schema', schema: rf.json_schema.schema } };
  } else if (rf?.type === 'json_object' || rf?.type === 'json_schema') {
    let instruction = JSON_MODE_INSTRUCTION;
    if (rf.type === 'json_schema' && rf.json_schema.schema) {
      instruction += ` The object must conform to this JSON Schema: ${JSON.stringify(rf.json_schema.schema)}`;
    }
    system.push({ type: 'text', text: instruction });
  }
  if (system.length > 0) out.system = system;

  if (req.stop != null) {
    const stops = (Array.isArray(req.stop) ? req.stop : [req.stop]).filter((s) => s.length > 0);
    if (stops.length > 0) out.stop_sequences = stops;
  }
  if (req.temperature != null) out.temperature = Math.min(1, Math.max(0, req.temperature));
  else if (req.top_p != null) out.top_p = req.top_p;
  if (req.user) out.metadata = { user_id: req.user };
  if (req.stream) out.stream = true;

  // tools
  let allowedNames: Set<string> | null = null;
  const tc = req.tool_choice;
  if (tc !== undefined && typeof tc === 'object' && tc.type === 'allowed_tools') {
    allowedNames = new Set();
    for (const t of tc.allowed_tools.tools) {
      const fn = t.function;
      if (isRecord(fn) && typeof fn.name === 'string') allowedNames.add(fn.name);
    }
  }
  if (req.tools && req.tools.length > 0) {
    const tools: AnthropicTool[] = [];
    req.tools.forEach((t, i) => {
      if (t.type !== 'function') {
        throw new UnsupportedFeatureError('Custom tools are not supported for this model', `tools[${i}]`);
      }
      if (allowedNames && !allowedNames.has(t.function.name)) return;
      tools.push({
        name: t.function.name,
        ...(t.function.description ? { description: t.function.description } : {}),
        input_schema: t.function.parameters ?? { type: 'object', properties: {} },
      });
    });
    if (tools.length > 0) out.tools = tools;
  }
  if (out.tools) {
    const noParallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
    if (tc === undefined || tc === 'auto') {
      if (req.parallel_tool_calls === false) out.tool_choice = { type: 'auto', ...noParallel };
    } else if (tc === 'none') {
      out.tool_choice = { type: 'none' };
    } else if (tc === 'required') {
      out.tool_choice = { type: 'any', ...noParallel };
    } else if (tc.type === 'function') {
      out.tool_choice = { type: 'tool', name: tc.function.name, ...noParallel };
    } else if (tc.type === 'allowed_tools') {
      out.tool_choice = { type: tc.allowed_tools.mode === 'required' ? 'any' : 'auto', ...noParallel };
    } else {
      throw new UnsupportedFeatureError('Custom tool choice is not supported for this model', 'tool_choice');
    }
  }
  return out;
}

/** Headers for an Anthropic call (content-type included). */
export function anthropicHeaders(apiKey: string, version = ANTHROPIC_VERSION): Record<string, string> {
  return { 'content-type': 'application/json', 'x-api-key': apiKey, 'anthropic-version': version };
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason | null {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return 'stop';
  }
}

/**
 * prompt_tokens = input + cache_read + cache_creation (Anthropic's input_tokens excludes both);
 * cached_tokens = cache_read; cache_write_tokens = cache_creation.
 */
export function anthropicUsageToOpenAI(u: AnthropicUsage | undefined | null): Usage {
  const input = num(u?.input_tokens);
  const cacheRead = num(u?.cache_read_input_tokens);
  const cacheWrite = num(u?.cache_creation_input_tokens);
  const output = num(u?.output_tokens);
  const prompt = input + cacheRead + cacheWrite;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinking = u?.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}

export function fromAnthropicResponse(res: AnthropicResponse, clientModelName: string, requestId: string): ChatCompletion {
  let text = '';
  let hasText = false;
  const toolCalls: ResponseToolCall[] = [];
  for (const block of res.content ?? []) {
    if (block.type === 'text' && typeof block.text === 'string') {
      text += block.text;
      hasText = true;
    } else if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const finish = mapAnthropicStopReason(res.stop_reason) ?? 'stop';
  return {
    id: completionId(requestId),
    object: 'chat.completion',
    created: nowSeconds(),
    model: clientModelName,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: hasText || toolCalls.length === 0 ? text : null,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: anthropicUsageToOpenAI(res.usage),
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

/**
 * Consumes parsed Anthropic stream events (the JSON `data` of each SSE event) and produces
 * OpenAI `chat.completion.chunk` objects.
 *
 * Call `push(event)` per event and `finish()` once at end of input; send the returned chunks in
 * order, then `data: [DONE]`. `complete` tells whether the upstream finished normally
 * (message_stop seen); when it did not (truncated upstream, client abort), `usage` /
 * `estimatedUsage()` give what was produced so far for metering, and `error` holds an in-stream
 * error event translated to the OpenAI shape if one arrived.
 */
export class AnthropicStreamTranslator {
  private readonly id: string;
  private readonly created: number;
  private readonly model: string;
  private readonly includeUsage: boolean;
  private started = false;
  private usageSent = false;
  private readonly toolIndexByBlock = new Map<number, number>();
  private rawUsage: AnthropicUsage = {};

  /** Mapped finish reason once message_delta carried a stop_reason. */
  finishReason: FinishReason | null = null;
  /** message_stop was seen. */
  complete = false;
  /** In-stream `error` event, translated. */
  error: TranslatedError | null = null;
  /** Characters of text and tool-argument output forwarded so far (for partial metering). */
  outputChars = 0;
  /** The text and tool-argument output forwarded so far (for tokenizer-based metering). */
  outputText = '';

  constructor(opts: StreamTranslatorOptions) {
    this.id = completionId(opts.requestId);
    this.created = opts.created ?? nowSeconds();
    this.model = opts.model;
    this.includeUsage = opts.includeUsage;
  }

  /** Usage as reported by Anthropic so far (output_tokens is final only after message_delta). */
  get usage(): Usage {
    return anthropicUsageToOpenAI(this.rawUsage);
  }

  /** Whether `usage` is final (message_delta seen). */
  get usageFinal(): boolean {
    return this.finishReason !== null;
  }

  /**
   * Usage for metering a stream that may have stopped early: reported numbers, with
   * completion_tokens raised to ceil(outputChars / 4) when the final count never arrived.
   */
  estimatedUsage(): Usage {
    const u = this.usage;
    if (!this.usageFinal) {
      const est = Math.ceil(this.outputChars / 4);
      if (est > u.completion_tokens) {
        u.completion_tokens = est;
        u.total_tokens = u.prompt_tokens + est;
      }
    }
    return u;
  }

  push(event: unknown): ChatCompletionChunk[] {
    if (!isRecord(event)) return [];
    const out: ChatCompletionChunk[] = [];
    switch (event.type) {
      case 'message_start': {
        const msg = event.message;
        if (isRecord(msg) && isRecord(msg.usage)) this.mergeUsage(msg.usage as AnthropicUsage);
        this.ensureStarted(out);
        break;
      }
      case 'content_block_start': {
        this.ensureStarted(out);
        const index = num(event.index);
        const block = event.content_block;
        if (!isRecord(block)) break;
        if (block.type === 'text' && typeof block.text === 'string' && block.text) {
          this.outputChars += block.text.length;
          this.outputText += block.text;
          out.push(this.chunk({ content: block.text }));
        } else if (block.type === 'tool_use') {
          const toolIndex = this.toolIndexByBlock.size;
          this.toolIndexByBlock.set(index, toolIndex);
          const name = typeof block.name === 'string' ? block.name : '';
          this.outputChars += name.length;
          this.outputText += name;
          out.push(
            this.chunk({
              tool_calls: [
                {
                  index: toolIndex,
                  id: typeof block.id === 'string' ? block.id : '',
                  type: 'function',
                  function: { name, arguments: '' },
                },
              ],
            }),
          );
        }
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (!isRecord(delta)) break;
        this.ensureStarted(out);
        if (delta.type === 'text_delta' && typeof delta.text === 'string') {
          if (delta.text) {
            this.outputChars += delta.text.length;
            this.outputText += delta.text;
            out.push(this.chunk({ content: delta.text }));
          }
        } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
          const toolIndex = this.toolIndexByBlock.get(num(event.index));
          if (toolIndex !== undefined && delta.partial_json) {
            this.outputChars += delta.partial_json.length;
            this.outputText += delta.partial_json;
            out.push(this.chunk({ tool_calls: [{ index: toolIndex, function: { arguments: delta.partial_json } }] }));
          }
        }
        break;
      }
      case 'message_delta': {
        if (isRecord(event.usage)) this.mergeUsage(event.usage as AnthropicUsage);
        const d = event.delta;
        if (isRecord(d) && typeof d.stop_reason === 'string') {
          this.ensureStarted(out);
          this.finishReason = mapAnthropicStopReason(d.stop_reason);
          out.push(this.chunk({}, this.finishReason));
        }
        break;
      }
      case 'message_stop':
        this.complete = true;
        this.ensureStarted(out);
        if (this.finishReason === null) {
          this.finishReason = 'stop';
          out.push(this.chunk({}, 'stop'));
        }
        this.pushUsage(out);
        break;
      case 'error': {
        const err = isRecord(event.error) ? event.error : {};
        const status = err.type === 'overloaded_error' ? 529 : err.type === 'rate_limit_error' ? 429 : 500;
        this.error = fromAnthropicError(status, event);
        break;
      }
      default:
        break; // ping, content_block_stop, unknown future events
    }
    return out;
  }

  /** End of upstream input. Emits the usage chunk if the stream completed and it is still due. */
  finish(): ChatCompletionChunk[] {
    const out: ChatCompletionChunk[] = [];
    if (this.complete) this.pushUsage(out);
    return out;
  }

  private mergeUsage(u: AnthropicUsage): void {
    // message_delta counts are cumulative; a null/absent field keeps the earlier value.
    const r = this.rawUsage;
    if (typeof u.input_tokens === 'number') r.input_tokens = u.input_tokens;
    if (typeof u.output_tokens === 'number') r.output_tokens = u.output_tokens;
    if (typeof u.cache_read_input_tokens === 'number') r.cache_read_input_tokens = u.cache_read_input_tokens;
    if (typeof u.cache_creation_input_tokens === 'number') r.cache_creation_input_tokens = u.cache_creation_input_tokens;
    if (u.output_tokens_details && typeof u.output_tokens_details.thinking_tokens === 'number') {
      r.output_tokens_details = { thinking_tokens: u.output_tokens_details.thinking_tokens };
    }
  }

  private ensureStarted(out: ChatCompletionChunk[]): void {
    if (this.started) return;
    this.started = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private pushUsage(out: ChatCompletionChunk[]): void {
    if (!this.includeUsage || this.usageSent) return;
    this.usageSent = true;
    out.push({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [],
      usage: this.usage,
    });
  }

  private chunk(delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    const c: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
    };
    if (this.includeUsage) c.usage = null;
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const ANTHROPIC_ERROR_KINDS: Record<string, UpstreamErrorKind> = {
  invalid_request_error: 'invalid_request',
  authentication_error: 'authentication',
  permission_error: 'permission',
  billing_error: 'permission',
  not_found_error: 'not_found',
  request_too_large: 'request_too_large',
  rate_limit_error: 'rate_limit',
  api_error: 'server',
  overloaded_error: 'overloaded',
  timeout_error: 'timeout',
};

/**
 * Anthropic error (`{type:'error', error:{type, message}}`, or any non-JSON body) -> OpenAI error
 * object and a suggested status (see TranslatedError).
 */
export function fromAnthropicError(status: number, body: unknown): TranslatedError {
  const parsed = parseJsonBody(body);
  const err = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  const errType = err && typeof err.type === 'string' ? err.type : null;
  let kind: UpstreamErrorKind = (errType && ANTHROPIC_ERROR_KINDS[errType]) || kindForStatus(status);
  if (isContentPolicyRefusal(status, parsed, 'anthropic')) kind = 'content_policy';
  const upstreamMessage = err && typeof err.message === 'string' ? err.message : '';
  return providerError(status, kind, { type: errType, message: upstreamMessage }, 'Anthropic');
}
