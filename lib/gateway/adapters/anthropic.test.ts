import { describe, expect, it } from 'vitest';
import {
  AnthropicStreamTranslator,
  DEFAULT_ANTHROPIC_MAX_TOKENS,
  JSON_MODE_INSTRUCTION,
  anthropicUsageToOpenAI,
  fromAnthropicError,
  fromAnthropicResponse,
  mapAnthropicStopReason,
  toAnthropicRequest,
  type AnthropicResponse,
} from './anthropic';
import { chatCompletionRequestSchema, type ChatCompletionChunk, type ChatCompletionRequest } from './openai-types';
import { UnsupportedFeatureError } from './shared';
import { SseParser } from './sse';
import { accumulateChunks } from './test-helpers';

const req = (body: Record<string, unknown>): ChatCompletionRequest => chatCompletionRequestSchema.parse({ model: 'claude-test', ...body });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('toAnthropicRequest', () => {
  it('moves system and developer messages to system and defaults max_tokens', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
          { role: 'user', content: 'Hi' },
        ],
      }),
      'claude-sonnet-4-5',
    );
    expect(out.model).toBe('claude-sonnet-4-5');
    expect(out.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Use French.' },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(out.max_tokens).toBe(DEFAULT_ANTHROPIC_MAX_TOKENS);
    expect(out.max_tokens).toBe(4096);
    expect(out.stream).toBeUndefined();
  });

  it('prefers max_completion_tokens, maps stop, temperature clamp, user and stream', () => {
    const out = toAnthropicRequest(
      req({
        messages: [{ role: 'user', content: 'Hi' }],
        max_tokens: 50,
        max_completion_tokens: 100,
        stop: 'END',
        temperature: 1.7,
        top_p: 0.5,
        user: 'u-1',
        stream: true,
      }),
      'm',
    );
    expect(out.max_tokens).toBe(100);
    expect(out.stop_sequences).toEqual(['END']);
    expect(out.temperature).toBe(1);
    expect(out.top_p).toBeUndefined();
    expect(out.metadata).toEqual({ user_id: 'u-1' });
    expect(out.stream).toBe(true);
    expect(toAnthropicRequest(req({ messages: [{ role: 'user', content: 'x' }], top_p: 0.3 }), 'm').top_p).toBe(0.3);
    expect(toAnthropicRequest(req({ messages: [{ role: 'user', content: 'x' }] }), 'm', { defaultMaxTokens: 999 }).max_tokens).toBe(999);
  });

  it('maps images (data URL and https) and PDFs', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
              { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
            ],
          },
        ],
      }),
      'm',
    );
    expect(out.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ]);
  });

  it('maps tools, tool_calls and tool results (merged into one user turn)', () => {
    const out = toAnthropicRequest(
      req({
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18C' },
          { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '24C' }] },
          { role: 'user', content: 'Thanks' },
        ],
        tools: [weatherTool],
        tool_choice: 'required',
        parallel_tool_calls: false,
      }),
      'm',
    );
    expect(out.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        input_schema: weatherTool.function.parameters,
      },
    ]);
    expect(out.tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: '24C' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('maps every tool_choice form', () => {
    const base = { messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] };
    const choice = (tool_choice: unknown) => toAnthropicRequest(req({ ...base, tool_choice }), 'm').tool_choice;
    expect(choice('auto')).toBeUndefined();
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice({ type: 'function', function: { name: 'get_weather' } })).toEqual({ type: 'tool', name: 'get_weather' });
    expect(
      choice({
        type: 'allowed_tools',
        allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      }),
    ).toEqual({ type: 'any' });
  });

  it('maps response_format: json_schema to output_config, json_object to a system instruction', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'], additionalProperties: false };
    const js = toAnthropicRequest(
      req({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } }),
      'm',
    );
    expect(js.output_config).toEqual({ format: { type: 'json_schema', schema } });
    const jo = toAnthropicRequest(req({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } }), 'm');
    expect(jo.output_config).toBeUndefined();
    expect(jo.system).toEqual([{ type: 'text', text: JSON_MODE_INSTRUCTION }]);
    const noSo = toAnthropicRequest(
      req({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } }),
      'm',
      { structuredOutputs: false },
    );
    expect(noSo.output_config).toBeUndefined();
    expect(noSo.system?.[0]?.text).toContain('"additionalProperties":false');
  });

  it('rejects what Anthropic cannot do', () => {
    expect(() => toAnthropicRequest(req({ messages: [{ role: 'user', content: 'x' }], n: 2 }), 'm')).toThrow(UnsupportedFeatureError);
    expect(() =>
      toAnthropicRequest(req({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }), 'm'),
    ).toThrow(/Audio/);
    try {
      toAnthropicRequest(req({ messages: [{ role: 'user', content: 'x' }], n: 3 }), 'm');
    } catch (e) {
      expect((e as UnsupportedFeatureError).toOpenAIError()).toEqual({
        error: { message: 'n > 1 is not supported for this model', type: 'invalid_request_error', param: 'n', code: 'unsupported_parameter' },
      });
    }
  });
});

