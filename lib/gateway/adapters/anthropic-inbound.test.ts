import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnthropicPassthroughObserver,
  AnthropicStreamEncoder,
  anthropicMessagesRequestSchema,
  anthropicPassthroughBody,
  anthropicPassthroughHeaders,
  anthropicValidationMessage,
  fromAnthropicMessagesRequest,
  messageIdFor,
  openAIUsageToAnthropic,
  toAnthropicError,
  toAnthropicMessage,
  type AnthropicMessagesRequest,
} from './anthropic-inbound';
import { chatCompletionRequestSchema, type ChatCompletion, type ChatCompletionChunk, type ChatCompletionRequest } from './openai-types';
import { UnsupportedFeatureError } from './shared';
import { SseParser } from './sse';

const parse = (body: Record<string, unknown>): AnthropicMessagesRequest => anthropicMessagesRequestSchema.parse({ model: 'gpt-4o', max_tokens: 256, ...body });

const weather = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('anthropicMessagesRequestSchema', () => {
  it('requires model, max_tokens and a message, in Anthropic-style messages', () => {
    const r = anthropicMessagesRequestSchema.safeParse({ model: 'x', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.success).toBe(false);
    expect(anthropicValidationMessage(r.error!.issues)).toMatch(/^max_tokens: /);
    const r2 = anthropicMessagesRequestSchema.safeParse({ model: 'x', max_tokens: 5, messages: [{ role: 'system', content: 'hi' }] });
    expect(anthropicValidationMessage(r2.error!.issues)).toMatch(/^messages\.0\.role: /);
  });

  it('checks known blocks field by field and keeps unknown blocks and fields', () => {
    const bad = anthropicMessagesRequestSchema.safeParse({
      model: 'x',
      max_tokens: 5,
      messages: [{ role: 'user', content: [{ type: 'tool_result' }] }],
    });
    expect(bad.success).toBe(false);
    expect(anthropicValidationMessage(bad.error!.issues)).toContain('messages.0.content.0.tool_use_id');
    const ok = anthropicMessagesRequestSchema.parse({
      model: 'x',
      max_tokens: 5,
      service_tier: 'auto',
      messages: [{ role: 'user', content: [{ type: 'search_result', source: 'a', title: 'b', content: [] }] }],
    });
    expect((ok as Record<string, unknown>).service_tier).toBe('auto');
    expect(ok.messages[0]!.content).toEqual([{ type: 'search_result', source: 'a', title: 'b', content: [] }]);
  });

  it('requires input_schema for custom tools only', () => {
    expect(
      anthropicMessagesRequestSchema.safeParse({ model: 'x', max_tokens: 5, messages: [{ role: 'user', content: 'a' }], tools: [{ name: 't' }] }).success,
    ).toBe(false);
    expect(
      anthropicMessagesRequestSchema.safeParse({
        model: 'x',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'a' }],
        tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
      }).success,
    ).toBe(true);
  });
});

