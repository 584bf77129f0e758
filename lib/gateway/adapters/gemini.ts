/**
 * OpenAI Chat Completions <-> Google Gemini API (generateContent / streamGenerateContent)
 * translation. Pure functions plus one stateful stream translator; no I/O.
 *
 * Wire format (checked against Google's Gemini API reference and SDK type docs):
 * - POST {base}/models/{model}:generateContent, or :streamGenerateContent?alt=sse (SSE whose
 *   every `data:` is a full GenerateContentResponse; no [DONE], the stream just ends).
 *   Key in header `x-goog-api-key` (or `?key=`).
 * - Request { contents[{role: user|model, parts[{text}|{inlineData{mimeType,data}}|
 *   {fileData{mimeType,fileUri}}|{functionCall{id?,name,args}}|{functionResponse{id?,name,
 *   response}}]}], systemInstruction{parts}, tools[{functionDeclarations[{name, description,
 *   parametersJsonSchema}]}], toolConfig{functionCallingConfig{mode AUTO|ANY|NONE,
 *   allowedFunctionNames}}, generationConfig{temperature, topP, maxOutputTokens, stopSequences,
 *   candidateCount, presencePenalty, frequencyPenalty, seed, responseMimeType,
 *   responseJsonSchema} }.
 * - Response { candidates[{content{role:'model', parts}, finishReason, index}], promptFeedback
 *   {blockReason}, usageMetadata{promptTokenCount (includes cached), cachedContentTokenCount,
 *   candidatesTokenCount, thoughtsTokenCount, toolUsePromptTokenCount, totalTokenCount},
 *   modelVersion, responseId }.
 * - Error { error{ code, message, status: INVALID_ARGUMENT|RESOURCE_EXHAUSTED|..., details } }.
 *
 * Documented choices:
 * - Function calls: Gemini `args` is an object, OpenAI `arguments` a JSON string. Gemini call
 *   ids are used when present, otherwise `call_<random>` is generated. Gemini 3 requires the
 *   `thoughtSignature` of a function-call part to come back in the next turn: we expose it the
 *   way Google's own OpenAI-compatible endpoint does (`tool_calls[].extra_content.google.
 *   thought_signature`) and read it back from assistant tool_calls. A history without one (e.g.
 *   produced by another provider before a fallback) gets Google's documented placeholder
 *   `skip_thought_signature_validator` on the first function call of the turn.
 * - Tool results: Gemini needs the function *name* in functionResponse; it is looked up from the
 *   assistant tool_calls earlier in the conversation. A JSON-object tool result is sent as the
 *   `response` object; anything else as `{ result: <value or text> }`.
 * - Usage: prompt_tokens = promptTokenCount + toolUsePromptTokenCount; completion_tokens =
 *   candidatesTokenCount + thoughtsTokenCount (reasoning tokens are billed as output, like
 *   OpenAI's reasoning_tokens); cached_tokens = cachedContentTokenCount.
 * - Finish: STOP -> stop (tool_calls when the candidate has function calls), MAX_TOKENS ->
 *   length, SAFETY/RECITATION/PROHIBITED_CONTENT/BLOCKLIST/SPII/IMAGE_SAFETY -> content_filter,
 *   MALFORMED_FUNCTION_CALL and others -> stop. A blocked prompt (promptFeedback.blockReason,
 *   no candidates) gives one empty choice with content_filter.
 * - Parts marked `thought: true` (thought summaries) are not exposed.
 * - https image URLs become `fileData` parts (Gemini fetches what it supports); data URLs become
 *   `inlineData`.
 */
import type {
  ChatCompletion,
  ChatCompletionChoice,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChunkDelta,
  ChunkToolCallDelta,
  FinishReason,
  ResponseToolCall,
  Usage,
} from './openai-types';
import {
  UnsupportedFeatureError,
  completionId,
  isRecord,
  kindForStatus,
  newToolCallId,
  nowSeconds,
  num,
  parseDataUrl,
  parseToolArguments,
  textOf,
  providerError,
  type StreamTranslatorOptions,
  type TranslatedError,
  type UpstreamErrorKind,
  parseJsonBody,
} from './shared';
import { GEMINI_BLOCKING_FINISH_REASONS, isContentPolicyRefusal } from './content-policy';

export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

