import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from './server';
import { SseParser, type SseEvent } from '../../lib/gateway/adapters/sse';
import { AnthropicStreamTranslator, anthropicHeaders, fromAnthropicResponse, toAnthropicRequest } from '../../lib/gateway/adapters/anthropic';
import { GeminiStreamTranslator, fromGeminiResponse, geminiHeaders, geminiPath, toGeminiRequest } from '../../lib/gateway/adapters/gemini';
import { chatCompletionRequestSchema } from '../../lib/gateway/adapters/openai-types';
import { isContentPolicyRefusal } from '../../lib/gateway/adapters/content-policy';
import type { ChatCompletionChunk } from '../../lib/gateway/adapters/openai-types';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const OPENAI_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-test' };
const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
const GEMINI_HEADERS = { 'content-type': 'application/json', 'x-goog-api-key': 'k' };

function post(path: string, body: unknown, headers: Record<string, string>, init: RequestInit = {}) {
  return fetch(fake.url + path, { method: 'POST', headers, body: JSON.stringify(body), ...init });
}

async function sseEvents(res: Response): Promise<SseEvent[]> {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) out.push(...p.push(chunk));
  out.push(...p.end());
  return out;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});
const anthropicBody = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  messages: [{ role: 'user', content }],
  ...extra,
});
const geminiBody = (text: string, extra: Record<string, unknown> = {}) => ({
  contents: [{ role: 'user', parts: [{ text }] }],
  ...extra,
});

describe('OpenAI wire format (fetch)', () => {
  it('answers chat completions deterministically with usage from text length', async () => {
    const res = await post('/v1/chat/completions', chat('ping'), OPENAI_HEADERS);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: 'Hello from fake-openai: ping' });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage).toMatchObject({ prompt_tokens: 1, completion_tokens: Math.ceil('Hello from fake-openai: ping'.length / 4) });
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      provider: 'openai',
      model: 'gpt-4o-mini',
      stream: false,
      completed: true,
      clientAborted: false,
      status: 200,
    });
    expect((fake.requests[0]!.body as { messages: unknown[] }).messages).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams chunks with a final usage chunk when include_usage is set', async () => {
    const res = await post('/v1/chat/completions', chat('hi', { stream: true, stream_options: { include_usage: true } }), OPENAI_HEADERS);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await sseEvents(res);
    expect(events[events.length - 1]!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as ChatCompletionChunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake-openai: hi');
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const noUsage = (await sseEvents(await post('/v1/chat/completions', chat('hi', { stream: true }), OPENAI_HEADERS)))
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data));
    expect(noUsage.some((c) => 'usage' in c)).toBe(false);
  });

  it('calls a tool when asked and tools are present; answers in text after the tool result', async () => {
    const tools = [
      {
        type: 'function',
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } } } },
      },
    ];
    const body = await (await post('/v1/chat/completions', chat('Please call a tool', { tools }), OPENAI_HEADERS)).json();
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    expect(body.choices[0].message.content).toBeNull();
    const call = body.choices[0].message.tool_calls[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'test', days: 1 });

    const after = await (
      await post(
        '/v1/chat/completions',
        {
          model: 'gpt-4o-mini',
          tools,
          messages: [
            { role: 'user', content: 'Please call a tool' },
            { role: 'assistant', content: null, tool_calls: [call] },
            { role: 'tool', tool_call_id: call.id, content: 'sunny' },
          ],
        },
        OPENAI_HEADERS,
      )
    ).json();
    expect(after.choices[0].finish_reason).toBe('stop');

    const events = await sseEvents(await post('/v1/chat/completions', chat('call a tool', { tools, stream: true }), OPENAI_HEADERS));
    const chunks = events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as ChatCompletionChunk);
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((t) => t.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ city: 'test', days: 1 });
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  });

  it('returns JSON for json_object and json_schema', async () => {
    const jo = await (await post('/v1/chat/completions', chat('x', { response_format: { type: 'json_object' } }), OPENAI_HEADERS)).json();
    expect(JSON.parse(jo.choices[0].message.content)).toEqual({ reply: 'Hello from fake-openai', echo: 'x' });
    const schema = { type: 'object', properties: { n: { type: 'number' }, ok: { type: 'boolean' } } };
    const js = await (
      await post('/v1/chat/completions', chat('x', { response_format: { type: 'json_schema', json_schema: { name: 's', schema } } }), OPENAI_HEADERS)
    ).json();
    expect(JSON.parse(js.choices[0].message.content)).toEqual({ n: 1, ok: true });
  });

  it('reports cached tokens from x-fake-cached-tokens', async () => {
    const body = await (await post('/v1/chat/completions', chat('x'), { ...OPENAI_HEADERS, 'x-fake-cached-tokens': '40' })).json();
    expect(body.usage.prompt_tokens_details.cached_tokens).toBe(40);
    expect(body.usage.prompt_tokens).toBe(41);
  });

  it('serves embeddings (float and base64) and the models list; refuses missing or bad keys', async () => {
    const emb = await (await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' }, OPENAI_HEADERS)).json();
    expect(emb.data).toHaveLength(2);
    expect(emb.data[0].embedding).toHaveLength(16);
    const b64 = await (await post('/v1/embeddings', { model: 'e', input: 'a', encoding_format: 'base64' }, OPENAI_HEADERS)).json();
    const buf = Buffer.from(b64.data[0].embedding, 'base64');
    const decoded = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    expect(decoded).toEqual(emb.data[0].embedding);
    const models = await (await fetch(`${fake.url}/v1/models`, { headers: OPENAI_HEADERS })).json();
    expect(models.data.map((m: { id: string }) => m.id)).toContain('gpt-4o-mini');
    const noKey = await post('/v1/chat/completions', chat('x'), { 'content-type': 'application/json' });
    expect(noKey.status).toBe(401);
    const bad = await post('/v1/chat/completions', chat('x'), { ...OPENAI_HEADERS, authorization: 'Bearer bad-key' });
    expect((await bad.json()).error.code).toBe('invalid_api_key');
  });
});