const anthropicToolResponse: AnthropicResponse = {
  id: 'msg_01',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 300, cache_creation_input_tokens: 50 },
};

describe('fromAnthropicResponse', () => {
  it('maps text, tool_use, finish reason and usage (cache included in prompt_tokens)', () => {
    const out = fromAnthropicResponse(anthropicToolResponse, 'my-claude', 'req123');
    expect(out.id).toBe('chatcmpl-req123');
    expect(out.object).toBe('chat.completion');
    expect(out.model).toBe('my-claude');
    expect(out.choices[0]?.message).toEqual({
      role: 'assistant',
      content: 'Let me check.',
      refusal: null,
      tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(out.choices[0]?.finish_reason).toBe('tool_calls');
    expect(out.usage).toEqual({
      prompt_tokens: 450,
      completion_tokens: 20,
      total_tokens: 470,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 50 },
    });
  });

  it('uses null content when only tool calls are present', () => {
    const out = fromAnthropicResponse({ ...anthropicToolResponse, content: anthropicToolResponse.content!.slice(1) }, 'm', 'r');
    expect(out.choices[0]?.message.content).toBeNull();
  });

  it('maps stop reasons', () => {
    expect(mapAnthropicStopReason('end_turn')).toBe('stop');
    expect(mapAnthropicStopReason('stop_sequence')).toBe('stop');
    expect(mapAnthropicStopReason('pause_turn')).toBe('stop');
    expect(mapAnthropicStopReason('max_tokens')).toBe('length');
    expect(mapAnthropicStopReason('model_context_window_exceeded')).toBe('length');
    expect(mapAnthropicStopReason('tool_use')).toBe('tool_calls');
    expect(mapAnthropicStopReason('refusal')).toBe('content_filter');
    expect(mapAnthropicStopReason(null)).toBeNull();
  });

  it('maps thinking tokens to reasoning_tokens', () => {
    expect(anthropicUsageToOpenAI({ input_tokens: 1, output_tokens: 9, output_tokens_details: { thinking_tokens: 5 } })).toMatchObject({
      completion_tokens: 9,
      completion_tokens_details: { reasoning_tokens: 5 },
    });
  });

  it('round-trips a tool conversation: response tool_calls feed the next request', () => {
    const first = req({ messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool] });
    const openaiRes = fromAnthropicResponse(anthropicToolResponse, 'my-claude', 'r1');
    const msg = openaiRes.choices[0]!.message;
    const second = req({
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: msg.content, tool_calls: msg.tool_calls },
        { role: 'tool', tool_call_id: msg.tool_calls![0]!.id, content: '{"temp":18}' },
      ],
    });
    const anth = toAnthropicRequest(second, 'claude-sonnet-4-5');
    expect(anth.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
      ],
    });
    expect(anth.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"temp":18}' }],
    });
  });
});

/** A real-shaped Anthropic SSE stream for the same message as anthropicToolResponse. */
const anthropicSse = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"cache_creation_input_tokens":50,"cache_read_input_tokens":300,"output_tokens":1}}}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me"}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" check."}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":0}',
  '',
  'event: content_block_start',
  'data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}',
  '',
  'event: content_block_stop',
  'data: {"type":"content_block_stop","index":1}',
  '',
  'event: message_delta',
  'data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":20}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');

function translate(sse: string, includeUsage: boolean) {
  const t = new AnthropicStreamTranslator({ model: 'my-claude', requestId: 'req9', includeUsage, created: 1700000000 });
  const p = new SseParser();
  const chunks: ChatCompletionChunk[] = [];
  for (const ev of [...p.push(sse), ...p.end()]) chunks.push(...t.push(JSON.parse(ev.data)));
  chunks.push(...t.finish());
  return { t, chunks };
}

