/**
 * The gateway through the official `openai` npm client (and raw HTTP where the SDK hides
 * things): chat, streaming with usage, embeddings, typed errors, models list and optimizer
 * (with the cost-leak scan), idempotency, the response cache, request logging, and one pass
 * through the Next route handler functions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../../lib/db/client';
import { dataRetentionPolicies, idempotencyKeys, requestLogs, routingRules, tenants } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { loadCatalog } from '../../lib/catalog/repository';
import type { CatalogModel } from '../../lib/catalog/types';
import { resolveMarkup, type ResolvedMarkup } from '../../lib/pricing/markup';
import { assertNoCostLeak, buildAdminModelPricing } from '../../lib/pricing/views';
import { setGateway, purgeExpiredRequestLogs } from '../../lib/gateway';
import { testDb } from '../support/db';
import { newTenant, rawPost, setTenantModel, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;
let catalog: CatalogModel[];

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake);
  catalog = (await withPlatform((tx) => loadCatalog(tx), h.db)).models;
});
afterAll(async () => {
  setGateway(null);
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('chat completions', () => {
  it('answers through the openai client, names the model that answered, and meters one event', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const { data, response } = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('hello there') }).withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('gpt-4.1');
    expect(data.choices[0]!.message.content).toBe('Hello from fake-openai: hello there');
    expect(data.usage!.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('x-radiant-model')).toBe('gpt-4.1');
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('1000'); // tier 3
    expect(Number(response.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(1000);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('2000000');
    // The upstream got the provider's model id, everything else as sent.
    expect(fake.requests).toHaveLength(1);
    expect((fake.requests[0]!.body as { model: string }).model).toBe('gpt-4.1-2025-04-14');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer test-openai-key');

    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.requestId).toBe(response.headers.get('x-request-id'));
    expect(r.modelId).toBe('openai-gpt-4-1');
    expect(r.providerId).toBe('openai');
    expect(r.apiKeyId).toBe(t.keyId);
    expect(r.userId).toBe(t.userId);
    expect(r.inputTokens).toBe(data.usage!.prompt_tokens);
    expect(r.outputTokens).toBe(data.usage!.completion_tokens);
    expect(r.status).toBe('success');
    expect(r.markupPercent).toBe('40.0000');
    expect(Number(r.price)).toBeGreaterThan(0);
  });

  it('accepts aliases (the provider model id) and the /chat alias route', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const a = await t.client.chat.completions.create({ model: 'gpt-4.1-2025-04-14', messages: user('x') });
    expect(a.model).toBe('gpt-4.1');
    const res = await rawPost(`${g.baseURL}/chat`, t.key, { model: 'GPT-4.1', messages: user('y') });
    expect(res.status).toBe(200);
    expect((res.json() as { model: string }).model).toBe('gpt-4.1');
  });

  it('streams chunks with usage when stream_options.include_usage is set', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const stream = await t.client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: user('stream me please'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      expect(c.model).toBe('gpt-4.1-mini');
      text += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe('Hello from fake-openai: stream me please');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    await g.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.outputTokens).toBe(usage!.completion_tokens);
    expect(r!.tokensEstimated).toBe(false);
    expect(r!.ttfbMs).not.toBeNull();
  });

  it('meters a stream with provider usage even when the client did not ask for usage', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const stream = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('no usage for me'), stream: true });
    for await (const c of stream) expect(c.usage ?? null).toBeNull();
    // The gateway asked the upstream for usage anyway.
    expect((fake.requests[0]!.body as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage).toBe(true);
    await g.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.outputTokens).toBeGreaterThan(0);
    expect(r!.tokensEstimated).toBe(false);
  });

  it('passes tools and response_format through and returns tool calls', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const r = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('please call a tool'), tools, tool_choice: 'auto' });
    expect(r.choices[0]!.finish_reason).toBe('tool_calls');
    expect(r.choices[0]!.message.tool_calls![0]!.type).toBe('function');
    const j = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('json'), response_format: { type: 'json_object' } });
    expect(() => JSON.parse(j.choices[0]!.message.content!)).not.toThrow();
    expect((fake.requests[1]!.body as { response_format: unknown }).response_format).toEqual({ type: 'json_object' });
  });

  it('routes model "auto" with the price optimizer and says which model answered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const { data, response } = await t.client.chat.completions
      .create(
        { model: 'auto', messages: user('cheap please') },
        { headers: { 'x-radiant-price-preference': 'minimize', 'x-radiant-capabilities': 'function_calling' } },
      )
      .withResponse();
    expect(response.headers.get('x-radiant-model')).toBe(data.model);
    expect(data.model).not.toBe('auto');
    await g.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.requestedModel).toBe('auto');
    expect(catalog.find((m) => m.id === r!.modelId)!.name).toBe(data.model);
    expect(catalog.find((m) => m.id === r!.modelId)!.capabilities).toContain('function_calling');
  });
});

describe('embeddings', () => {
  it('returns embeddings and meters the input tokens', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const r = await t.client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(r.data).toHaveLength(2);
    expect(r.model).toBe('text-embedding-3-small');
    expect(r.data[0]!.embedding.length).toBeGreaterThan(0);
    await g.gw.flushMetering();
    const [row] = await usageRows(h.db, t.tenantId);
    expect(row!.endpoint).toBe('embeddings');
    expect(row!.inputTokens).toBe(r.usage.prompt_tokens);
    expect(row!.providerId).toBe('openai-embeddings');
  });

  it('refuses a chat model on the embeddings endpoint (400) and an embedding model on chat', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await expect(t.client.embeddings.create({ model: 'gpt-4.1', input: 'x' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(t.client.chat.completions.create({ model: 'text-embedding-3-small', messages: user('x') })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });
});

describe('typed errors', () => {
  it('401 for a bad key', async () => {
    const client = new OpenAI({ apiKey: 'rk_live_not_a_real_key', baseURL: g.baseURL, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'gpt-4.1', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as APIError).code).toBe('invalid_api_key');
    expect((err as APIError).requestID ?? (err as APIError).headers?.get('x-request-id')).toBeTruthy();
    const noKey = await fetch(`${g.baseURL}/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('404 model_not_found for an unknown model, a disabled one and one the tenant may not use', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const err = await t.client.chat.completions.create({ model: 'gpt-99-ultra', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as APIError).code).toBe('model_not_found');
    await setTenantModel(h.db, t.tenantId, 'openai-gpt-4-1-nano', { enabled: false });
    await g.gw.reloadConfig();
    await expect(t.client.chat.completions.create({ model: 'gpt-4.1-nano', messages: user('x') })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const list = await t.client.models.list();
    expect(list.data.map((m) => m.id)).not.toContain('gpt-4.1-nano');
    expect(list.data.map((m) => m.id)).toContain('gpt-4.1');
  });

  it('400 for a malformed body (schema and JSON)', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const err = await t.client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user' } as unknown as OpenAI.ChatCompletionMessageParam] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).type).toBe('invalid_request_error');
    const bad = await rawPost(`${g.baseURL}/chat/completions`, t.key, '{"model": "gpt-4.1", "messages": [');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    expect(fake.requests).toHaveLength(0);
  });

  it('429 with Retry-After and x-ratelimit headers when a key is over its rpm', async () => {
    const t = await newTenant(h.db, g.baseURL, { key: { rateLimitRpm: 2 } });
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('1') });
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('2') });
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('3') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as APIError;
    expect(e.code).toBe('rate_limit_exceeded');
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(e.headers?.get('x-ratelimit-limit-requests')).toBe('2');
    expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(e.headers?.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    expect(fake.requests).toHaveLength(2);
  });

  it('403 for a missing scope and for a suspended tenant; 503 for an unconfigured provider, naming no environment variable', async () => {
    const t = await newTenant(h.db, g.baseURL, { key: { scopes: ['embeddings'] } });
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as APIError).code).toBe('insufficient_scope');

    const s = await newTenant(h.db, g.baseURL);
    await withPlatform((tx) => tx.update(tenants).set({ status: 'suspended' }).where(eq(tenants.id, s.tenantId)), h.db);
    const { invalidateTenant } = await import('../../lib/gateway');
    invalidateTenant(s.tenantId);
    const err2 = await s.client.chat.completions.create({ model: 'gpt-4.1', messages: user('x') }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err2 as APIError).code).toBe('account_suspended');

    const x = await newTenant(h.db, g.baseURL);
    const err3 = await x.client.chat.completions.create({ model: 'grok-4', messages: user('x') }).catch((e: unknown) => e);
    expect(err3).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err3 as APIError).status).toBe(503);
    expect((err3 as APIError).code).toBe('provider_not_configured');
    // The variable to set is for operators (server log), not tenants.
    expect((err3 as APIError).message).not.toContain('XAI_API_KEY');
    expect((err3 as APIError).message).toContain('not available on this gateway');
  });

  it('403 model_blocked from a routing rule; route rules redirect', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await withPlatform(
      (tx) =>
        tx.insert(routingRules).values([
          { tenantId: t.tenantId, name: 'no o3', action: 'block', conditions: { models: ['o3'] }, priority: 10 },
          { tenantId: t.tenantId, name: 'mini instead', action: 'route', conditions: { models: ['gpt-4.1'] }, targetModel: 'gpt-4.1-mini', priority: 20 },
        ]),
      h.db,
    );
    await g.gw.reloadConfig();
    const err = await t.client.chat.completions.create({ model: 'o3', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((err as APIError).code).toBe('model_blocked');
    const r = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('x') });
    expect(r.model).toBe('gpt-4.1-mini');
    // Other tenants are not affected.
    const other = await newTenant(h.db, g.baseURL);
    expect((await other.client.chat.completions.create({ model: 'gpt-4.1', messages: user('x') })).model).toBe('gpt-4.1');
  });
});

/**
 * Cost-leak checks for one model's client view: no cost/markup/margin KEY anywhere
 * (assertNoCostLeak), the markup percent nowhere as a value, and no price field carrying that
 * unit's COST or MARGIN (in any per-token scale). Values are compared field by field because,
 * across units, a price of one figure can equal the cost of another by pure arithmetic
 * coincidence (e.g. an input price of 0.25 x 1.4 = 0.35 and a 1M+1M reference cost of 0.35).
 */
