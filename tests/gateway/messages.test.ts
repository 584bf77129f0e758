/**
 * POST /api/v1/messages through HTTP with Anthropic's official SDK (1.17, unchanged, baseURL =
 * <host>/api): a Claude model passed to Anthropic as it is, a GPT and a Gemini model translated and
 * back, streamed and not, tools, x-api-key and Bearer, Anthropic-shaped errors, exact metering.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { findCatalogModel } from '../../lib/catalog';
import { requestLogs } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import type { DbHandle } from '../../lib/db/client';
import { dec } from '../../lib/pricing/money';
import { priceUsage } from '../../lib/pricing/price';
import { pollRows } from '../support/poll';
import { testDb } from '../support/db';
import { newTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway, type TestTenant } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake);
});
afterAll(async () => {
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const sdk = (t: TestTenant, opts: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
  new Anthropic({ apiKey: t.key, baseURL: `${g.url}/api`, maxRetries: 0, ...opts });

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

async function oneRow(tenantId: string) {
  const rows = await pollRows(() => usageRows(h.db, tenantId));
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The event's cost and price are exactly the catalog rates applied to its token counts. */
function expectExactPrice(row: Awaited<ReturnType<typeof oneRow>>, modelName: string) {
  const model = findCatalogModel(modelName)!;
  const priced = priceUsage({
    cost: model.cost,
    usage: { inputTokens: row.inputTokens, cachedInputTokens: row.cachedInputTokens, outputTokens: row.outputTokens, requests: 1 },
    markupPercent: row.markupPercent,
  });
  expect(dec(row.cost).eq(priced.cost.total)).toBe(true);
  expect(dec(row.price).eq(priced.price)).toBe(true);
  expect(dec(row.price).greaterThan(0)).toBe(true);
}