// ---------------------------------------------------------------------------------------------
// Gemini wire types (the subset we produce / read)
// ---------------------------------------------------------------------------------------------

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parametersJsonSchema?: Record<string, unknown>;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseMimeType?: string;
  responseJsonSchema?: Record<string, unknown>;
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

// ---------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------

/** `/models/{id}:generateContent` or `/models/{id}:streamGenerateContent?alt=sse` (append to the v1beta base URL). */
export function geminiPath(providerModelId: string, stream: boolean): string {
  const id = providerModelId.startsWith('models/') ? providerModelId.slice(7) : providerModelId;
  return stream ? `/models/${id}:streamGenerateContent?alt=sse` : `/models/${id}:generateContent`;
}

export function geminiHeaders(apiKey: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-goog-api-key': apiKey };
}

const MIME_BY_EXT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  pdf: 'application/pdf',
};

function guessMime(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const dot = path.lastIndexOf('.');
  return dot >= 0 ? MIME_BY_EXT[path.slice(dot + 1).toLowerCase()] : undefined;
}

function signatureOf(toolCall: Record<string, unknown>): string | undefined {
  const extra = toolCall.extra_content;
  if (!isRecord(extra) || !isRecord(extra.google)) return undefined;
  const sig = extra.google.thought_signature;
  return typeof sig === 'string' && sig ? sig : undefined;
}

function toolResultToResponse(content: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(content);
    if (isRecord(v)) return v;
    return { result: v };
  } catch {
    return { result: content };
  }
}