function assertNoLeakFor(item: { pricing: Record<string, unknown> }, model: CatalogModel, markup: ResolvedMarkup): void {
  assertNoCostLeak(item, [markup.markupPercent.toFixed()]);
  const admin = buildAdminModelPricing({ model, markup });
  const cost = admin.cost as unknown as Record<string, string | null>;
  const margin = admin.margin as unknown as Record<string, string | null>;
  const prices = item.pricing.prices as Record<string, unknown>;
  for (const [k, v] of Object.entries(prices)) {
    if (typeof v !== 'string') continue;
    const same = [cost[k], margin[k], cost[k.replace('1M', '1k')], margin[k.replace('1M', '1k')]].filter((x): x is string => !!x && x !== '0');
    assertNoCostLeak({ [k]: v }, same);
  }
  assertNoCostLeak(
    { referencePrice: item.pricing.referencePrice },
    [admin.reference.cost, admin.reference.margin].filter((x) => x !== '0'),
  );
}

describe('models and pricing (price only)', () => {
  it('lists models in OpenAI shape with price-only pricing, and leaks no cost, markup or margin', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await setTenantModel(h.db, t.tenantId, 'anthropic-claude-sonnet-4-5', { markupPercent: '30', markupReason: 'deal', markupSetAt: new Date() });
    await g.gw.reloadConfig();
    const res = await fetch(`${g.baseURL}/models`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; object: string; owned_by: string; pricing: Record<string, unknown> }> };
    expect(body.object).toBe('list');
    expect(body.data.length).toBeGreaterThan(20);
    const ids = body.data.map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4.1', 'claude-sonnet-4.5', 'gemini-2.5-flash', 'text-embedding-3-small']));
    assertNoCostLeak(body, []); // no forbidden key anywhere
    const overrides = await withPlatform(async (tx) => {
      const { loadPlatformOverrides, loadTenantOverrides } = await import('../../lib/catalog/repository');
      return [...(await loadPlatformOverrides(tx)), ...(await loadTenantOverrides(tx, t.tenantId))];
    }, h.db);
    let scanned = 0;
    for (const item of body.data) {
      const model = catalog.find((m) => m.name === item.id)!;
      const markup = resolveMarkup({ model, tenantId: t.tenantId, overrides, at: new Date() });
      assertNoLeakFor(item, model, markup);
      scanned++;
    }
    expect(scanned).toBe(body.data.length);
    // The tenant override is reflected in the price (30% instead of 40%).
    const sonnet = body.data.find((d) => d.id === 'claude-sonnet-4.5')!;
    expect((sonnet.pricing.prices as { inputPer1M: string }).inputPer1M).toBe('3.9'); // $3/1M x 1.30
    const one = await t.client.models.retrieve('claude-sonnet-4.5');
    expect(one.id).toBe('claude-sonnet-4.5');
    // Through the SDK too.
    const page = await t.client.models.list();
    expect(page.data.length).toBe(body.data.length);
  });

  it('optimizes by price for API clients, price only', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await rawPost(`${g.baseURL}/pricing/optimize`, t.key, {
      request: { estimatedInputTokens: 2347, estimatedOutputTokens: 511, requiresToolCalls: true },
      requiredCapabilities: ['vision'],
      pricePreference: 'minimize',
      includeEstimatedPricing: false,
    });
    expect(res.status).toBe(200);
    const body = res.json() as { selected: { model: string; price: string }; candidates: Array<{ model: string }> };
    expect(body.selected.model).toBeTruthy();
    assertNoCostLeak(body, []);
    const overrides = await withPlatform(async (tx) => (await import('../../lib/catalog/repository')).loadPlatformOverrides(tx), h.db);
    for (const c of body.candidates as Array<{ model: string; price: string; priceBreakdown: Record<string, unknown> }>) {
      const model = catalog.find((m) => m.name === c.model)!;
      const markup = resolveMarkup({ model, tenantId: t.tenantId, overrides, at: new Date() });
      assertNoCostLeak(c, [markup.markupPercent.toFixed()]);
      // The request's price is cost x (1 + markup): never the cost itself.
      const { priceUsage } = await import('../../lib/pricing/price');
      const priced = priceUsage({
        cost: model.cost,
        usage: { inputTokens: 2347, outputTokens: 511, requests: 1, toolCalls: model.cost.perToolCall ? 1 : 0 },
        markupPercent: markup.markupPercent,
      });
      expect(c.price).toBe(priced.price.toFixed());
      expect(c.price).not.toBe(priced.cost.total.toFixed());
    }
    const bad = await rawPost(`${g.baseURL}/pricing/optimize`, t.key, { request: {} });
    expect(bad.status).toBe(400);
    const none = await rawPost(`${g.baseURL}/pricing/optimize`, t.key, {
      request: { estimatedInputTokens: 10, estimatedOutputTokens: 10 },
      requiredCapabilities: ['teleportation'],
      pricePreference: 'balance',
      includeEstimatedPricing: false,
    });
    expect(none.status).toBe(422);
    expect(none.json()).toMatchObject({ error: { code: 'no_eligible_model' } });
  });
});