describe('official openai client against the fake', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: fake.openaiBaseUrl, maxRetries: 0 });

  it('chat completions', async () => {
    const res = await client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content).toBe('Hello from fake-openai: hello');
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streaming with include_usage', async () => {
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from fake-openai: stream me');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('embeddings (the SDK asks for base64 and decodes it)', async () => {
    const res = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    expect(fake.requests[0]!.body).toMatchObject({ encoding_format: 'base64' });
    expect(res.data[0]?.embedding).toHaveLength(16);
    const norm = Math.sqrt(res.data[0]!.embedding.reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 4);
  });

  it('surfaces failures as typed SDK errors', async () => {
    fake.setBehavior({ mode: 'rate_limit', retryAfter: 2, times: 1 });
    const err = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('2');
    fake.setBehavior({ mode: 'status', status: 503, times: 1 });
    const err2 = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(OpenAI.InternalServerError);
  });
});

describe('Anthropic wire format', () => {
  it('answers /v1/messages with usage including cache reads', async () => {
    const res = await post('/v1/messages', anthropicBody('hi', { system: 'Be brief.' }), {
      ...ANTHROPIC_HEADERS,
      'x-fake-cached-tokens': '100',
      'x-fake-cache-write-tokens': '5',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from fake-anthropic: hi' }],
    });
    expect(body.usage).toMatchObject({ input_tokens: Math.ceil('hiBe brief.'.length / 4), cache_read_input_tokens: 100, cache_creation_input_tokens: 5 });
  });

  it('streams the Anthropic event sequence (which our translator turns into OpenAI chunks)', async () => {
    const tools = [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }];
    const events = await sseEvents(
      await post('/v1/messages', anthropicBody('call a tool now', { stream: true, tools }), { ...ANTHROPIC_HEADERS, 'x-fake-cached-tokens': '8' }),
    );
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('message_start');
    expect(types).toContain('ping');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(events.every((e) => JSON.parse(e.data).type === e.event)).toBe(true);
    const t = new AnthropicStreamTranslator({ model: 'c', requestId: 'r', includeUsage: true });
    const chunks = events.flatMap((e) => t.push(JSON.parse(e.data)));
    chunks.push(...t.finish());
    expect(t.complete).toBe(true);
    expect(t.finishReason).toBe('tool_calls');
    const args = chunks
      .flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])
      .map((x) => x.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ q: 'test' });
    expect(chunks[chunks.length - 1]!.usage?.prompt_tokens_details?.cached_tokens).toBe(8);
  });

  it('requires x-api-key and anthropic-version', async () => {
    const noKey = await post('/v1/messages', anthropicBody('x'), { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    expect(noKey.status).toBe(401);
    expect((await noKey.json()).error.type).toBe('authentication_error');
    const noVersion = await post('/v1/messages', anthropicBody('x'), { 'content-type': 'application/json', 'x-api-key': 'k' });
    expect(noVersion.status).toBe(400);
    const noMax = await post('/v1/messages', { model: 'c', messages: [{ role: 'user', content: 'x' }] }, ANTHROPIC_HEADERS);
    expect(noMax.status).toBe(400);
    expect((await noMax.json()).error.message).toContain('max_tokens');
  });
});

