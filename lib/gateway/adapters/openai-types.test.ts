import { describe, expect, it } from 'vitest';
import { chatCompletionRequestSchema, embeddingRequestSchema } from './openai-types';

describe('chatCompletionRequestSchema', () => {
  it('accepts a full-featured request and keeps unknown fields for pass-through', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'x' }] },
        {
          role: 'user',
          name: 'bob',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'AA==', format: 'mp3' } },
            { type: 'file', file: { file_id: 'file-1' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'ok' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }] },
      ],
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
        { type: 'custom', custom: { name: 'grammar_tool' } },
      ],
      tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'f' } }] } },
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
      temperature: 0.2,
      top_p: 1,
      max_tokens: null,
      max_completion_tokens: 100,
      stop: ['a'],
      n: 1,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u',
      seed: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      logit_bias: { '50256': -100 },
      prompt_cache_key: 'k',
      verbosity: 'low',
    };
    const parsed = chatCompletionRequestSchema.parse(body);
    expect(parsed.prompt_cache_key).toBe('k');
    expect(parsed.verbosity).toBe('low');
    expect(parsed).toEqual(body);
  });

  it('rejects invalid requests with a useful path', () => {
    const bad = (b: unknown) => chatCompletionRequestSchema.safeParse(b);
    expect(bad({ model: 'm', messages: [] }).success).toBe(false);
    expect(bad({ messages: [{ role: 'user', content: 'x' }] }).success).toBe(false);
    expect(bad({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }).success).toBe(false);
    expect(bad({ model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 }).success).toBe(false);
    expect(bad({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }).success).toBe(false);
    expect(bad({ model: 'm', messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }).success).toBe(false);
    expect(bad({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'bad name!' } }] }).success).toBe(false);
    const r = bad({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'yaml' } });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['response_format', 'type']);
  });
});

describe('embeddingRequestSchema', () => {
  it('accepts the input forms OpenAI accepts', () => {
    for (const input of ['a', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      expect(embeddingRequestSchema.safeParse({ model: 'e', input }).success).toBe(true);
    }
    expect(embeddingRequestSchema.safeParse({ model: 'e', input: 'a', encoding_format: 'base64', dimensions: 8 }).success).toBe(true);
    expect(embeddingRequestSchema.safeParse({ model: 'e', input: [] }).success).toBe(false);
    expect(embeddingRequestSchema.safeParse({ model: 'e', input: 'a', encoding_format: 'hex' }).success).toBe(false);
  });
});