describe('idempotency, response cache, request logging', () => {
  it('replays the stored response for the same Idempotency-Key and body, refuses a different body', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const body = { model: 'gpt-4.1', messages: user('once only') };
    const a = await rawPost(`${g.baseURL}/chat/completions`, t.key, body, { 'idempotency-key': 'k-1' });
    const b = await rawPost(`${g.baseURL}/chat/completions`, t.key, body, { 'idempotency-key': 'k-1' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(b.headers.get('x-request-id')).toBe(a.headers.get('x-request-id'));
    const c = await rawPost(`${g.baseURL}/chat/completions`, t.key, { ...body, temperature: 0.5 }, { 'idempotency-key': 'k-1' });
    expect(c.status).toBe(422);
    expect(c.json()).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    expect(fake.requests).toHaveLength(1);
    await g.gw.flushMetering();
    expect(await usageRows(h.db, t.tenantId)).toHaveLength(1);
    // Streams replay too.
    const sbody = { model: 'gpt-4.1', messages: user('stream once'), stream: true };
    const s1 = await rawPost(`${g.baseURL}/chat/completions`, t.key, sbody, { 'idempotency-key': 'k-2' });
    const s2 = await rawPost(`${g.baseURL}/chat/completions`, t.key, sbody, { 'idempotency-key': 'k-2' });
    expect(s1.text).toContain('data: [DONE]');
    expect(s2.text).toBe(s1.text);
    expect(s2.headers.get('content-type')).toContain('text/event-stream');
    const rows = await withPlatform((tx) => tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.tenantId, t.tenantId)), h.db);
    expect(rows.map((r) => r.responseStatus)).toEqual([200, 200]);
  });

  it('serves exact repeats from the response cache for opted-in tenants, metered as free cache hits', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { responseCacheEnabled: true } });
    const body = { model: 'gpt-4.1-mini', messages: user('cache me'), temperature: 0 };
    const a = await rawPost(`${g.baseURL}/chat/completions`, t.key, body);
    const b = await rawPost(`${g.baseURL}/chat/completions`, t.key, body);
    expect(a.headers.get('x-radiant-cache')).toBe('miss');
    expect(b.headers.get('x-radiant-cache')).toBe('hit');
    expect(b.text).toBe(a.text);
    const c = await rawPost(`${g.baseURL}/chat/completions`, t.key, body, { 'cache-control': 'no-cache' });
    expect(c.headers.get('x-radiant-cache')).toBeNull();
    expect(fake.requests).toHaveLength(2);
    // Another tenant never sees this tenant's cache.
    const o = await newTenant(h.db, g.baseURL, { tenant: { responseCacheEnabled: true } });
    expect((await rawPost(`${g.baseURL}/chat/completions`, o.key, body)).headers.get('x-radiant-cache')).toBe('miss');
    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows).toHaveLength(3);
    const hit = rows.find((r) => r.cacheHit)!;
    expect(hit.price).toBe('0');
    expect(hit.cost).toBe('0');
    expect(hit.outputTokens).toBe(rows.find((r) => !r.cacheHit)!.outputTokens);
  });

  it('keeps prompts and responses for opted-in tenants until their retention expires', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { requestLoggingEnabled: true } });
    await withPlatform((tx) => tx.insert(dataRetentionPolicies).values({ tenantId: t.tenantId, dataType: 'request_logs', retentionDays: 7 }), h.db);
    await g.gw.reloadConfig();
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('remember this') });
    const s = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('and this stream'), stream: true });
    for await (const _ of s) void _;
    const off = await newTenant(h.db, g.baseURL);
    await off.client.chat.completions.create({ model: 'gpt-4.1', messages: user('not logged') });
    await g.gw.flushMetering();
    const logs = await withPlatform((tx) => tx.select().from(requestLogs).where(eq(requestLogs.tenantId, t.tenantId)), h.db);
    expect(logs).toHaveLength(2);
    const first = logs.find((l) => JSON.stringify(l.requestBody).includes('remember this'))!;
    expect(JSON.stringify(first.responseBody)).toContain('Hello from fake-openai: remember this');
    const days = (first.expiresAt.getTime() - first.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);
    expect(await withPlatform((tx) => tx.select().from(requestLogs).where(eq(requestLogs.tenantId, off.tenantId)), h.db)).toHaveLength(0);
    // The purge job deletes what has expired (here: as if 8 days had passed).
    const purged = await purgeExpiredRequestLogs({ db: h.db, now: new Date(Date.now() + 8 * 86_400_000) });
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(
      await withPlatform(
        (tx) =>
          tx
            .select()
            .from(requestLogs)
            .where(and(eq(requestLogs.tenantId, t.tenantId))),
        h.db,
      ),
    ).toHaveLength(0);
  });
});