describe('Claude: passed to Anthropic as it is', () => {
  it('messages.create: body forwarded with the provider model id, answer and usage back, metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const { data: msg, response } = await sdk(t)
      .messages.create({
        model: 'claude-sonnet-4.5',
        max_tokens: 300,
        system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: 'hello claude' }],
        metadata: { user_id: 'u-7' },
      })
      .withResponse();
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4.5',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Hello from fake-anthropic: hello claude' }],
    });
    expect(msg.id).toMatch(/^msg_fake_/); // Anthropic's own id: the answer is passed through
    expect(response.headers.get('x-radiant-provider')).toBe('anthropic');
    expect(response.headers.get('request-id')).toMatch(/^req_/);

    const up = fake.requests.find((r) => r.path === '/v1/messages')!;
    expect(up.headers['x-api-key']).toBe('test-anthropic-key');
    expect(up.headers.authorization).toBeUndefined();
    expect(up.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/); // the SDK's own version, forwarded
    expect(up.body).toEqual({
      model: findCatalogModel('claude-sonnet-4.5')!.providerModelId,
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hello claude' }],
      metadata: { user_id: 'u-7' },
    });

    const row = await oneRow(t.tenantId);
    expect(row).toMatchObject({
      endpoint: 'messages',
      status: 'success',
      requestedModel: 'claude-sonnet-4.5',
      inputTokens: msg.usage.input_tokens,
      outputTokens: msg.usage.output_tokens,
    });
    expect(row.metadata).toMatchObject({ passthrough: true });
    expectExactPrice(row, 'claude-sonnet-4.5');
  });

  it('messages.stream: Anthropic events forwarded, tool input accumulated, usage from message_delta', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const stream = sdk(t).messages.stream({
      model: 'claude-sonnet-4.5',
      max_tokens: 200,
      tools: [weather],
      messages: [{ role: 'user', content: 'please call a tool' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const final = await stream.finalMessage();
    expect(final.model).toBe('claude-sonnet-4.5');
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'text', text: 'Calling a tool.' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_fake_/), name: 'get_weather', input: { city: expect.any(String) } },
    ]);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types).toContain('content_block_delta');
    const row = await oneRow(t.tenantId);
    expect(row).toMatchObject({
      endpoint: 'messages',
      status: 'success',
      inputTokens: final.usage.input_tokens,
      outputTokens: final.usage.output_tokens,
      tokensEstimated: false,
    });
    expect(row.metadata).toMatchObject({ stream: true, passthrough: true });
    expectExactPrice(row, 'claude-sonnet-4.5');
  });

  it('accepts x-api-key with anthropic-version, like Anthropic itself', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await fetch(`${g.url}/api/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'prompt-caching-2024-07-31', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 50, messages: [{ role: 'user', content: 'via x-api-key' }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Anthropic.Message).content[0]).toEqual({ type: 'text', text: 'Hello from fake-anthropic: via x-api-key' });
    const up = fake.requests.find((r) => r.path === '/v1/messages')!;
    expect(up.headers['anthropic-version']).toBe('2023-06-01');
    expect(up.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31');
  });
});

describe('GPT and Gemini: translated to their provider and back', () => {
  it('messages.create (GPT, Bearer): OpenAI request upstream, Anthropic message back, metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const msg = await sdk(t, { apiKey: null, authToken: t.key }).messages.create({
      model: 'gpt-4o',
      max_tokens: 120,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hello gpt' }],
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
    });
    expect(msg).toMatchObject({ type: 'message', role: 'assistant', model: 'gpt-4o', stop_reason: 'end_turn', stop_sequence: null });
    expect(msg.id).toMatch(/^msg_[A-Za-z0-9]+$/);
    expect(msg.content).toEqual([{ type: 'text', text: expect.stringContaining('hello gpt') }]);
    const up = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(up.headers.authorization).toBe('Bearer test-openai-key');
    expect(up.body).toMatchObject({
      model: findCatalogModel('gpt-4o')!.providerModelId,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello gpt' },
      ],
      max_completion_tokens: 120,
      stop: ['END'],
      user: 'user-42',
    });
    const row = await oneRow(t.tenantId);
    expect(row).toMatchObject({
      endpoint: 'messages',
      status: 'success',
      requestedModel: 'gpt-4o',
      inputTokens: msg.usage.input_tokens + (msg.usage.cache_read_input_tokens ?? 0),
      outputTokens: msg.usage.output_tokens,
    });
    expect(row.metadata).not.toHaveProperty('passthrough');
    expectExactPrice(row, 'gpt-4o');
  });

  it('messages.stream (GPT) with tools: text and tool_use blocks, stop_reason tool_use, usage metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const stream = sdk(t).messages.stream({
      model: 'gpt-4o',
      max_tokens: 200,
      tools: [weather],
      tool_choice: { type: 'auto' },
      messages: [{ role: 'user', content: 'please call a tool' }],
    });
    const final = await stream.finalMessage();
    expect(final.model).toBe('gpt-4o');
    expect(final.stop_reason).toBe('tool_use');
    const tool = final.content.find((b) => b.type === 'tool_use')!;
    expect(tool).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } });
    const up = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(up.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: 'auto',
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });
    const row = await oneRow(t.tenantId);
    expect(row).toMatchObject({ endpoint: 'messages', status: 'success', inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens });
    expect(row.metadata).toMatchObject({ stream: true });
    expectExactPrice(row, 'gpt-4o');

    // The tool result goes back as a tool message.
    fake.reset();
    const next = await sdk(t).messages.create({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [weather],
      messages: [
        { role: 'user', content: 'please call a tool' },
        { role: 'assistant', content: final.content as Anthropic.ContentBlockParam[] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: tool.type === 'tool_use' ? tool.id : '', content: '21C and sunny' }] },
      ],
    });
    expect(next.stop_reason).toBe('end_turn');
    const msgs = (fake.requests.find((r) => r.path === '/v1/chat/completions')!.body as { messages: Array<Record<string, unknown>> }).messages;
    expect(msgs.at(-1)).toEqual({ role: 'tool', tool_call_id: tool.type === 'tool_use' ? tool.id : '', content: '21C and sunny' });
    expect(msgs.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'get_weather' } }] });
  });

  it('structured outputs (GPT): output_config.format becomes response_format json_schema', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const msg = await sdk(t).messages.create({
      model: 'gpt-4o',
      max_tokens: 100,
      output_config: { format: { type: 'json_schema', schema } },
      messages: [{ role: 'user', content: 'a city' }],
    });
    const text = (msg.content[0] as Anthropic.TextBlock).text;
    expect(JSON.parse(text)).toEqual({ city: expect.any(String) });
    const up = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect((up.body as Record<string, unknown>).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
  });

  it('messages.create and stream (Gemini)', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const msg = await sdk(t).messages.create({ model: 'gemini-2.0-flash', max_tokens: 64, messages: [{ role: 'user', content: 'hello gemini' }] });
    expect(msg.content).toEqual([{ type: 'text', text: expect.stringContaining('hello gemini') }]);
    const texts: string[] = [];
    const stream = sdk(t).messages.stream({ model: 'gemini-2.0-flash', max_tokens: 64, messages: [{ role: 'user', content: 'stream gemini' }] });
    stream.on('text', (x) => texts.push(x));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe((final.content[0] as Anthropic.TextBlock).text);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('Claude-only features on another model are a 400 naming the field, before any call', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const err = await sdk(t)
      .messages.create({
        model: 'gpt-4o',
        max_tokens: 50,
        tools: [{ type: 'web_search_20250305', name: 'web_search' }],
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('Server tools') },
    });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('idempotency and request logs', () => {
  it('replays the same message for the same Idempotency-Key without calling upstream again', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const client = sdk(t);
    const params = { model: 'gpt-4o', max_tokens: 40, messages: [{ role: 'user' as const, content: 'once only' }] };
    const first = await client.messages.create(params, { headers: { 'Idempotency-Key': 'msg-idem-1' } }).withResponse();
    const second = await client.messages.create(params, { headers: { 'Idempotency-Key': 'msg-idem-1' } }).withResponse();
    expect(second.data).toEqual(first.data);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    expect(await pollRows(() => usageRows(h.db, t.tenantId))).toHaveLength(1);
  });

  it('keeps the Anthropic request and answer in the request log when the tenant enabled it', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { requestLoggingEnabled: true } });
    const msg = await sdk(t).messages.create({ model: 'claude-sonnet-4.5', max_tokens: 30, messages: [{ role: 'user', content: 'log me' }] });
    const logs = await pollRows(() => withPlatform((tx) => tx.select().from(requestLogs).where(eq(requestLogs.tenantId, t.tenantId)), h.db));
    expect(logs).toHaveLength(1);
    expect(logs[0]!.requestBody).toMatchObject({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'log me' }] });
    expect(logs[0]!.responseBody).toMatchObject({ type: 'message', content: msg.content });
  });
});

// After every Claude test: the failures put Anthropic in cooldown for this gateway.
describe('fallback across wire formats', () => {
  it('Claude overloaded -> the default chain falls back to GPT, answered in Anthropic shape (create and stream)', async () => {
    const t = await newTenant(h.db, g.baseURL);
    fake.setBehavior({ mode: 'status', status: 529, provider: 'anthropic' });
    try {
      const { data: msg, response } = await sdk(t)
        .messages.create({ model: 'claude-opus-4', max_tokens: 40, messages: [{ role: 'user', content: 'fall back please' }] })
        .withResponse();
      expect(response.headers.get('x-radiant-fallback-from')).toBe('claude-opus-4');
      expect(response.headers.get('x-radiant-model')).toBe('gpt-4o'); // claude-opus-4 -> gpt-4o -> gemini-2.5-pro
      expect(msg).toMatchObject({ type: 'message', model: 'gpt-4o', content: [{ type: 'text', text: expect.stringContaining('fall back please') }] });
      const final = await sdk(t)
        .messages.stream({ model: 'claude-opus-4', max_tokens: 40, messages: [{ role: 'user', content: 'stream fallback' }] })
        .finalMessage();
      expect(final.model).toBe('gpt-4o');
      expect((final.content[0] as Anthropic.TextBlock).text).toContain('stream fallback');
    } finally {
      fake.setBehavior('ok');
    }
    const events = await pollRows(() => usageRows(h.db, t.tenantId), { atLeast: 2 });
    expect(events).toHaveLength(2);
    for (const e of events)
      expect(e).toMatchObject({
        endpoint: 'messages',
        status: 'success',
        requestedModel: 'claude-opus-4',
        fallbackFrom: findCatalogModel('claude-opus-4')!.id,
      });
    expect(fake.requests.filter((r) => r.path === '/v1/messages').length).toBeGreaterThanOrEqual(2);
  });
});

describe('errors in Anthropic shape', () => {
  it('validation 400, unknown model 404, bad key 401, missing scope 403, upstream overload 529', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const bad = await sdk(t)
      .messages.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^max_tokens: /) },
      request_id: expect.stringMatching(/^req_/),
    });
    expect((bad as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^req_/);

    const missing = await sdk(t)
      .messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect((missing as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'not_found_error' } });

    const unauth = await sdk(t, { apiKey: 'rk_live_wrong' })
      .messages.create({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unauth).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((unauth as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { type: 'authentication_error' } });

    const noChat = await newTenant(h.db, g.baseURL, { key: { scopes: ['embeddings'] } });
    const forbidden = await sdk(noChat)
      .messages.create({ model: 'gpt-4o', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(Anthropic.PermissionDeniedError);

    fake.setBehavior({ mode: 'status', status: 503, provider: 'openai' });
    try {
      const res = await fetch(`${g.url}/api/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': t.key, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-nano', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(res.status).toBe(529);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    } finally {
      fake.setBehavior('ok');
    }
  });
});