describe('fromAnthropicMessagesRequest', () => {
  it('maps system (string and blocks), parameters and stream to a valid OpenAI request', () => {
    const out = fromAnthropicMessagesRequest(
      parse({
        system: [
          { type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Answer in French.' },
        ],
        messages: [{ role: 'user', content: 'Hi' }],
        stop_sequences: ['END'],
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        metadata: { user_id: 'u-1' },
        stream: true,
      }),
      { maxTokensParam: 'max_completion_tokens' },
    );
    expect(out).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You are terse.\n\nAnswer in French.' },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 256,
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      user: 'u-1',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chatCompletionRequestSchema.safeParse(out).success).toBe(true);
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    expect(
      fromAnthropicMessagesRequest(parse({ output_config: { format: { type: 'json_schema', schema } }, messages: [{ role: 'user', content: 'Hi' }] }))
        .response_format,
    ).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema, strict: true },
    });
    const plain = fromAnthropicMessagesRequest(parse({ system: 'Be kind.', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(plain.max_tokens).toBe(256);
    expect(plain.messages[0]).toEqual({ role: 'system', content: 'Be kind.' });
  });

  it('translates a tool conversation: tool_use -> tool_calls, tool_result -> tool messages first', () => {
    const out = fromAnthropicMessagesRequest(
      parse({
        tools: [weather],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 'sig' },
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
              { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'timeout' }], is_error: true },
              { type: 'text', text: 'Summarise.' },
            ],
          },
        ],
      }),
    );
    expect(out.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.input_schema } }]);
    expect(out.tool_choice).toBe('required');
    expect(out.parallel_tool_calls).toBe(false);
    expect(out.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: timeout' },
      { role: 'user', content: 'Summarise.' },
    ]);
    expect(chatCompletionRequestSchema.safeParse(out).success).toBe(true);
  });

  it('maps tool_choice auto / none / tool and leaves it out without tools', () => {
    const choice = (tc: Record<string, unknown>) =>
      fromAnthropicMessagesRequest(parse({ tools: [weather], tool_choice: tc, messages: [{ role: 'user', content: 'a' }] })).tool_choice;
    expect(choice({ type: 'auto' })).toBe('auto');
    expect(choice({ type: 'none' })).toBe('none');
    expect(choice({ type: 'tool', name: 'get_weather' })).toEqual({ type: 'function', function: { name: 'get_weather' } });
    const none = fromAnthropicMessagesRequest(parse({ tool_choice: { type: 'auto' }, messages: [{ role: 'user', content: 'a' }] }));
    expect(none.tool_choice).toBeUndefined();
    expect(none.tools).toBeUndefined();
  });

  it('maps images and documents to image_url / file / text parts', () => {
    const out = fromAnthropicMessagesRequest(
      parse({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
              { type: 'text', text: 'Describe them.' },
            ],
          },
        ],
      }),
    );
    expect(out.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'spec.pdf' } },
          { type: 'text', text: 'plain words' },
          { type: 'text', text: 'Describe them.' },
        ],
      },
    ]);
    expect(chatCompletionRequestSchema.safeParse(out).success).toBe(true);
  });

  it('refuses what only Claude can do, naming the field', () => {
    const fails = (body: Record<string, unknown>, param: string) => {
      try {
        fromAnthropicMessagesRequest(parse(body));
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(UnsupportedFeatureError);
        expect((e as UnsupportedFeatureError).param).toBe(param);
      }
    };
    fails({ tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'a' }] }, 'tools.0.type');
    fails({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f1' } }] }] }, 'messages.0.content.0.source');
    fails({ messages: [{ role: 'user', content: [{ type: 'search_result', source: 'x', title: 'y', content: [] }] }] }, 'messages.0.content.0.type');
    fails(
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] },
        ],
      },
      'messages.1.content.0.type',
    );
  });
});

const completion = (
  over: Partial<ChatCompletion['choices'][number]['message']>,
  finish: ChatCompletion['choices'][number]['finish_reason'],
  usage?: ChatCompletion['usage'],
): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-2024-08-06',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...over }, finish_reason: finish, logprobs: null }],
  usage,
});