describe('observability', () => {
  it('gateway traffic moves the Prometheus series (requests, upstream attempts, rate limits)', async () => {
    const { renderMetrics } = await import('../../lib/observability/metrics');
    const count = (text: string, re: RegExp) =>
      text
        .split('\n')
        .filter((l) => re.test(l))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const before = await renderMetrics();
    const t = await newTenant(h.db, g.baseURL, { key: { rateLimitRpm: 1 } });
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('metrics') });
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('limited') }).catch(() => {});
    const after = await renderMetrics();
    const req = /^radiant_http_requests_total\{.*route="\/api\/v1\/chat\/completions".*model="gpt-4.1".*status="200"/;
    expect(count(after, req)).toBe(count(before, req) + 1);
    const up = /^radiant_upstream_requests_total\{.*provider="openai".*outcome="success"/;
    expect(count(after, up)).toBe(count(before, up) + 1);
    const rl = /^radiant_rate_limited_total\{scope="key"\}/;
    expect(count(after, rl)).toBe(count(before, rl) + 1);
    expect(after).toContain('radiant_metering_queue_depth');
  });

  it('writes one structured access line per request, without prompts or keys', async () => {
    const { createLogger, setLogger } = await import('../../lib/observability/logger');
    const lines: string[] = [];
    setLogger(createLogger({ level: 'info' }, { write: (l: string) => void lines.push(l) } as never));
    try {
      const t = await newTenant(h.db, g.baseURL);
      await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('top secret prompt') });
      const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request' && l.tenantId === t.tenantId);
      expect(line).toMatchObject({ route: '/api/v1/chat/completions', status: 200, model: 'gpt-4.1', provider: 'openai', method: 'POST' });
      expect(line!.requestId).toMatch(/^req_/);
      expect(typeof line!.latencyMs).toBe('number');
      const all = lines.join('\n');
      expect(all).not.toContain('top secret prompt');
      expect(all).not.toContain(t.key);
    } finally {
      setLogger(null);
    }
  });
});

