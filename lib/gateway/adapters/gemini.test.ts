import { describe, expect, it } from 'vitest';
import {
  GeminiStreamTranslator,
  SKIP_THOUGHT_SIGNATURE,
  fromGeminiError,
  fromGeminiResponse,
  geminiPath,
  geminiUsageToOpenAI,
  mapGeminiFinishReason,
  toGeminiRequest,
  type GeminiResponse,
} from './gemini';
import { chatCompletionRequestSchema, type ChatCompletionChunk, type ChatCompletionRequest } from './openai-types';
import { UnsupportedFeatureError } from './shared';
import { SseParser } from './sse';
import { accumulateChunks } from './test-helpers';

const req = (body: Record<string, unknown>): ChatCompletionRequest => chatCompletionRequestSchema.parse({ model: 'gemini-test', ...body });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

describe('geminiPath', () => {
  it('builds generateContent and SSE stream paths', () => {
    expect(geminiPath('gemini-2.5-flash', false)).toBe('/models/gemini-2.5-flash:generateContent');
    expect(geminiPath('models/gemini-2.5-flash', true)).toBe('/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });
});

describe('toGeminiRequest', () => {
  it('maps roles, systemInstruction and generationConfig', () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'Use French.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Bonjour' },
          { role: 'user', content: [{ type: 'text', text: 'Again' }] },
        ],
        temperature: 0.3,
        top_p: 0.9,
        max_completion_tokens: 256,
        stop: ['END', 'STOP'],
        n: 2,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        seed: 42,
        response_format: { type: 'json_object' },
      }),
    );
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }, { text: 'Use French.' }] });
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Bonjour' }] },
      { role: 'user', parts: [{ text: 'Again' }] },
    ]);
    expect(out.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 256,
      stopSequences: ['END', 'STOP'],
      candidateCount: 2,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 42,
      responseMimeType: 'application/json',
    });
    expect(out.tools).toBeUndefined();
  });

  it('maps json_schema to responseJsonSchema', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    const out = toGeminiRequest(
      req({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'r', schema } } }),
    );
    expect(out.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });

  it('maps images, audio and files to inlineData / fileData', () => {
    const out = toGeminiRequest(
      req({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AA=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png?x=1' } },
              { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
              { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
            ],
          },
        ],
      }),
    );
    expect(out.contents[0]?.parts).toEqual([
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AA=' } },
      { fileData: { mimeType: 'image/png', fileUri: 'https://example.com/a.png?x=1' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('maps tools, tool_choice, tool calls (with thought signatures) and tool results', () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                extra_content: { google: { thought_signature: 'SIG1' } },
              },
              { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp":18}' },
          { role: 'tool', tool_call_id: 'call_2', content: 'sunny' },
        ],
        tools: [weatherTool],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      }),
    );
    expect(out.tools).toEqual([
      {
        functionDeclarations: [{ name: 'get_weather', description: 'Weather for a city', parametersJsonSchema: weatherTool.function.parameters }],
      },
    ]);
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    expect(out.contents[1]).toEqual({
      role: 'model',
      parts: [
        { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG1' },
        { functionCall: { id: 'call_2', name: 'get_weather', args: { city: 'Rome' } } },
      ],
    });
    expect(out.contents[2]).toEqual({
      role: 'user',
      parts: [
        { functionResponse: { id: 'call_1', name: 'get_weather', response: { temp: 18 } } },
        { functionResponse: { id: 'call_2', name: 'get_weather', response: { result: 'sunny' } } },
      ],
    });
  });

  it('adds the documented placeholder signature for foreign tool-call histories', () => {
    const out = toGeminiRequest(
      req({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'toolu_1', content: '1' },
        ],
      }),
    );
    expect(out.contents[1]?.parts[0]?.thoughtSignature).toBe(SKIP_THOUGHT_SIGNATURE);
    expect(out.contents[2]?.parts[0]?.functionResponse).toEqual({ id: 'toolu_1', name: 'f', response: { result: 1 } });
  });

  it('maps tool_choice strings', () => {
    const base = { messages: [{ role: 'user', content: 'x' }], tools: [weatherTool] };
    const cfg = (tool_choice: unknown) => toGeminiRequest(req({ ...base, tool_choice })).toolConfig;
    expect(cfg('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(cfg('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(cfg('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
  });

  it('rejects a tool result without a matching tool call', () => {
    expect(() =>
      toGeminiRequest(
        req({
          messages: [
            { role: 'user', content: 'x' },
            { role: 'tool', tool_call_id: 'nope', content: '1' },
          ],
        }),
      ),
    ).toThrow(UnsupportedFeatureError);
  });
});

const geminiToolResponse: GeminiResponse = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          { text: 'thinking...', thought: true },
          { text: 'Let me check.' },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' },
        ],
      },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: {
    promptTokenCount: 400,
    cachedContentTokenCount: 300,
    candidatesTokenCount: 20,
    thoughtsTokenCount: 10,
    totalTokenCount: 430,
  },
  modelVersion: 'gemini-2.5-flash',
  responseId: 'abc',
};

