/**
 * Anthropic's Messages API as an INBOUND wire format: clients (Anthropic's SDKs, coding agents)
 * send `POST /v1/messages` bodies to RADIANT; the gateway either passes them to Anthropic as they
 * are (Claude models) or translates them to its internal OpenAI chat request and the answer back
 * (every other chat model). Pure functions plus two small stateful stream helpers; no I/O, no
 * Next.js, no database. (The opposite direction, OpenAI -> Anthropic upstream, is ./anthropic.ts.)
 *
 * Wire format, checked against Anthropic's API reference and the official TypeScript SDK 1.17
 * (`MessageCreateParams`, `Message`, `RawMessageStreamEvent`, `MessageStream`):
 * - Request: { model, max_tokens (required), messages[{role: user|assistant, content: string |
 *   blocks}], system?: string | text blocks, stop_sequences?, temperature? (0..1), top_p?, top_k?,
 *   tools?[{name, description?, input_schema} | server tools {type: 'web_search_20250305', ...}],
 *   tool_choice?{type: auto|any|tool|none, name?, disable_parallel_tool_use?}, metadata?{user_id},
 *   thinking?, stream? }. Content blocks: text, image {source: base64|url|file}, document,
 *   tool_use {id, name, input}, tool_result {tool_use_id, content?: string | blocks, is_error?},
 *   thinking, redacted_thinking, and server-tool blocks.
 * - Answer: { id: 'msg_…', type: 'message', role: 'assistant', model, content[text | tool_use],
 *   stop_reason: end_turn|max_tokens|stop_sequence|tool_use|pause_turn|refusal, stop_sequence,
 *   usage{input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens} };
 *   input_tokens EXCLUDES cache reads and writes.
 * - Stream: `event: <type>` + `data: <json>` per event: message_start{message (content [])} ->
 *   per block content_block_start{index, content_block} -> (first block only) ping ->
 *   content_block_delta{index, delta: text_delta{text} | input_json_delta{partial_json}} ->
 *   content_block_stop{index} -> message_delta{delta{stop_reason, stop_sequence}, usage
 *   (cumulative)} -> message_stop. Failures mid-stream: `event: error` {type:'error', error}.
 * - Errors: HTTP status + { type: 'error', error: { type, message }, request_id }:
 *   400 invalid_request_error, 401 authentication_error, 402 billing_error, 403 permission_error,
 *   404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error,
 *   504 timeout_error, 529 overloaded_error.
 *
 * Translation choices for non-Claude models (documented in docs/gateway.md):
 * - `system` blocks are joined with a blank line into one system message; cache_control,
 *   citations settings and `top_k` are dropped (OpenAI-style APIs have no equivalent);
 *   `thinking` is ignored; `metadata.user_id` becomes `user`; `output_config.format` (JSON schema)
 *   becomes `response_format: json_schema`.
 * - tool_result blocks become `tool` messages (in order, before the rest of that user turn);
 *   `is_error: true` prefixes the content with "Error: "; images inside a tool result follow as
 *   a user message. Assistant thinking / redacted_thinking blocks are dropped from history.
 * - Server tools (web search, code execution, ...), `file` image sources, URL / file documents,
 *   search_result and other server-side blocks have no equivalent: 400 naming the field.
 * - `disable_parallel_tool_use` -> `parallel_tool_calls: false`; tool_choice any -> required.
 * - Streams always ask the provider for usage, so message_delta carries real token counts.
 */
import { z } from 'zod';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  FinishReason,
  OpenAIErrorBody,
  Tool,
  ToolChoice,
  Usage,
} from './openai-types';
import { anthropicUsageToOpenAI, AnthropicStreamTranslator, type AnthropicUsage } from './anthropic';
import { encodeSse } from './sse';
import { UnsupportedFeatureError, isRecord, num, parseToolArguments } from './shared';

// ---------------------------------------------------------------------------------------------
// Request schema (validates what clients send; unknown fields are kept for Claude pass-through)
// ---------------------------------------------------------------------------------------------

const cacheControl = z
  .looseObject({ type: z.literal('ephemeral') })
  .nullable()
  .optional();

const textBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
});

const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) }),
    z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
    z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
  ]),
  cache_control: cacheControl,
});

const documentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string() }),
  title: z.string().nullable().optional(),
  cache_control: cacheControl,
});

const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
  cache_control: cacheControl,
});

const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlockSchema = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlockSchema = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

const KNOWN_BLOCKS: Record<string, z.ZodType> = {
  text: textBlockSchema,
  image: imageBlockSchema,
  document: documentBlockSchema,
  tool_use: toolUseBlockSchema,
  tool_result: toolResultBlockSchema,
  thinking: thinkingBlockSchema,
  redacted_thinking: redactedThinkingBlockSchema,
};

/**
 * A content block: the known types are checked field by field; other types (server tool blocks,
 * search results, container uploads, ...) are accepted as `{type}` and passed to Anthropic as they
 * are, or refused by the translation for other providers.
 */
const contentBlockSchema = z.looseObject({ type: z.string().min(1) }).superRefine((block, ctx) => {
  const schema = KNOWN_BLOCKS[block.type];
  if (!schema) return;
  const r = schema.safeParse(block);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
});

const messageParamSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

const toolSchema = z.looseObject({ name: z.string().min(1), type: z.string().nullable().optional() }).superRefine((t, ctx) => {
  if (t.type == null || t.type === 'custom') {
    if (!isRecord((t as Record<string, unknown>).input_schema)) {
      ctx.addIssue({ code: 'custom', message: 'Field required', path: ['input_schema'] });
    }
  }
});

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);

export const anthropicMessagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(messageParamSchema).min(1, 'at least one message is required'),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
  stream: z.boolean().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
});

export type AnthropicMessagesRequest = z.infer<typeof anthropicMessagesRequestSchema>;
type ContentBlock = Record<string, unknown> & { type: string };

/** Anthropic's style of validation message: `messages.0.content: Field required`. */
export function anthropicValidationMessage(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  const first = issues[0];
  if (!first) return 'Invalid request body';
  const path = first.path.map((p) => String(p)).join('.');
  return path ? `${path}: ${first.message}` : first.message;
}

// ---------------------------------------------------------------------------------------------
// Request: Anthropic Messages -> internal OpenAI chat request
// ---------------------------------------------------------------------------------------------

export interface FromAnthropicOptions {
  /**
   * Which OpenAI field carries max_tokens. OpenAI's own API wants `max_completion_tokens`
   * (its reasoning models reject `max_tokens`); most compatible APIs know only `max_tokens`.
   */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
}

type UserPart = Extract<ChatMessage, { role: 'user' }>['content'] extends infer C ? (C extends Array<infer P> ? P : never) : never;

function unsupported(message: string, param: string): never {
  throw new UnsupportedFeatureError(message, param);
}

function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/** One user-side block -> an OpenAI user content part (text, image, file). */
function userPart(block: ContentBlock, param: string): UserPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: String(block.text ?? '') };
    case 'image': {
      const src = block.source as Record<string, unknown>;
      if (src.type === 'base64') return { type: 'image_url', image_url: { url: dataUrl(String(src.media_type), String(src.data)) } };
      if (src.type === 'url') return { type: 'image_url', image_url: { url: String(src.url) } };
      return unsupported('Image sources of type "file" (Files API) are only supported for Claude models', `${param}.source`);
    }
    case 'document': {
      const src = block.source as Record<string, unknown>;
      const title = typeof block.title === 'string' && block.title ? block.title : undefined;
      if (src.type === 'base64' && typeof src.data === 'string') {
        const mediaType = typeof src.media_type === 'string' ? src.media_type : 'application/pdf';
        return { type: 'file', file: { file_data: dataUrl(mediaType, src.data), ...(title ? { filename: title } : {}) } };
      }
      if (src.type === 'text' && typeof src.data === 'string') {
        return { type: 'text', text: title ? `${title}\n\n${src.data}` : src.data };
      }
      if (src.type === 'content' && Array.isArray(src.content)) {
        const text = (src.content as ContentBlock[])
          .filter((b) => isRecord(b) && b.type === 'text')
          .map((b) => String(b.text ?? ''))
          .join('\n');
        return { type: 'text', text: title ? `${title}\n\n${text}` : text };
      }
      return unsupported(`Document sources of type "${String(src.type)}" are only supported for Claude models`, `${param}.source`);
    }
    default:
      return unsupported(`Content blocks of type "${block.type}" are only supported for Claude models`, `${param}.type`);
  }
}