describe('the Next route handlers run the same core', () => {
  it('POST /api/v1/chat/completions and GET /api/v1/models through the route functions', async () => {
    setGateway(g.gw);
    const t = await newTenant(h.db, g.baseURL);
    const { POST } = await import('../../app/api/v1/chat/completions/route');
    const res = await POST(
      new Request('http://localhost/api/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: user('via next') }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    expect(res.headers.get('x-radiant-model')).toBe('gemini-2.5-flash');
    const json = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
    expect(json.choices[0]!.message.content).toBe('Hello from fake-gemini: via next');

    const streamed = await POST(
      new Request('http://localhost/api/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-haiku-4.5', messages: user('stream via next'), stream: true, stream_options: { include_usage: true } }),
      }),
    );
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const text = await streamed.text();
    expect(text).toContain('data: [DONE]');
    expect(text).toContain('"usage":{"prompt_tokens"');

    const bad = await POST(new Request('http://localhost/api/v1/chat/completions', { method: 'POST', body: '{}' }));
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');

    const models = await import('../../app/api/v1/models/route');
    const list = await models.GET(new Request('http://localhost/api/v1/models', { headers: { authorization: `Bearer ${t.key}` } }));
    expect(list.status).toBe(200);
    expect(((await list.json()) as { object: string }).object).toBe('list');
    await g.gw.flushMetering();
    expect(await usageRows(h.db, t.tenantId)).toHaveLength(2);
  });
});