export function toGeminiRequest(req: ChatCompletionRequest): GeminiRequest {
  if (req.functions !== undefined || req.function_call !== undefined) {
    throw new UnsupportedFeatureError('The deprecated functions/function_call parameters are not supported for this model; use tools/tool_choice', 'functions');
  }
  const systemParts: Array<{ text: string }> = [];
  const contents: GeminiContent[] = [];
  const toolNameById = new Map<string, string>();

  const pushParts = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  req.messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content);
        if (text) systemParts.push({ text });
        break;
      }
      case 'user': {
        const parts: GeminiPart[] = [];
        if (typeof m.content === 'string') {
          parts.push({ text: m.content });
        } else {
          m.content.forEach((part, j) => {
            const param = `messages[${i}].content[${j}]`;
            switch (part.type) {
              case 'text':
                if (part.text) parts.push({ text: part.text });
                break;
              case 'image_url': {
                const url = part.image_url.url;
                const d = parseDataUrl(url);
                if (d) parts.push({ inlineData: { mimeType: d.mediaType, data: d.data } });
                else {
                  const mimeType = guessMime(url);
                  parts.push({ fileData: { ...(mimeType ? { mimeType } : {}), fileUri: url } });
                }
                break;
              }
              case 'input_audio':
                parts.push({
                  inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
                });
                break;
              case 'file': {
                const d = part.file.file_data ? parseDataUrl(part.file.file_data) : null;
                if (!d) {
                  throw new UnsupportedFeatureError('Only files sent inline as a base64 data URL are supported for this model', param);
                }
                parts.push({ inlineData: { mimeType: d.mediaType, data: d.data } });
                break;
              }
            }
          });
        }
        pushParts('user', parts);
        break;
      }
      case 'assistant': {
        const parts: GeminiPart[] = [];
        const text = typeof m.content === 'string' ? m.content : m.content ? textOf(m.content) : '';
        if (text) parts.push({ text });
        (m.tool_calls ?? []).forEach((tc, k) => {
          toolNameById.set(tc.id, tc.function.name);
          const part: GeminiPart = {
            functionCall: { id: tc.id, name: tc.function.name, args: parseToolArguments(tc.function.arguments) },
          };
          const sig = signatureOf(tc);
          if (sig) part.thoughtSignature = sig;
          else if (k === 0) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
          parts.push(part);
        });
        pushParts('model', parts);
        break;
      }
      case 'tool': {
        const name = toolNameById.get(m.tool_call_id);
        if (!name) {
          throw new UnsupportedFeatureError(
            `Tool message tool_call_id "${m.tool_call_id}" does not match any preceding assistant tool_calls`,
            `messages[${i}].tool_call_id`,
            'invalid_tool_call_id',
          );
        }
        pushParts('user', [{ functionResponse: { id: m.tool_call_id, name, response: toolResultToResponse(textOf(m.content)) } }]);
        break;
      }
      case 'function':
        throw new UnsupportedFeatureError('Messages with role "function" are not supported for this model; use tool messages', `messages[${i}].role`);
    }
  });

  const out: GeminiRequest = { contents };
  if (systemParts.length > 0) out.systemInstruction = { parts: systemParts };

  // tools / tool_choice
  const tc = req.tool_choice;
  let allowed: string[] | null = null;
  let allowedMode: 'auto' | 'required' = 'auto';
  if (tc !== undefined && typeof tc === 'object' && tc.type === 'allowed_tools') {
    allowed = [];
    allowedMode = tc.allowed_tools.mode;
    for (const t of tc.allowed_tools.tools) {
      const fn = t.function;
      if (isRecord(fn) && typeof fn.name === 'string') allowed.push(fn.name);
    }
  }
  if (req.tools && req.tools.length > 0) {
    const decls: GeminiFunctionDeclaration[] = [];
    req.tools.forEach((t, i) => {
      if (t.type !== 'function') {
        throw new UnsupportedFeatureError('Custom tools are not supported for this model', `tools[${i}]`);
      }
      // With allowed_tools in auto mode, only the allowed declarations are sent.
      if (allowed && allowedMode === 'auto' && !allowed.includes(t.function.name)) return;
      const params = t.function.parameters;
      decls.push({
        name: t.function.name,
        ...(t.function.description ? { description: t.function.description } : {}),
        ...(params && Object.keys(params).length > 0 ? { parametersJsonSchema: params } : {}),
      });
    });
    if (decls.length > 0) out.tools = [{ functionDeclarations: decls }];
  }
  if (out.tools && tc !== undefined) {
    if (tc === 'none') out.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    else if (tc === 'auto') out.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    else if (tc === 'required') out.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    else if (tc.type === 'function') {
      out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [tc.function.name] } };
    } else if (tc.type === 'allowed_tools') {
      out.toolConfig =
        allowedMode === 'required'
          ? { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: allowed ?? [] } }
          : { functionCallingConfig: { mode: 'AUTO' } };
    } else {
      throw new UnsupportedFeatureError('Custom tool choice is not supported for this model', 'tool_choice');
    }
  }

  // generationConfig
  const gc: GeminiGenerationConfig = {};
  if (req.temperature != null) gc.temperature = req.temperature;
  if (req.top_p != null) gc.topP = req.top_p;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) gc.maxOutputTokens = maxTokens;
  if (req.stop != null) {
    const stops = (Array.isArray(req.stop) ? req.stop : [req.stop]).filter((s) => s.length > 0);
    if (stops.length > 0) gc.stopSequences = stops;
  }
  if (req.n != null && req.n > 1) gc.candidateCount = req.n;
  if (req.presence_penalty != null) gc.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) gc.frequencyPenalty = req.frequency_penalty;
  if (req.seed != null) gc.seed = req.seed;
  const rf = req.response_format;
  if (rf?.type === 'json_object') gc.responseMimeType = 'application/json';
  else if (rf?.type === 'json_schema') {
    gc.responseMimeType = 'application/json';
    if (rf.json_schema.schema) gc.responseJsonSchema = rf.json_schema.schema;
  }
  if (Object.keys(gc).length > 0) out.generationConfig = gc;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

export function mapGeminiFinishReason(reason: string | null | undefined): FinishReason | null {
  if (!reason) return null;
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (GEMINI_BLOCKING_FINISH_REASONS.has(reason)) return 'content_filter';
  return 'stop'; // MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE, FINISH_REASON_UNSPECIFIED, future values
}

export function geminiUsageToOpenAI(u: GeminiUsageMetadata | undefined | null): Usage {
  const prompt = num(u?.promptTokenCount) + num(u?.toolUsePromptTokenCount);
  const thoughts = num(u?.thoughtsTokenCount);
  const completion = num(u?.candidatesTokenCount) + thoughts;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: num(u?.cachedContentTokenCount) },
  };
  if (thoughts > 0) usage.completion_tokens_details = { reasoning_tokens: thoughts };
  return usage;
}

