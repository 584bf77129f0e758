import { describe, expect, it } from 'vitest';
import { OpenAIStreamObserver, prepareOpenAIUpstreamBody } from './openai-passthrough';
import { chatCompletionRequestSchema } from './openai-types';

describe('prepareOpenAIUpstreamBody', () => {
  it('swaps the model and forces include_usage on streams only', () => {
    const req = chatCompletionRequestSchema.parse({ model: 'client', messages: [{ role: 'user', content: 'x' }], stream: true, foo: 1 });
    const { body, clientWantsUsage } = prepareOpenAIUpstreamBody(req, 'gpt-4o-2024');
    expect(body).toMatchObject({ model: 'gpt-4o-2024', stream: true, stream_options: { include_usage: true }, foo: 1 });
    expect(clientWantsUsage).toBe(false);
    expect(req.model).toBe('client');
    const ns = prepareOpenAIUpstreamBody(chatCompletionRequestSchema.parse({ model: 'c', messages: [{ role: 'user', content: 'x' }] }), 'p');
    expect(ns.body.stream_options).toBeUndefined();
  });
});

describe('OpenAIStreamObserver', () => {
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], usage: null });
  const usageChunk = JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  });

  it('tracks output, finish and usage; drops the usage chunk the client did not ask for', () => {
    const o = new OpenAIStreamObserver(false);
    expect(o.observe(chunk({ role: 'assistant', content: '' }))).toBe(true);
    expect(o.observe(chunk({ content: 'Hello' }))).toBe(true);
    expect(o.observe(chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }))).toBe(true);
    expect(o.estimatedUsage(3)).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(o.observe(chunk({}, 'stop'))).toBe(true);
    expect(o.observe(usageChunk)).toBe(false);
    expect(o.observe('[DONE]')).toBe(true);
    expect(o).toMatchObject({ finishReason: 'stop', complete: true, outputChars: 8 });
    expect(o.usage).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
  });

  it('forwards the usage chunk when the client asked and records errors', () => {
    const o = new OpenAIStreamObserver(true);
    expect(o.observe(usageChunk)).toBe(true);
    o.observe(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
    expect(o.error).toEqual({ message: 'boom', type: 'server_error' });
  });
});