describe('AnthropicStreamTranslator', () => {
  it('emits role first, text and tool-call deltas, finish, then usage', () => {
    const { t, chunks } = translate(anthropicSse, true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.id === 'chatcmpl-req9' && c.object === 'chat.completion.chunk' && c.model === 'my-claude')).toBe(true);
    const toolStart = chunks.find((c) => c.choices[0]?.delta.tool_calls?.[0]?.id);
    expect(toolStart?.choices[0]?.delta.tool_calls).toEqual([{ index: 0, id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '' } }]);
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({
      prompt_tokens: 450,
      completion_tokens: 20,
      total_tokens: 470,
      prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 50 },
    });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(t.complete).toBe(true);
    expect(t.finishReason).toBe('tool_calls');
  });

  it('says the same thing as the non-streaming translation', () => {
    const { chunks } = translate(anthropicSse, true);
    const acc = accumulateChunks(chunks);
    const nonStream = fromAnthropicResponse(anthropicToolResponse, 'my-claude', 'req9');
    const choice = acc.choices.get(0)!;
    expect(choice.role).toBe('assistant');
    expect(choice.content).toBe(nonStream.choices[0]!.message.content);
    expect(choice.finishReason).toBe(nonStream.choices[0]!.finish_reason);
    expect(choice.toolCalls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.arguments) }))).toEqual(
      nonStream.choices[0]!.message.tool_calls!.map((c) => ({ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) })),
    );
    expect(acc.usage).toEqual(nonStream.usage);
    expect(acc.usageChunkIsLast).toBe(true);
  });

  it('omits usage fields and the usage chunk without include_usage', () => {
    const { chunks } = translate(anthropicSse, false);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(chunks[chunks.length - 1]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('exposes running usage for a truncated stream', () => {
    const cut = anthropicSse.slice(0, anthropicSse.indexOf('event: content_block_stop'));
    const { t, chunks } = translate(cut, true);
    expect(t.complete).toBe(false);
    expect(t.usageFinal).toBe(false);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false); // no usage chunk
    expect(t.usage.prompt_tokens).toBe(450);
    expect(t.outputChars).toBe('Let me check.'.length);
    expect(t.estimatedUsage().completion_tokens).toBe(Math.ceil('Let me check.'.length / 4));
  });

  it('captures an in-stream error event', () => {
    const t = new AnthropicStreamTranslator({ model: 'm', requestId: 'r', includeUsage: false });
    t.push({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } });
    t.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    expect(t.error?.kind).toBe('overloaded');
    expect(t.error?.retryable).toBe(true);
    expect(t.complete).toBe(false);
  });

  it('maps a refusal stop reason to content_filter', () => {
    const t = new AnthropicStreamTranslator({ model: 'm', requestId: 'r', includeUsage: false });
    t.push({ type: 'message_start', message: { usage: { input_tokens: 5, output_tokens: 1 } } });
    const out = t.push({ type: 'message_delta', delta: { stop_reason: 'refusal' }, usage: { output_tokens: 2 } });
    expect(out[0]?.choices[0]?.finish_reason).toBe('content_filter');
  });
});

describe('fromAnthropicError', () => {
  it('maps rate limits and overload as retryable', () => {
    const rl = fromAnthropicError(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down' } });
    expect(rl).toMatchObject({ status: 429, kind: 'rate_limit', retryable: true });
    // Our wording with the provider's status and type; what Anthropic said is kept for operators.
    expect(rl.body.error).toEqual({
      message: 'The provider is rate limiting requests; retry shortly (Anthropic 429 rate_limit_error).',
      type: 'rate_limit_error',
      param: null,
      code: 'rate_limit_exceeded',
    });
    expect(rl.upstream).toEqual({ provider: 'Anthropic', status: 429, type: 'rate_limit_error', message: 'Slow down' });
    const ov = fromAnthropicError(529, JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }));
    expect(ov).toMatchObject({ status: 503, upstreamStatus: 529, kind: 'overloaded', retryable: true });
  });

  it('hides credential errors behind a 502', () => {
    const e = fromAnthropicError(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key sk-ant-xyz' } });
    expect(e.status).toBe(502);
    expect(e.retryable).toBe(false);
    expect(e.body.error.message).not.toContain('sk-ant');
  });

  it('keeps invalid request messages and detects policy refusals', () => {
    const bad = fromAnthropicError(400, { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: too large' } });
    expect(bad).toMatchObject({ status: 400, kind: 'invalid_request', retryable: false });
    // The tenant's own input: the provider's explanation is passed on (sanitized) after our words.
    expect(bad.body.error.message).toBe('The provider rejected the request (Anthropic 400 invalid_request_error): max_tokens: too large');
    const pol = fromAnthropicError(400, {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'Output blocked by content filtering policy' },
    });
    expect(pol.kind).toBe('content_policy');
    expect(pol.body.error.code).toBe('content_policy_violation');
  });

  it('copes with non-JSON bodies', () => {
    expect(fromAnthropicError(500, '<html>oops</html>')).toMatchObject({ status: 500, kind: 'server', retryable: true });
  });
});
