/**
 * Response shapes that the code declares as TypeScript interfaces rather than zod schemas. Each
 * zod schema here is tied to its interface by a compile-time equality check, so `tsc` fails the
 * moment the two disagree (they are documentation of those types, not a second definition).
 */
import { z } from 'zod';
import type { OpenAIErrorBody } from '../gateway/adapters/openai-types';
import type { ModelListItem } from '../gateway/endpoints/models';
import type { Problem } from '../http/problem';
import { clientModelPricingSchema } from '../pricing/views';
import { named } from './registry';

/** Compile-time: A and B are the same type (fails `tsc` otherwise). */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

export const openAIErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
assertType<Equals<z.infer<typeof openAIErrorSchema>, OpenAIErrorBody>>();

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
assertType<Equals<z.infer<typeof problemSchema>, Problem>>();

export const modelListItemSchema = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  endpoints: z.array(z.string()).describe('Where the model can be called, e.g. ["/v1/chat/completions", "/v1/messages"]'),
  pricing: clientModelPricingSchema,
});
assertType<Equals<z.infer<typeof modelListItemSchema>, ModelListItem>>();

export const modelListSchema = z.object({ object: z.literal('list'), data: z.array(modelListItemSchema) });

export const OpenAIError = named('OpenAIError', openAIErrorSchema);
export const ProblemDetails = named('Problem', problemSchema);
export const ModelListItemRef = named('Model', modelListItemSchema);
export const ModelListRef = named('ModelList', modelListSchema);