describe('fromGeminiResponse', () => {
  it('maps text, function calls, finish reason and usage', () => {
    const out = fromGeminiResponse(geminiToolResponse, 'my-gemini', 'req1');
    expect(out.id).toBe('chatcmpl-req1');
    expect(out.model).toBe('my-gemini');
    const msg = out.choices[0]!.message;
    expect(msg.content).toBe('Let me check.');
    expect(msg.tool_calls).toHaveLength(1);
    expect(msg.tool_calls![0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      extra_content: { google: { thought_signature: 'SIG' } },
    });
    expect(msg.tool_calls![0]!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect(out.usage).toEqual({
      prompt_tokens: 400,
      completion_tokens: 30,
      total_tokens: 430,
      prompt_tokens_details: { cached_tokens: 300 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  it('maps finish reasons', () => {
    expect(mapGeminiFinishReason('STOP')).toBe('stop');
    expect(mapGeminiFinishReason('MAX_TOKENS')).toBe('length');
    for (const r of ['SAFETY', 'RECITATION', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII']) {
      expect(mapGeminiFinishReason(r)).toBe('content_filter');
    }
    expect(mapGeminiFinishReason('MALFORMED_FUNCTION_CALL')).toBe('stop');
    expect(mapGeminiFinishReason(undefined)).toBeNull();
  });

  it('gives one content_filter choice for a blocked prompt', () => {
    const out = fromGeminiResponse({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 } }, 'm', 'r');
    expect(out.choices).toEqual([{ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'content_filter', logprobs: null }]);
    expect(out.usage?.prompt_tokens).toBe(7);
  });

  it('maps several candidates to several choices', () => {
    const out = fromGeminiResponse(
      {
        candidates: [
          { content: { parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 },
          { content: { parts: [{ text: 'B' }] }, finishReason: 'MAX_TOKENS', index: 1 },
        ],
      },
      'm',
      'r',
    );
    expect(out.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
  });

  it('round-trips: a response tool call feeds the next request with id, name and signature', () => {
    const res = fromGeminiResponse(geminiToolResponse, 'm', 'r');
    const call = res.choices[0]!.message.tool_calls![0]!;
    const next = toGeminiRequest(
      req({
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: res.choices[0]!.message.content, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '{"temp":18}' },
        ],
        tools: [weatherTool],
      }),
    );
    expect(next.contents[1]?.parts).toEqual([
      { text: 'Let me check.' },
      { functionCall: { id: call.id, name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' },
    ]);
    expect(next.contents[2]?.parts).toEqual([{ functionResponse: { id: call.id, name: 'get_weather', response: { temp: 18 } } }]);
  });

  it('usage: tool-use prompt tokens count as prompt', () => {
    expect(geminiUsageToOpenAI({ promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 2 })).toEqual({
      prompt_tokens: 15,
      completion_tokens: 2,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 0 },
    });
  });
});

/** Real-shaped Gemini SSE (CRLF framing) for the same answer as geminiToolResponse. */
const geminiSse = [
  {
    candidates: [{ content: { role: 'model', parts: [{ text: 'Let me' }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 400, cachedContentTokenCount: 300, candidatesTokenCount: 2, totalTokenCount: 402 },
  },
  {
    candidates: [{ content: { role: 'model', parts: [{ text: ' check.' }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 400, cachedContentTokenCount: 300, candidatesTokenCount: 5, totalTokenCount: 405 },
  },
  {
    candidates: [
      {
        content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG' }] },
        finishReason: 'STOP',
        index: 0,
      },
    ],
    usageMetadata: geminiToolResponse.usageMetadata,
    modelVersion: 'gemini-2.5-flash',
  },
]
  .map((o) => `data: ${JSON.stringify(o)}\r\n\r\n`)
  .join('');

function translate(sse: string, includeUsage: boolean) {
  const t = new GeminiStreamTranslator({ model: 'my-gemini', requestId: 'req2', includeUsage });
  const p = new SseParser();
  const chunks: ChatCompletionChunk[] = [];
  for (const ev of [...p.push(sse), ...p.end()]) chunks.push(...t.push(JSON.parse(ev.data)));
  chunks.push(...t.finish());
  return { t, chunks };
}

describe('GeminiStreamTranslator', () => {
  it('emits role, text, tool call, finish and a final usage chunk', () => {
    const { t, chunks } = translate(geminiSse, true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.prompt_tokens_details?.cached_tokens).toBe(300);
    expect(t.complete).toBe(true);
    expect(t.finishReason).toBe('tool_calls');
  });

  it('says the same thing as the non-streaming translation', () => {
    const { chunks } = translate(geminiSse, true);
    const acc = accumulateChunks(chunks);
    const ns = fromGeminiResponse(geminiToolResponse, 'my-gemini', 'req2');
    const c = acc.choices.get(0)!;
    expect(c.content).toBe(ns.choices[0]!.message.content);
    expect(c.finishReason).toBe(ns.choices[0]!.finish_reason);
    expect(c.toolCalls.map((x) => [x.name, JSON.parse(x.arguments), x.extra])).toEqual(
      ns.choices[0]!.message.tool_calls!.map((x) => [x.function.name, JSON.parse(x.function.arguments), x.extra_content]),
    );
    expect(acc.usage).toEqual(ns.usage);
    expect(acc.usageChunkIsLast).toBe(true);
  });

  it('does not emit usage without include_usage, or before the stream completes', () => {
    expect(translate(geminiSse, false).chunks.some((c) => c.choices.length === 0)).toBe(false);
    const firstEvent = geminiSse.slice(0, geminiSse.indexOf('\r\n\r\n') + 4);
    const { t, chunks } = translate(firstEvent, true);
    expect(t.complete).toBe(false);
    expect(chunks.some((c) => c.choices.length === 0)).toBe(false);
    expect(t.usage.prompt_tokens).toBe(400);
    expect(t.estimatedUsage().completion_tokens).toBe(2);
  });

  it('handles a blocked prompt and in-stream errors', () => {
    const t = new GeminiStreamTranslator({ model: 'm', requestId: 'r', includeUsage: true });
    const out = t.push({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 3 } });
    expect(out.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, 'content_filter']);
    expect(t.finish()[0]?.usage?.prompt_tokens).toBe(3);
    const t2 = new GeminiStreamTranslator({ model: 'm', requestId: 'r', includeUsage: false });
    t2.push({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } });
    expect(t2.error).toMatchObject({ kind: 'overloaded', retryable: true, status: 503 });
  });

  it('streams several candidates independently', () => {
    const t = new GeminiStreamTranslator({ model: 'm', requestId: 'r', includeUsage: false });
    const chunks = [
      ...t.push({
        candidates: [
          { content: { parts: [{ text: 'A' }] }, index: 0 },
          { content: { parts: [{ text: 'B' }] }, index: 1 },
        ],
      }),
      ...t.push({
        candidates: [
          { content: { parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 },
          { finishReason: 'MAX_TOKENS', index: 1 },
        ],
      }),
    ];
    const acc = accumulateChunks(chunks);
    expect(acc.choices.get(0)).toMatchObject({ content: 'A!', finishReason: 'stop', role: 'assistant' });
    expect(acc.choices.get(1)).toMatchObject({ content: 'B', finishReason: 'length', role: 'assistant' });
    expect(t.complete).toBe(true);
  });
});

describe('fromGeminiError', () => {
  it('maps Google statuses', () => {
    const rl = fromGeminiError(429, { error: { code: 429, message: 'Resource has been exhausted', status: 'RESOURCE_EXHAUSTED' } });
    expect(rl).toMatchObject({ status: 429, kind: 'rate_limit', retryable: true });
    expect(rl.body.error.type).toBe('rate_limit_error');
    expect(fromGeminiError(400, { error: { code: 400, message: 'Bad field', status: 'INVALID_ARGUMENT' } })).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      retryable: false,
    });
    expect(fromGeminiError(500, '[{"error":{"code":500,"message":"Internal","status":"INTERNAL"}}]')).toMatchObject({
      kind: 'server',
      retryable: true,
    });
  });

  it('treats an invalid API key as the gateway credential problem (502)', () => {
    const e = fromGeminiError(400, {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
    expect(e).toMatchObject({ status: 502, kind: 'authentication', retryable: false });
    expect(e.body.error.message).not.toContain('API key not valid');
  });
});
