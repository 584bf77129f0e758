/**
 * OpenAI Chat Completions / Embeddings wire types, and the zod schemas that validate what
 * API clients send us.
 *
 * Request schemas are *loose* at the object level (unknown keys are kept), because the
 * gateway passes OpenAI-compatible requests through faithfully and OpenAI keeps adding
 * fields (prompt_cache_key, verbosity, ...). Known fields are type-checked; known content
 * part and tool types are validated strictly, since OpenAI itself rejects unknown ones.
 *
 * Shapes checked against the `openai` npm SDK v6 type declarations (ChatCompletionCreateParams,
 * ChatCompletion, ChatCompletionChunk, CompletionUsage) and OpenAI's API reference.
 *
 * Framework-free: no Next.js, no database.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Request: content parts
// ---------------------------------------------------------------------------------------------

export const textPartSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
});

export const imageUrlPartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});

export const inputAudioPartSchema = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({
    data: z.string(),
    format: z.string(),
  }),
});

export const filePartSchema = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});

export const refusalPartSchema = z.looseObject({
  type: z.literal('refusal'),
  refusal: z.string(),
});

const userContentPartSchema = z.discriminatedUnion('type', [textPartSchema, imageUrlPartSchema, inputAudioPartSchema, filePartSchema]);

const assistantContentPartSchema = z.discriminatedUnion('type', [textPartSchema, refusalPartSchema]);

// ---------------------------------------------------------------------------------------------
// Request: messages
// ---------------------------------------------------------------------------------------------

export const toolCallSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    arguments: z.string(),
  }),
});

const textOnlyContent = z.union([z.string(), z.array(textPartSchema)]);

export const systemMessageSchema = z.looseObject({
  role: z.literal('system'),
  content: textOnlyContent,
  name: z.string().optional(),
});

export const developerMessageSchema = z.looseObject({
  role: z.literal('developer'),
  content: textOnlyContent,
  name: z.string().optional(),
});

export const userMessageSchema = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userContentPartSchema)]),
  name: z.string().optional(),
});

export const assistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z
    .union([z.string(), z.array(assistantContentPartSchema)])
    .nullable()
    .optional(),
  refusal: z.string().nullable().optional(),
  name: z.string().optional(),
  tool_calls: z.array(toolCallSchema).optional(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullable().optional(),
});

export const toolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  content: textOnlyContent,
  tool_call_id: z.string().min(1),
});

/** Deprecated by OpenAI, still accepted by it; translated providers reject it. */
export const functionMessageSchema = z.looseObject({
  role: z.literal('function'),
  content: z.string().nullable(),
  name: z.string(),
});

export const chatMessageSchema = z.discriminatedUnion('role', [
  systemMessageSchema,
  developerMessageSchema,
  userMessageSchema,
  assistantMessageSchema,
  toolMessageSchema,
  functionMessageSchema,
]);

// ---------------------------------------------------------------------------------------------
// Request: tools, tool_choice, response_format
// ---------------------------------------------------------------------------------------------

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const functionToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().regex(TOOL_NAME, 'function name must match ^[a-zA-Z0-9_-]{1,64}$'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const customToolSchema = z.looseObject({
  type: z.literal('custom'),
  custom: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    format: z.unknown().optional(),
  }),
});

export const toolSchema = z.discriminatedUnion('type', [functionToolSchema, customToolSchema]);

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
  z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string().min(1) }) }),
  z.looseObject({
    type: z.literal('allowed_tools'),
    allowed_tools: z.looseObject({
      mode: z.enum(['auto', 'required']),
      tools: z.array(z.record(z.string(), z.unknown())),
    }),
  }),
]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1).max(64),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

// ---------------------------------------------------------------------------------------------
// Request: the body
// ---------------------------------------------------------------------------------------------

const optNum = (min: number, max: number) => z.number().min(min).max(max).nullable().optional();
const optPosInt = z.number().int().positive().nullable().optional();

export const streamOptionsSchema = z.looseObject({
  include_usage: z.boolean().optional(),
  include_obfuscation: z.boolean().optional(),
});

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1, 'messages must contain at least one message'),
  temperature: optNum(0, 2),
  top_p: optNum(0, 1),
  n: z.number().int().min(1).max(128).nullable().optional(),
  max_tokens: optPosInt,
  max_completion_tokens: optPosInt,
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: streamOptionsSchema.nullable().optional(),
  presence_penalty: optNum(-2, 2),
  frequency_penalty: optNum(-2, 2),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  reasoning_effort: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  store: z.boolean().nullable().optional(),
  service_tier: z.string().nullable().optional(),
  /** Deprecated by OpenAI in favour of tools; passed through, rejected by translated providers. */
  functions: z.array(z.record(z.string(), z.unknown())).optional(),
  function_call: z.unknown().optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type Tool = z.infer<typeof toolSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

// ---------------------------------------------------------------------------------------------
// Embeddings
// ---------------------------------------------------------------------------------------------

export const embeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()).min(1), z.array(z.array(z.number().int()).min(1)).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

// ---------------------------------------------------------------------------------------------
// Responses (what we send back)
// ---------------------------------------------------------------------------------------------

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    /** Present in the OpenAI SDK v6 types: prompt tokens written to the cache. */
    cache_write_tokens?: number;
    audio_tokens?: number;
  };
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
  };
}

export interface ResponseToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  /**
   * Provider extras that must round-trip (Gemini thought signatures). Same field name as
   * Google's own OpenAI-compatible endpoint: `extra_content.google.thought_signature`.
   */
  extra_content?: { google?: { thought_signature?: string } };
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  tool_calls?: ResponseToolCall[];
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: FinishReason | null;
  logprobs: null;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
}

export interface ChunkToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
  extra_content?: { google?: { thought_signature?: string } };
}

export interface ChunkDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ChunkToolCallDelta[];
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChunkDelta;
  finish_reason: FinishReason | null;
  logprobs?: null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  /** With stream_options.include_usage: null on every chunk but the last, which has choices: []. */
  usage?: Usage | null;
  system_fingerprint?: string | null;
}

/** OpenAI error object: `{ error: { message, type, param, code } }`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

export function openAIError(message: string, type: string, code: string | null = null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