describe('toAnthropicMessage', () => {
  it('builds an Anthropic message with text, usage and the requested model', () => {
    const m = toAnthropicMessage(
      completion({ content: 'Bonjour' }, 'stop', {
        prompt_tokens: 120,
        completion_tokens: 7,
        total_tokens: 127,
        prompt_tokens_details: { cached_tokens: 100 },
      }),
      { model: 'gpt-4o', id: 'msg_abc' },
    );
    expect(m).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [{ type: 'text', text: 'Bonjour' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
    });
  });

  it('turns tool calls into tool_use blocks and maps finish reasons', () => {
    const m = toAnthropicMessage(
      completion({ tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, 'tool_calls'),
      { model: 'gpt-4o' },
    );
    expect(m.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
    expect(m.content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(m.stop_reason).toBe('tool_use');
    expect(m.usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect(toAnthropicMessage(completion({ content: 'cut' }, 'length'), { model: 'm' }).stop_reason).toBe('max_tokens');
    expect(toAnthropicMessage(completion({ content: '' }, 'content_filter'), { model: 'm' }).stop_reason).toBe('refusal');
    expect(toAnthropicMessage(completion({ refusal: 'I cannot' }, 'stop'), { model: 'm' })).toMatchObject({
      stop_reason: 'refusal',
      content: [{ type: 'text', text: 'I cannot' }],
    });
  });

  it('reports cache writes apart from input tokens', () => {
    expect(
      openAIUsageToAnthropic({
        prompt_tokens: 50,
        completion_tokens: 2,
        total_tokens: 52,
        prompt_tokens_details: { cached_tokens: 10, cache_write_tokens: 30 },
      }),
    ).toEqual({
      input_tokens: 10,
      output_tokens: 2,
      cache_creation_input_tokens: 30,
      cache_read_input_tokens: 10,
    });
  });

  it('names the request in the message id', () => {
    expect(messageIdFor('req_0123abcd')).toBe('msg_0123abcd');
  });
});

const chunk = (
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (prompt: number, completion: number): ChatCompletionChunk => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

function events(sse: string): Array<{ event: string | null; data: Record<string, unknown> }> {
  const p = new SseParser();
  return [...p.push(sse), ...p.end()].map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

describe('AnthropicStreamEncoder', () => {
  it('emits Anthropic events in Anthropic order for text then tool use', () => {
    const enc = new AnthropicStreamEncoder({ model: 'gpt-4o', id: 'msg_1', inputTokens: 9 });
    let sse = '';
    sse += enc.push(chunk({ role: 'assistant', content: '' }));
    sse += enc.push(chunk({ content: 'Hel' }));
    sse += enc.push(chunk({ content: 'lo' }));
    sse += enc.push(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }));
    sse += enc.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    sse += enc.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }));
    sse += enc.push(chunk({}, 'tool_calls'));
    sse += enc.push(usageChunk(12, 8));
    sse += enc.finish();
    const ev = events(sse);
    for (const e of ev) expect(e.event).toBe(e.data.type);
    expect(ev.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(ev[0]!.data.message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    });
    expect(ev[1]!.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(ev[3]!.data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(ev[6]!.data).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} } });
    expect(ev[7]!.data).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } });
    expect(ev[10]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 8 },
    });
    expect(enc.text).toBe('Hello{"city":"Paris"}');
  });

  it('closes a stream without content and takes usage counted by the gateway', () => {
    const enc = new AnthropicStreamEncoder({ model: 'm' });
    const ev = events(enc.push(chunk({}, 'length')) + enc.finish({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 }));
    expect(ev.map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(ev[1]!.data.delta).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
    expect(enc.finish()).toBe('');
  });

  it('writes in-stream errors as Anthropic error events', () => {
    const enc = new AnthropicStreamEncoder({ model: 'm' });
    enc.push(chunk({ content: 'a' }));
    expect(events(enc.error('overloaded_error', 'Overloaded'))).toEqual([
      { event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
    ]);
  });
});

describe('errors in Anthropic shape', () => {
  const ob = (type: string, code: string | null = null) => ({ error: { message: 'msg', type, code, param: null } });
  it.each([
    [400, ob('invalid_request_error'), 400, 'invalid_request_error'],
    [401, ob('invalid_request_error', 'invalid_api_key'), 401, 'authentication_error'],
    [403, ob('permission_error', 'insufficient_scope'), 403, 'permission_error'],
    [404, ob('invalid_request_error', 'model_not_found'), 404, 'not_found_error'],
    [413, ob('invalid_request_error'), 413, 'request_too_large'],
    [429, ob('rate_limit_error'), 429, 'rate_limit_error'],
    [429, ob('insufficient_quota', 'insufficient_quota'), 402, 'billing_error'],
    [500, ob('api_error'), 500, 'api_error'],
    [502, ob('upstream_error'), 502, 'api_error'],
    [503, ob('api_error', 'provider_unavailable'), 529, 'overloaded_error'],
    [504, ob('server_error', 'timeout'), 504, 'timeout_error'],
    [422, ob('invalid_request_error', 'idempotency_key_reused'), 422, 'invalid_request_error'],
  ])('%i %j -> %i %s', (status, body, outStatus, type) => {
    expect(toAnthropicError(status, body, 'req_1')).toEqual({
      status: outStatus,
      body: { type: 'error', error: { type, message: 'msg' }, request_id: 'req_1' },
    });
  });
});

describe('Claude pass-through helpers', () => {
  it('rewrites only the model and forwards version and beta headers', () => {
    const body = { model: 'claude-sonnet-4', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], unknown_new_field: { a: 1 } };
    expect(JSON.parse(anthropicPassthroughBody(body, 'claude-sonnet-4-20250514'))).toEqual({ ...body, model: 'claude-sonnet-4-20250514' });
    expect(anthropicPassthroughHeaders('k', { version: null, beta: 'prompt-caching-2024-07-31' })).toEqual({
      'content-type': 'application/json',
      'x-api-key': 'k',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31',
    });
  });

  it('reads usage, stop reason and text from a forwarded event stream', () => {
    const o = new AnthropicPassthroughObserver('claude-sonnet-4', 'req_1');
    o.observe({ type: 'message_start', message: { usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 } } });
    o.observe({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    o.observe({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi there' } });
    o.observe({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } });
    expect(o.complete).toBe(false);
    o.observe({ type: 'message_stop' });
    expect(o.complete).toBe(true);
    expect(o.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 5 } });
    expect(o.text).toBe('Hi there');
    expect(o.finishReason).toBe('stop');
  });
});

