/**
 * One embeddings attempt at Voyage AI (adapters/voyage.ts), in the shape the chat/embeddings
 * composition expects from an attempt: the OpenAI embeddings answer and its token usage.
 */
import { callVoyageEmbeddings } from '../adapters/voyage';
import type { EmbeddingRequest } from '../adapters/openai-types';
import type { AttemptArgs, CompleteAnswer } from './execute';

export async function attemptVoyage(a: AttemptArgs): Promise<CompleteAnswer> {
  const out = await callVoyageEmbeddings(
    { baseUrl: a.ep.baseUrl, apiKey: a.ep.apiKey ?? '', timeoutMs: a.timeoutMs, signal: a.signal },
    a.body as EmbeddingRequest,
    a.model.providerModelId,
    a.model.name,
  );
  return {
    kind: 'complete',
    body: JSON.stringify(out.body),
    usage: { input: out.usage.prompt_tokens, cached: 0, output: 0, estimated: false },
    refusal: false,
    parsed: out.body,
  };
}
