/**
 * The gateway's RESPONSE shapes (lib/gateway/adapters/openai-types.ts declares them as
 * TypeScript interfaces, since the gateway writes them without re-validating on the hot path).
 * Each schema is tied to its interface by a compile-time equality check: change one without the
 * other and `tsc` fails. Request schemas are NOT here: the document uses the gateway's own.
 */
import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk, EmbeddingResponse, Usage } from '../gateway/adapters/openai-types';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

export const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z
    .object({
      cached_tokens: z.number().int().optional(),
      cache_write_tokens: z.number().int().optional(),
      audio_tokens: z.number().int().optional(),
    })
    .optional(),
  completion_tokens_details: z
    .object({
      reasoning_tokens: z.number().int().optional(),
      audio_tokens: z.number().int().optional(),
      accepted_prediction_tokens: z.number().int().optional(),
      rejected_prediction_tokens: z.number().int().optional(),
    })
    .optional(),
});
assertType<Equals<z.infer<typeof usageSchema>, Usage>>();

const finishReason = z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']);
const extraContent = z.object({ google: z.object({ thought_signature: z.string().optional() }).optional() }).optional();

const responseToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
  extra_content: extraContent,
});

export const chatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string().describe('The catalog model that answered (also in the x-radiant-model header).'),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.string().nullable(),
        tool_calls: z.array(responseToolCall).optional(),
      }),
      finish_reason: finishReason.nullable(),
      logprobs: z.null(),
    }),
  ),
  usage: usageSchema.optional(),
  system_fingerprint: z.string().nullable().optional(),
});
assertType<Equals<z.infer<typeof chatCompletionSchema>, ChatCompletion>>();

export const chatCompletionChunkSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().nullable().optional(),
        refusal: z.string().nullable().optional(),
        tool_calls: z
          .array(
            z.object({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal('function').optional(),
              function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
              extra_content: extraContent,
            }),
          )
          .optional(),
      }),
      finish_reason: finishReason.nullable(),
      logprobs: z.null().optional(),
    }),
  ),
  usage: usageSchema.nullable().optional(),
  system_fingerprint: z.string().nullable().optional(),
});
assertType<Equals<z.infer<typeof chatCompletionChunkSchema>, ChatCompletionChunk>>();

export const embeddingResponseSchema = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});
assertType<Equals<z.infer<typeof embeddingResponseSchema>, EmbeddingResponse>>();