describe('Gemini wire format', () => {
  it('generateContent with key in header or query', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:generateContent', geminiBody('hi', { systemInstruction: { parts: [{ text: 'sys' }] } }), {
      ...GEMINI_HEADERS,
      'x-fake-cached-tokens': '30',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.candidates[0]).toMatchObject({ content: { role: 'model', parts: [{ text: 'Hello from fake-gemini: hi' }] }, finishReason: 'STOP' });
    expect(body.usageMetadata).toMatchObject({ cachedContentTokenCount: 30, promptTokenCount: Math.ceil('hisys'.length / 4) + 30 });
    expect(fake.requests[0]).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash', stream: false });
    const viaQuery = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent?key=abc`, {
      method: 'POST',
      body: JSON.stringify(geminiBody('q')),
    });
    expect(viaQuery.status).toBe(200);
    const noKey = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, { method: 'POST', body: JSON.stringify(geminiBody('q')) });
    expect(noKey.status).toBe(403);
    expect((await noKey.json()).error.status).toBe('PERMISSION_DENIED');
  });

  it('streamGenerateContent?alt=sse with CRLF framing; last chunk has finishReason and usage', async () => {
    const res = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', geminiBody('stream please'), GEMINI_HEADERS);
    const raw = await res.text();
    expect(raw.includes('\r\n\r\n')).toBe(true);
    const p = new SseParser();
    const events = [...p.push(raw), ...p.end()];
    expect(events.length).toBeGreaterThan(1);
    const t = new GeminiStreamTranslator({ model: 'g', requestId: 'r', includeUsage: true });
    const chunks = events.flatMap((e) => t.push(JSON.parse(e.data)));
    chunks.push(...t.finish());
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Hello from fake-gemini: stream please');
    expect(t.complete).toBe(true);
    expect(chunks[chunks.length - 1]!.usage?.completion_tokens).toBe(Math.ceil('Hello from fake-gemini: stream please'.length / 4));
  });

  it('returns functionCall parts (with a thought signature) when asked to call a tool', async () => {
    const body = await (
      await post(
        '/v1beta/models/gemini-2.5-pro:generateContent',
        geminiBody('call a tool', {
          tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object', properties: { a: { type: 'string' } } } }] }],
        }),
        GEMINI_HEADERS,
      )
    ).json();
    expect(body.candidates[0].content.parts[0]).toMatchObject({ functionCall: { name: 'f', args: { a: 'test' } } });
    const openai = fromGeminiResponse(body, 'g', 'r');
    expect(openai.choices[0]!.finish_reason).toBe('tool_calls');
    expect(openai.choices[0]!.message.tool_calls![0]!.extra_content?.google?.thought_signature).toMatch(/^fake-sig-/);
  });
});

describe('adapters against the fake (what the gateway core will do)', () => {
  const openaiReq = chatCompletionRequestSchema.parse({
    model: 'client-model',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'please call a tool' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  });

  it('Anthropic: translated request is accepted and the answer translates back', async () => {
    const res = await post('/v1/messages', toAnthropicRequest(openaiReq, 'claude-sonnet-4-5'), anthropicHeaders('k'));
    expect(res.status).toBe(200);
    const out = fromAnthropicResponse(await res.json(), 'client-model', 'r1');
    expect(out.choices[0]!.finish_reason).toBe('tool_calls');
    expect(JSON.parse(out.choices[0]!.message.tool_calls![0]!.function.arguments)).toEqual({ city: 'test' });
    expect(fake.requests[0]!.body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 4096, system: [{ type: 'text', text: 'Be brief.' }] });
  });

  it('Gemini: translated request is accepted (stream) and the answer translates back', async () => {
    const plain = chatCompletionRequestSchema.parse({ model: 'client-model', messages: [{ role: 'user', content: 'hello' }], stream: true });
    const res = await post(`/v1beta${geminiPath('gemini-2.5-flash', true)}`, toGeminiRequest(plain), geminiHeaders('k'));
    const t = new GeminiStreamTranslator({ model: 'client-model', requestId: 'r2', includeUsage: false });
    const text = (await sseEvents(res))
      .flatMap((e) => t.push(JSON.parse(e.data)))
      .map((c) => c.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Hello from fake-gemini: hello');
    expect(t.finishReason).toBe('stop');
  });
});

describe('failure modes', () => {
  it('status: fails the next N requests, then recovers', async () => {
    fake.setBehavior({ mode: 'status', status: 500, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(fake.requests.map((r) => r.mode)).toEqual(['status', 'status', 'ok']);
  });

  it('status: provider-style error bodies', async () => {
    fake.setBehavior({ mode: 'status', status: 529 });
    const a = await post('/v1/messages', anthropicBody('x'), ANTHROPIC_HEADERS);
    expect(a.status).toBe(529);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    fake.setBehavior({ mode: 'status', status: 503 });
    const g = await post('/v1beta/models/m:generateContent', geminiBody('x'), GEMINI_HEADERS);
    expect(await g.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    const o = await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS);
    expect(await o.json()).toMatchObject({ error: { type: 'server_error', param: null } });
  });

  it('rules can target one provider or model', async () => {
    fake.setBehavior({ mode: 'status', status: 500, provider: 'anthropic' });
    expect((await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).status).toBe(200);
    expect((await post('/v1/messages', anthropicBody('x'), ANTHROPIC_HEADERS)).status).toBe(500);
    fake.setBehavior([{ mode: 'status', status: 502, model: 'gpt-4o', times: 1 }]);
    expect((await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).status).toBe(200);
    expect((await post('/v1/chat/completions', { ...chat('x'), model: 'gpt-4o' }, OPENAI_HEADERS)).status).toBe(502);
    expect((await post('/v1/chat/completions', { ...chat('x'), model: 'gpt-4o' }, OPENAI_HEADERS)).status).toBe(200);
  });

  it('rate_limit: 429 with Retry-After and provider bodies', async () => {
    fake.setBehavior({ mode: 'rate_limit', retryAfter: 7 });
    const o = await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS);
    expect(o.status).toBe(429);
    expect(o.headers.get('retry-after')).toBe('7');
    expect((await o.json()).error.code).toBe('rate_limit_exceeded');
    const a = await post('/v1/messages', anthropicBody('x'), ANTHROPIC_HEADERS);
    expect((await a.json()).error.type).toBe('rate_limit_error');
    const g = await post('/v1beta/models/m:generateContent', geminiBody('x'), GEMINI_HEADERS);
    const gb = await g.json();
    expect(gb.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(gb.error.details[0].retryDelay).toBe('7s');
  });

  it('per-request x-fake-behavior header overrides the global behaviour', async () => {
    const res = await post('/v1/chat/completions', chat('x'), { ...OPENAI_HEADERS, 'x-fake-behavior': 'status:418' });
    expect(res.status).toBe(418);
    const json = await post('/v1/chat/completions', chat('x'), { ...OPENAI_HEADERS, 'x-fake-behavior': JSON.stringify({ mode: 'rate_limit', retryAfter: 9 }) });
    expect(json.headers.get('retry-after')).toBe('9');
  });

  it('hang: never answers; a client abort is recorded', async () => {
    fake.setBehavior('hang');
    const err = await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS, { signal: AbortSignal.timeout(150) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const rec = await fake.waitFor((r) => r.clientAborted);
    expect(rec.status).toBeUndefined();
    expect(rec.completed).toBe(false);
  });

  it('reset: the socket is destroyed', async () => {
    fake.setBehavior({ mode: 'reset', times: 1 });
    await expect(post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).rejects.toThrow();
    expect(fake.requests[0]).toMatchObject({ serverTerminated: true, clientAborted: false });
    expect((await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).status).toBe(200);
  });

  it('truncate: a stream stops after a few chunks; a JSON body is cut short', async () => {
    fake.setBehavior('truncate');
    const res = await post('/v1/chat/completions', chat('one two three four five six', { stream: true }), OPENAI_HEADERS);
    expect(res.status).toBe(200);
    const p = new SseParser();
    const got: SseEvent[] = [];
    const read = (async () => {
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) got.push(...p.push(c));
    })();
    await expect(read).rejects.toThrow();
    expect(got.length).toBe(3); // role chunk + 2 content chunks
    expect(got.some((e) => e.data === '[DONE]')).toBe(false);

    const a = await post('/v1/messages', anthropicBody('x', { stream: true }), ANTHROPIC_HEADERS);
    const aEvents: string[] = [];
    const p2 = new SseParser();
    await expect(
      (async () => {
        for await (const c of a.body as unknown as AsyncIterable<Uint8Array>) aEvents.push(...p2.push(c).map((e) => e.event ?? ''));
      })(),
    ).rejects.toThrow();
    expect(aEvents).not.toContain('message_stop');

    const nonStream = await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS);
    await expect(nonStream.text()).rejects.toThrow();
  });

  it('content_policy: provider-specific refusals that isContentPolicyRefusal detects', async () => {
    fake.setBehavior('content_policy');
    const o = await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS);
    expect(o.status).toBe(400);
    expect(isContentPolicyRefusal(o.status, await o.json(), 'openai')).toBe(true);
    const a = await post('/v1/messages', anthropicBody('x'), ANTHROPIC_HEADERS);
    const ab = await a.json();
    expect(a.status).toBe(200);
    expect(ab.stop_reason).toBe('refusal');
    expect(isContentPolicyRefusal(200, ab, 'anthropic')).toBe(true);
    const g = await post('/v1beta/models/m:generateContent', geminiBody('x'), GEMINI_HEADERS);
    const gb = await g.json();
    expect(gb.promptFeedback.blockReason).toBe('SAFETY');
    expect(isContentPolicyRefusal(200, gb, 'gemini')).toBe(true);

    fake.setBehavior({ mode: 'content_policy', contentPolicyVariant: 'finish' });
    const of = await (await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).json();
    expect(of.choices[0].finish_reason).toBe('content_filter');
    const gf = await (await post('/v1beta/models/m:generateContent', geminiBody('x'), GEMINI_HEADERS)).json();
    expect(gf.candidates[0].finishReason).toBe('SAFETY');
    fake.setBehavior({ mode: 'content_policy', contentPolicyVariant: 'error' });
    const ae = await post('/v1/messages', anthropicBody('x'), ANTHROPIC_HEADERS);
    expect(isContentPolicyRefusal(ae.status, await ae.json(), 'anthropic')).toBe(true);
    const as = await sseEvents(await post('/v1/messages', anthropicBody('x', { stream: true }), { ...ANTHROPIC_HEADERS, 'x-fake-behavior': 'content_policy' }));
    expect(as.some((e) => isContentPolicyRefusal(200, e.data, 'anthropic'))).toBe(true);
  });

  it('slow_stream: N chunks paced chunkDelayMs apart', async () => {
    fake.setBehavior({ mode: 'slow_stream', chunks: 10, chunkDelayMs: 15 });
    const t0 = Date.now();
    const events = await sseEvents(await post('/v1/chat/completions', chat('hi', { stream: true }), OPENAI_HEADERS));
    const elapsed = Date.now() - t0;
    const contentChunks = events
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data))
      .filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks).toHaveLength(10);
    expect(elapsed).toBeGreaterThanOrEqual(10 * 15 - 20);
  });

  it('slow_stream: a client that disconnects mid-stream is recorded as aborted', async () => {
    fake.setBehavior({ mode: 'slow_stream', chunks: 200, chunkDelayMs: 10 });
    const ac = new AbortController();
    const res = await post('/v1/messages', anthropicBody('x', { stream: true }), ANTHROPIC_HEADERS, { signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    const rec = await fake.waitFor((r) => r.clientAborted);
    expect(rec).toMatchObject({ provider: 'anthropic', stream: true, completed: false });
  });

  it('delay: answers after delayMs', async () => {
    fake.setBehavior({ mode: 'delay', delayMs: 120 });
    const t0 = Date.now();
    const res = await post('/v1beta/models/m:generateContent', geminiBody('x'), GEMINI_HEADERS);
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('reset() clears requests and behaviour', async () => {
    fake.setBehavior({ mode: 'status', status: 500 });
    await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS);
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await post('/v1/chat/completions', chat('x'), OPENAI_HEADERS)).status).toBe(200);
  });
});