// ---------------------------------------------------------------------------------------------
// The official SDK reads what we produce: a tiny server translates the SDK's request and answers
// with a canned OpenAI completion / stream run through the encoder.
// ---------------------------------------------------------------------------------------------

describe('Anthropic SDK against the translation', () => {
  let server: http.Server;
  let baseURL = '';
  const seen: Array<{ headers: http.IncomingHttpHeaders; body: ChatCompletionRequest; url: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        const parsed = anthropicMessagesRequestSchema.safeParse(JSON.parse(raw));
        if (!parsed.success) {
          const e = toAnthropicError(
            400,
            { error: { message: anthropicValidationMessage(parsed.error.issues), type: 'invalid_request_error', code: null, param: null } },
            'req_x',
          );
          res.writeHead(e.status, { 'content-type': 'application/json', 'request-id': 'req_x' });
          res.end(JSON.stringify(e.body));
          return;
        }
        const oai = fromAnthropicMessagesRequest(parsed.data);
        seen.push({ headers: req.headers, body: oai, url: req.url ?? '' });
        const wantsTool = (oai.tools?.length ?? 0) > 0;
        if (!oai.stream) {
          const c = wantsTool
            ? completion({ tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] }, 'tool_calls', {
                prompt_tokens: 30,
                completion_tokens: 9,
                total_tokens: 39,
              })
            : completion({ content: 'Hello from GPT' }, 'stop', { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(toAnthropicMessage(c, { model: parsed.data.model, id: 'msg_test1' })));
          return;
        }
        const enc = new AnthropicStreamEncoder({ model: parsed.data.model, id: 'msg_test2', inputTokens: 11 });
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(enc.push(chunk({ role: 'assistant', content: '' })));
        for (const piece of ['Hello', ' from', ' GPT']) res.write(enc.push(chunk({ content: piece })));
        if (wantsTool) {
          res.write(enc.push(chunk({ tool_calls: [{ index: 0, id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"ci' } }] })));
          res.write(enc.push(chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] })));
        }
        res.write(enc.push(chunk({}, wantsTool ? 'tool_calls' : 'stop')));
        res.write(enc.push(usageChunk(11, 5)));
        res.end(enc.finish());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('messages.create: text, then tool use', async () => {
    const client = new Anthropic({ apiKey: 'rk_test_key', baseURL, maxRetries: 0 });
    const msg = await client.messages.create({ model: 'gpt-4o', max_tokens: 100, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    expect(msg).toMatchObject({
      id: 'msg_test1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from GPT' }],
    });
    expect(msg.usage).toMatchObject({ input_tokens: 11, output_tokens: 4 });
    const last = seen[seen.length - 1]!;
    expect(last.url).toBe('/api/v1/messages');
    // SDK 1.17 sends the API key as a Bearer token and its own API version.
    expect(last.headers.authorization).toBe('Bearer rk_test_key');
    expect(last.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(last.body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);

    const tool = await client.messages.create({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [weather as Anthropic.Tool],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content).toEqual([{ type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Oslo' } }]);
  });

  it('messages.stream accumulates the final message (text + tool input JSON)', async () => {
    const client = new Anthropic({ authToken: 'rk_bearer_key', apiKey: null, baseURL, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [weather as Anthropic.Tool],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    const texts: string[] = [];
    stream.on('text', (t) => texts.push(t));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('Hello from GPT');
    expect(final).toMatchObject({
      id: 'msg_test2',
      model: 'gpt-4o',
      stop_reason: 'tool_use',
      content: [
        { type: 'text', text: 'Hello from GPT' },
        { type: 'tool_use', id: 'call_7', name: 'get_weather', input: { city: 'Oslo' } },
      ],
      usage: { input_tokens: 11, output_tokens: 5 },
    });
    expect(seen[seen.length - 1]!.headers.authorization).toBe('Bearer rk_bearer_key');
  });

  it('surfaces Anthropic-shaped errors as the SDK error classes', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL, maxRetries: 0 });
    const err = await client.messages
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^max_tokens: /) },
      request_id: 'req_x',
    });
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).requestID).toBe('req_x');
  });
});