function toolCallFromPart(part: GeminiPart): ResponseToolCall | null {
  const fc = part.functionCall;
  if (!fc || typeof fc.name !== 'string') return null;
  const call: ResponseToolCall = {
    id: typeof fc.id === 'string' && fc.id ? fc.id : newToolCallId(),
    type: 'function',
    function: { name: fc.name, arguments: JSON.stringify(fc.args ?? {}) },
  };
  if (typeof part.thoughtSignature === 'string' && part.thoughtSignature) {
    call.extra_content = { google: { thought_signature: part.thoughtSignature } };
  }
  return call;
}

export function fromGeminiResponse(res: GeminiResponse, clientModelName: string, requestId: string): ChatCompletion {
  const choices: ChatCompletionChoice[] = [];
  (res.candidates ?? []).forEach((cand, i) => {
    let text = '';
    let hasText = false;
    const toolCalls: ResponseToolCall[] = [];
    for (const part of cand.content?.parts ?? []) {
      if (typeof part.text === 'string' && !part.thought) {
        text += part.text;
        hasText = true;
      } else {
        const call = toolCallFromPart(part);
        if (call) toolCalls.push(call);
      }
    }
    let finish = mapGeminiFinishReason(cand.finishReason) ?? 'stop';
    if (finish === 'stop' && toolCalls.length > 0) finish = 'tool_calls';
    choices.push({
      index: typeof cand.index === 'number' ? cand.index : i,
      message: {
        role: 'assistant',
        content: hasText || toolCalls.length === 0 ? text : null,
        refusal: null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finish_reason: finish,
      logprobs: null,
    });
  });
  if (choices.length === 0) {
    // Prompt blocked (promptFeedback.blockReason) or an empty answer.
    const blocked = typeof res.promptFeedback?.blockReason === 'string';
    choices.push({
      index: 0,
      message: { role: 'assistant', content: '', refusal: null },
      finish_reason: blocked ? 'content_filter' : 'stop',
      logprobs: null,
    });
  }
  return {
    id: completionId(requestId),
    object: 'chat.completion',
    created: nowSeconds(),
    model: clientModelName,
    choices,
    usage: geminiUsageToOpenAI(res.usageMetadata),
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------

interface CandidateState {
  toolCount: number;
  finished: boolean;
}

/**
 * Consumes parsed Gemini stream chunks (each SSE `data:` is a GenerateContentResponse) and
 * produces OpenAI chunks. Gemini has no end marker: call `finish()` when the upstream body
 * ends; it emits the usage chunk (include_usage) once every candidate has finished.
 * `usage` reflects the latest usageMetadata (Gemini reports running totals).
 */
export class GeminiStreamTranslator {
  private readonly id: string;
  private readonly created: number;
  private readonly model: string;
  private readonly includeUsage: boolean;
  private readonly candidates = new Map<number, CandidateState>();
  private rawUsage: GeminiUsageMetadata | null = null;
  private usageSent = false;
  private usageFinalSeen = false;

  /** Finish reason of candidate 0 (or the first finished one). */
  finishReason: FinishReason | null = null;
  /** An in-stream `{error: ...}` chunk, translated. */
  error: TranslatedError | null = null;
  outputChars = 0;
  /** The text and tool-call output forwarded so far (for tokenizer-based metering). */
  outputText = '';

  constructor(opts: StreamTranslatorOptions) {
    this.id = completionId(opts.requestId);
    this.created = opts.created ?? nowSeconds();
    this.model = opts.model;
    this.includeUsage = opts.includeUsage;
  }

  /** Every candidate seen has a finish reason. */
  get complete(): boolean {
    if (this.candidates.size === 0) return false;
    for (const c of this.candidates.values()) if (!c.finished) return false;
    return true;
  }

  get usage(): Usage {
    return geminiUsageToOpenAI(this.rawUsage);
  }

  get usageFinal(): boolean {
    return this.usageFinalSeen;
  }

  estimatedUsage(): Usage {
    const u = this.usage;
    if (!this.usageFinalSeen) {
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
    if (isRecord(event.error)) {
      const code = num(event.error.code) || 500;
      this.error = fromGeminiError(code, event);
      return out;
    }
    const res = event as GeminiResponse;
    if (res.usageMetadata) this.rawUsage = res.usageMetadata;

    const cands = Array.isArray(res.candidates) ? res.candidates : [];
    if (cands.length === 0 && typeof res.promptFeedback?.blockReason === 'string') {
      const st = this.state(0, out);
      if (!st.finished) {
        st.finished = true;
        this.setFinish('content_filter');
        out.push(this.chunk(0, {}, 'content_filter'));
        this.usageFinalSeen = true;
      }
      return out;
    }
    cands.forEach((cand, i) => {
      const index = typeof cand.index === 'number' ? cand.index : i;
      const st = this.state(index, out);
      if (st.finished) return;
      let text = '';
      const toolDeltas: ChunkToolCallDelta[] = [];
      for (const part of cand.content?.parts ?? []) {
        if (typeof part.text === 'string' && !part.thought) text += part.text;
        else {
          const call = toolCallFromPart(part);
          if (call) {
            const d: ChunkToolCallDelta = {
              index: st.toolCount++,
              id: call.id,
              type: 'function',
              function: { name: call.function.name, arguments: call.function.arguments },
            };
            if (call.extra_content) d.extra_content = call.extra_content;
            this.outputChars += call.function.name.length + call.function.arguments.length;
            this.outputText += call.function.name + call.function.arguments;
            toolDeltas.push(d);
          }
        }
      }
      if (text) {
        this.outputChars += text.length;
        this.outputText += text;
        out.push(this.chunk(index, { content: text }));
      }
      if (toolDeltas.length > 0) out.push(this.chunk(index, { tool_calls: toolDeltas }));
      if (cand.finishReason) {
        let finish = mapGeminiFinishReason(cand.finishReason) ?? 'stop';
        if (finish === 'stop' && st.toolCount > 0) finish = 'tool_calls';
        st.finished = true;
        this.setFinish(finish);
        out.push(this.chunk(index, {}, finish));
        if (res.usageMetadata) this.usageFinalSeen = true;
      }
    });
    return out;
  }

  finish(): ChatCompletionChunk[] {
    if (!this.complete || !this.includeUsage || this.usageSent) return [];
    this.usageSent = true;
    return [
      {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [],
        usage: this.usage,
      },
    ];
  }

  private setFinish(f: FinishReason): void {
    if (this.finishReason === null) this.finishReason = f;
  }

  private state(index: number, out: ChatCompletionChunk[]): CandidateState {
    let st = this.candidates.get(index);
    if (!st) {
      st = { toolCount: 0, finished: false };
      this.candidates.set(index, st);
      out.push(this.chunk(index, { role: 'assistant', content: '' }));
    }
    return st;
  }

  private chunk(index: number, delta: ChunkDelta, finishReason: FinishReason | null = null): ChatCompletionChunk {
    const c: ChatCompletionChunk = {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index, delta, finish_reason: finishReason }],
    };
    if (this.includeUsage) c.usage = null;
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

const GEMINI_STATUS_KINDS: Record<string, UpstreamErrorKind> = {
  INVALID_ARGUMENT: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  FAILED_PRECONDITION: 'permission', // e.g. billing not enabled / region: the gateway's account
  UNAUTHENTICATED: 'authentication',
  PERMISSION_DENIED: 'permission',
  NOT_FOUND: 'not_found',
  RESOURCE_EXHAUSTED: 'rate_limit',
  INTERNAL: 'server',
  UNKNOWN: 'server',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  CANCELLED: 'timeout',
};

/** Gemini error (`{error:{code, message, status, details}}`, or any body) -> OpenAI error. */
export function fromGeminiError(status: number, body: unknown): TranslatedError {
  let parsed = parseJsonBody(body);
  // Some Google front ends wrap the error in a one-element array.
  if (Array.isArray(parsed) && parsed.length > 0) parsed = parsed[0];
  const err = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : null;
  const gStatus = err && typeof err.status === 'string' ? err.status : null;
  let kind: UpstreamErrorKind = (gStatus && GEMINI_STATUS_KINDS[gStatus]) || kindForStatus(status);
  if (err && Array.isArray(err.details)) {
    for (const d of err.details) {
      if (isRecord(d) && typeof d.reason === 'string' && /API_KEY/.test(d.reason)) kind = 'authentication';
    }
  }
  if (isContentPolicyRefusal(status, parsed, 'gemini')) kind = 'content_policy';
  const message = err && typeof err.message === 'string' ? err.message : '';
  return providerError(status, kind, { type: gStatus, message }, 'Gemini');
}