function toolResultContent(block: ContentBlock, param: string): { text: string; images: UserPart[] } {
  const images: UserPart[] = [];
  let text: string;
  const c = block.content;
  if (typeof c === 'string') text = c;
  else if (Array.isArray(c)) {
    const texts: string[] = [];
    (c as ContentBlock[]).forEach((b, k) => {
      if (b.type === 'text') texts.push(String(b.text ?? ''));
      else if (b.type === 'image') images.push(userPart(b, `${param}.content.${k}`));
      else if (b.type === 'document') {
        const part = userPart(b, `${param}.content.${k}`);
        if (part.type === 'text') texts.push(part.text);
        else images.push(part);
      } else unsupported(`Tool result content of type "${b.type}" is only supported for Claude models`, `${param}.content.${k}.type`);
    });
    text = texts.join('\n');
  } else text = '';
  if (block.is_error === true) text = text ? `Error: ${text}` : 'Error';
  return { text, images };
}

export function fromAnthropicMessagesRequest(req: AnthropicMessagesRequest, opts: FromAnthropicOptions = {}): ChatCompletionRequest {
  const messages: ChatMessage[] = [];

  if (typeof req.system === 'string') {
    if (req.system) messages.push({ role: 'system', content: req.system });
  } else if (Array.isArray(req.system)) {
    const text = req.system
      .map((b) => b.text)
      .filter(Boolean)
      .join('\n\n');
    if (text) messages.push({ role: 'system', content: text });
  }

  req.messages.forEach((m, i) => {
    const param = `messages.${i}.content`;
    if (typeof m.content === 'string') {
      messages.push(m.role === 'user' ? { role: 'user', content: m.content } : { role: 'assistant', content: m.content });
      return;
    }
    const blocks = m.content as ContentBlock[];
    if (m.role === 'assistant') {
      let text = '';
      const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
      blocks.forEach((b, j) => {
        if (b.type === 'text') text += String(b.text ?? '');
        else if (b.type === 'tool_use') {
          toolCalls.push({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) } });
        } else if (b.type === 'thinking' || b.type === 'redacted_thinking') {
          // The provider cannot verify Anthropic's thinking signatures: dropped from history.
        } else unsupported(`Content blocks of type "${b.type}" are only supported for Claude models`, `${param}.${j}.type`);
      });
      if (toolCalls.length > 0) messages.push({ role: 'assistant', content: text || null, tool_calls: toolCalls });
      else messages.push({ role: 'assistant', content: text });
      return;
    }
    // user turn: tool results first (as tool messages), then the rest as one user message
    const parts: UserPart[] = [];
    const toolImages: UserPart[] = [];
    blocks.forEach((b, j) => {
      if (b.type === 'tool_result') {
        const r = toolResultContent(b, `${param}.${j}`);
        messages.push({ role: 'tool', tool_call_id: String(b.tool_use_id), content: r.text });
        toolImages.push(...r.images);
      } else parts.push(userPart(b, `${param}.${j}`));
    });
    const all = [...toolImages, ...parts];
    if (all.length > 0) {
      const onlyText = all.every((p) => p.type === 'text');
      messages.push({ role: 'user', content: onlyText ? all.map((p) => (p as { text: string }).text).join('\n') : all });
    }
  });

  const out: ChatCompletionRequest = { model: req.model, messages };
  out[opts.maxTokensParam ?? 'max_tokens'] = req.max_tokens;
  if (req.stop_sequences && req.stop_sequences.length > 0) out.stop = req.stop_sequences;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  if (req.metadata?.user_id) out.user = req.metadata.user_id;
  if (req.stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  // Structured outputs: output_config.format (json_schema) -> response_format json_schema.
  const oc = (req as Record<string, unknown>).output_config;
  if (isRecord(oc) && isRecord(oc.format) && oc.format.type === 'json_schema' && isRecord(oc.format.schema)) {
    out.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: oc.format.schema, strict: true } };
  }

  if (req.tools && req.tools.length > 0) {
    const tools: Tool[] = req.tools.map((t, i) => {
      const rec = t as Record<string, unknown>;
      if (t.type != null && t.type !== 'custom') {
        return unsupported(`Server tools (type "${t.type}") are only supported for Claude models`, `tools.${i}.type`);
      }
      return {
        type: 'function',
        function: {
          name: t.name,
          ...(typeof rec.description === 'string' ? { description: rec.description } : {}),
          parameters: rec.input_schema as Record<string, unknown>,
        },
      };
    });
    out.tools = tools;
    const tc = req.tool_choice;
    if (tc) {
      let choice: ToolChoice;
      if (tc.type === 'auto') choice = 'auto';
      else if (tc.type === 'any') choice = 'required';
      else if (tc.type === 'none') choice = 'none';
      else choice = { type: 'function', function: { name: tc.name } };
      out.tool_choice = choice;
      if ('disable_parallel_tool_use' in tc && tc.disable_parallel_tool_use === true) out.parallel_tool_calls = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Answer: OpenAI chat completion -> Anthropic message
// ---------------------------------------------------------------------------------------------

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AnthropicOutUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type AnthropicOutBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicOutBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicOutUsage;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `msg_` + 24 base62 characters, the shape of Anthropic's message ids. */
export function newMessageId(): string {
  let s = 'msg_';
  for (let i = 0; i < 24; i++) s += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
  return s;
}

/** `msg_<request id without its req_ prefix>`: the message id names the gateway request. */
export function messageIdFor(requestId: string): string {
  return `msg_${requestId.replace(/^req_/, '').replace(/[^A-Za-z0-9]/g, '')}`;
}

export function mapFinishReason(finish: FinishReason | null | undefined, hasToolCalls: boolean): AnthropicStopReason {
  if (hasToolCalls && finish !== 'length') return 'tool_use';
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** OpenAI usage -> Anthropic usage (input_tokens excludes cached reads and cache writes). */
export function openAIUsageToAnthropic(u: Usage | null | undefined): AnthropicOutUsage {
  const prompt = num(u?.prompt_tokens);
  const cacheRead = num(u?.prompt_tokens_details?.cached_tokens);
  const cacheWrite = num(u?.prompt_tokens_details?.cache_write_tokens);
  return {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: num(u?.completion_tokens),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

export function toAnthropicMessage(c: ChatCompletion, opts: { model: string; id?: string }): AnthropicMessage {
  const choice = c.choices[0];
  const msg = choice?.message;
  const content: AnthropicOutBlock[] = [];
  const text = typeof msg?.content === 'string' ? msg.content : '';
  if (text) content.push({ type: 'text', text });
  if (msg?.refusal) content.push({ type: 'text', text: msg.refusal });
  for (const tc of msg?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseToolArguments(tc.function.arguments) });
  }
  const toolCalls = (msg?.tool_calls?.length ?? 0) > 0;
  const stop = msg?.refusal ? 'refusal' : mapFinishReason(choice?.finish_reason, toolCalls);
  return {
    id: opts.id ?? newMessageId(),
    type: 'message',
    role: 'assistant',
    model: opts.model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: openAIUsageToAnthropic(c.usage),
  };
}

// ---------------------------------------------------------------------------------------------
// Stream: OpenAI chat.completion.chunk objects -> Anthropic stream events (SSE text)
// ---------------------------------------------------------------------------------------------

export interface AnthropicStreamOptions {
  /** Echoed as `message.model` in message_start (the model name the client asked for). */
  model: string;
  id?: string;
  /** Input tokens announced in message_start (an estimate; message_delta carries the real count). */
  inputTokens?: number;
}

/**
 * Turns the internal OpenAI stream into Anthropic's events. `push(chunk)` returns the SSE text to
 * write for one chunk (message_start comes with the first one), `finish()` the closing events
 * (open block stop, message_delta with stop_reason and usage, message_stop), `error()` an
 * in-stream error event. `text` collects what was produced (request logs).
 */
export class AnthropicStreamEncoder {
  private readonly id: string;
  private readonly model: string;
  private readonly inputTokens: number;
  private started = false;
  private pinged = false;
  private finished = false;
  private nextIndex = 0;
  /** Index of the open content block, or -1. */
  private open = -1;
  private openKind: 'text' | 'tool' | null = null;
  /** OpenAI tool call index -> Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private hasToolCalls = false;
  finishReason: FinishReason | null = null;
  usage: Usage | null = null;
  text = '';

  constructor(opts: AnthropicStreamOptions) {
    this.id = opts.id ?? newMessageId();
    this.model = opts.model;
    this.inputTokens = opts.inputTokens ?? 0;
  }

  get stopReason(): AnthropicStopReason {
    return mapFinishReason(this.finishReason, this.hasToolCalls);
  }

  /** message_start (once). */
  start(): string {
    if (this.started) return '';
    this.started = true;
    return encodeSse(
      {
        type: 'message_start',
        message: {
          id: this.id,
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
        },
      },
      'message_start',
    );
  }

  push(chunk: ChatCompletionChunk): string {
    let out = this.start();
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      if (choice.index !== 0) continue;
      const d = choice.delta;
      const textDelta = (typeof d.content === 'string' ? d.content : '') + (typeof d.refusal === 'string' ? d.refusal : '');
      if (textDelta) {
        if (this.openKind !== 'text') out += this.openBlock('text', { type: 'text', text: '' });
        this.text += textDelta;
        out += encodeSse({ type: 'content_block_delta', index: this.open, delta: { type: 'text_delta', text: textDelta } }, 'content_block_delta');
      }
      for (const tc of d.tool_calls ?? []) {
        let block = this.toolBlocks.get(tc.index);
        if (block === undefined) {
          this.hasToolCalls = true;
          out += this.openBlock('tool', { type: 'tool_use', id: tc.id ?? `toolu_${this.id.slice(4)}_${tc.index}`, name: tc.function?.name ?? '', input: {} });
          block = this.open;
          this.toolBlocks.set(tc.index, block);
        }
        const args = tc.function?.arguments;
        if (args) {
          this.text += args;
          out += encodeSse({ type: 'content_block_delta', index: block, delta: { type: 'input_json_delta', partial_json: args } }, 'content_block_delta');
        }
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return out;
  }

  /**
   * The closing events. `usage` overrides what the stream reported (e.g. tokens counted by the
   * gateway when the provider sent none).
   */
  finish(usage?: Usage | null): string {
    if (this.finished) return '';
    this.finished = true;
    let out = this.start();
    out += this.closeBlock();
    const u = openAIUsageToAnthropic(usage ?? this.usage);
    out += encodeSse(
      {
        type: 'message_delta',
        delta: { stop_reason: this.stopReason, stop_sequence: null },
        usage: {
          input_tokens: u.input_tokens,
          cache_creation_input_tokens: u.cache_creation_input_tokens,
          cache_read_input_tokens: u.cache_read_input_tokens,
          output_tokens: u.output_tokens,
        },
      },
      'message_delta',
    );
    out += encodeSse({ type: 'message_stop' }, 'message_stop');
    return out;
  }

  /** An in-stream error event (the stream ends after it; no message_stop). */
  error(type: AnthropicErrorType, message: string): string {
    this.finished = true;
    return encodeSse({ type: 'error', error: { type, message } }, 'error');
  }

  private openBlock(kind: 'text' | 'tool', block: Record<string, unknown>): string {
    let out = this.closeBlock();
    this.open = this.nextIndex++;
    this.openKind = kind;
    out += encodeSse({ type: 'content_block_start', index: this.open, content_block: block }, 'content_block_start');
    if (!this.pinged) {
      this.pinged = true;
      out += encodeSse({ type: 'ping' }, 'ping');
    }
    return out;
  }

  private closeBlock(): string {
    if (this.open < 0) return '';
    const out = encodeSse({ type: 'content_block_stop', index: this.open }, 'content_block_stop');
    this.open = -1;
    this.openKind = null;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Claude pass-through: the client's body to Anthropic, the answer back, usage read from it
// ---------------------------------------------------------------------------------------------

/** The client's Messages body with only `model` replaced by the provider's model id. */
export function anthropicPassthroughBody(body: Record<string, unknown>, providerModelId: string): string {
  return JSON.stringify(body.model === providerModelId ? body : { ...body, model: providerModelId });
}

/**
 * Headers for the pass-through call: our credential, the client's `anthropic-version` (default
 * 2023-06-01) and `anthropic-beta` (features the client opted into).
 */
export function anthropicPassthroughHeaders(apiKey: string, client: { version?: string | null; beta?: string | null }): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'x-api-key': apiKey,
    'anthropic-version': client.version || '2023-06-01',
  };
  if (client.beta) h['anthropic-beta'] = client.beta;
  return h;
}

/** Usage of a complete Anthropic message (OpenAI terms: prompt includes cache reads/writes). */
export function anthropicMessageUsage(message: unknown): Usage {
  return anthropicUsageToOpenAI(isRecord(message) && isRecord(message.usage) ? (message.usage as AnthropicUsage) : null);
}

/**
 * Watches an Anthropic event stream that is forwarded to the client as it is: usage (message_start
 * and the cumulative message_delta), stop reason, the text produced, whether message_stop arrived,
 * and an in-stream error. Built on the upstream translator's bookkeeping (./anthropic.ts).
 */
export class AnthropicPassthroughObserver {
  private readonly t: AnthropicStreamTranslator;
  constructor(model: string, requestId: string) {
    this.t = new AnthropicStreamTranslator({ model, requestId, includeUsage: false });
  }
  /** Feed the JSON `data` of one event (already parsed). */
  observe(event: unknown): void {
    this.t.push(event);
  }
  get complete(): boolean {
    return this.t.complete;
  }
  get usage(): Usage {
    return this.t.usage;
  }
  /** Usage for metering a stream that may have stopped early (see AnthropicStreamTranslator). */
  estimatedUsage(): Usage {
    return this.t.estimatedUsage();
  }
  get usageFinal(): boolean {
    return this.t.usageFinal;
  }
  get text(): string {
    return this.t.outputText;
  }
  get finishReason(): FinishReason | null {
    return this.t.finishReason;
  }
  get error() {
    return this.t.error;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors in Anthropic's shape
// ---------------------------------------------------------------------------------------------

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

/**
 * The gateway's error (already mapped to OpenAI's shape by lib/gateway/errors.ts) -> Anthropic's
 * error type and HTTP status. The statuses are Anthropic's for each type: a monthly budget used up
 * (OpenAI's 429 insufficient_quota) is 402 billing_error, so Anthropic's SDKs do not retry it; an
 * overloaded provider / all providers cooling down (503) is 529 overloaded_error.
 */
export function toAnthropicError(status: number, body: OpenAIErrorBody, requestId?: string): { status: number; body: AnthropicErrorBody } {
  const e = body.error;
  let type: AnthropicErrorType;
  let out = status;
  if (e.type === 'insufficient_quota' || e.code === 'insufficient_quota') {
    type = 'billing_error';
    out = 402;
  } else if (status === 401) type = 'authentication_error';
  else if (status === 402) type = 'billing_error';
  else if (status === 403) type = 'permission_error';
  else if (status === 404) type = 'not_found_error';
  else if (status === 413) type = 'request_too_large';
  else if (status === 429) type = 'rate_limit_error';
  else if (status === 503 || status === 529) {
    type = 'overloaded_error';
    out = 529;
  } else if (status === 504 || status === 408) type = 'timeout_error';
  else if (status >= 500) type = 'api_error';
  else type = 'invalid_request_error';
  return { status: out, body: { type: 'error', error: { type, message: e.message }, ...(requestId ? { request_id: requestId } : {}) } };
}

/** The Anthropic error type for an HTTP status (in-stream errors). */
export function anthropicErrorTypeFor(status: number): AnthropicErrorType {
  return toAnthropicError(status, { error: { message: '', type: '', code: null, param: null } }).body.error.type;
}
