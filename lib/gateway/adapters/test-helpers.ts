/**
 * Test helper: folds OpenAI chat.completion.chunk objects back into per-choice messages, the
 * way an OpenAI client accumulates a stream. Used to check that a translated stream says the
 * same thing as the translated non-streaming response.
 */
import type { ChatCompletionChunk, FinishReason, Usage } from './openai-types';

export interface AccumulatedChoice {
  role: string | undefined;
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string; extra?: unknown }>;
  finishReason: FinishReason | null;
}

export interface Accumulated {
  choices: Map<number, AccumulatedChoice>;
  usage: Usage | null;
  /** Index in the chunk list of the first chunk of each choice (role chunks must come first). */
  usageChunkIsLast: boolean;
}

export function accumulateChunks(chunks: ChatCompletionChunk[]): Accumulated {
  const choices = new Map<number, AccumulatedChoice>();
  let usage: Usage | null = null;
  let usageAt = -1;
  chunks.forEach((chunk, i) => {
    if (chunk.usage) {
      usage = chunk.usage;
      usageAt = i;
    }
    for (const c of chunk.choices) {
      let acc = choices.get(c.index);
      if (!acc) {
        acc = { role: undefined, content: '', toolCalls: [], finishReason: null };
        choices.set(c.index, acc);
      }
      if (c.delta.role) acc.role = c.delta.role;
      if (typeof c.delta.content === 'string') acc.content += c.delta.content;
      for (const tc of c.delta.tool_calls ?? []) {
        let call = acc.toolCalls[tc.index];
        if (!call) {
          call = { id: '', name: '', arguments: '' };
          acc.toolCalls[tc.index] = call;
        }
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name += tc.function.name;
        if (tc.function?.arguments) call.arguments += tc.function.arguments;
        if (tc.extra_content) call.extra = tc.extra_content;
      }
      if (c.finish_reason) acc.finishReason = c.finish_reason;
    }
  });
  return { choices, usage, usageChunkIsLast: usageAt === -1 || usageAt === chunks.length - 1 };
}
