/**
 * POST /api/v1/search (Exa, Tavily) and /api/v1/embeddings for Voyage, through HTTP against fakes
 * speaking each provider's wire format: the `search` scope, validation before any call, retries,
 * budget reservation by the request, and exact metering (request_count x the per-request price;
 * tokens for Voyage).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findCatalogModel } from '../../lib/catalog';
import type { DbHandle } from '../../lib/db/client';
import { dec } from '../../lib/pricing/money';
import { priceUsage } from '../../lib/pricing/price';
import { startFakeExa, type FakeExa } from '../fake-providers/exa';
import { startFakeTavily, type FakeTavily } from '../fake-providers/tavily';
import { startFakeVoyage, voyageEmbedding, voyageTokens, type FakeVoyage } from '../fake-providers/voyage';
import { pollRows } from '../support/poll';
import { testDb } from '../support/db';
import { fakeEnv, newTenant, rawPost, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let exa: FakeExa;
let tavily: FakeTavily;
let voyage: FakeVoyage;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  [fake, exa, tavily, voyage] = await Promise.all([startFakeUpstream(), startFakeExa(), startFakeTavily(), startFakeVoyage()]);
  g = await startGateway(h.db, fake, {
    env: fakeEnv(fake, {
      EXA_API_KEY: 'test-exa-key',
      EXA_BASE_URL: exa.url,
      TAVILY_API_KEY: 'tvly-test-key',
      TAVILY_BASE_URL: tavily.url,
      VOYAGE_API_KEY: 'test-voyage-key',
      VOYAGE_BASE_URL: voyage.baseUrl,
    }),
  });
});
afterAll(async () => {
  await g?.close();
  await Promise.all([fake?.close(), exa?.close(), tavily?.close(), voyage?.close()]);
});
beforeEach(() => {
  exa.reset();
  tavily.reset();
  voyage.reset();
});

async function rows(tenantId: string, n = 1) {
  const r = await pollRows(() => usageRows(h.db, tenantId), { atLeast: n });
  expect(r).toHaveLength(n);
  return r;
}

describe('POST /api/v1/search', () => {
  it('exa-search: normalized answer, metered as one request at the per-request price', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const r = await rawPost(`${g.baseURL}/search`, t.key, {
      model: 'exa-search',
      query: 'retrieval augmented generation',
      max_results: 3,
      include_domains: ['arxiv.org'],
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-radiant-provider')).toBe('exa');
    const body = r.json() as {
      id: string;
      object: string;
      model: string;
      query: string;
      results: Array<Record<string, unknown>>;
      provider: Record<string, unknown>;
    };
    expect(body).toMatchObject({ object: 'search.result', model: 'exa-search', query: 'retrieval augmented generation' });
    expect(body.id).toMatch(/^search_/);
    expect(body.results).toHaveLength(3);
    for (const x of body.results) {
      expect(Object.keys(x).sort()).toEqual(['provider', 'published_at', 'score', 'snippet', 'title', 'url']);
      expect(String(x.url)).toMatch(/^https:\/\/arxiv\.org\//);
    }
    expect(r.text).not.toMatch(/cost/i);
    expect(exa.requests[0]!.body).toMatchObject({ query: 'retrieval augmented generation', numResults: 3, includeDomains: ['arxiv.org'] });

    const [row] = await rows(t.tenantId);
    expect(row).toMatchObject({
      endpoint: 'search',
      status: 'success',
      requestCount: 1,
      inputTokens: 0,
      outputTokens: 0,
      requestedModel: 'exa-search',
      providerId: 'exa',
    });
    const model = findCatalogModel('exa-search')!;
    expect(dec(row!.cost).eq(dec(model.cost.perRequest!))).toBe(true);
    const priced = priceUsage({ cost: model.cost, usage: { inputTokens: 0, outputTokens: 0, requests: 1 }, markupPercent: row!.markupPercent });
    expect(dec(row!.price).eq(priced.price)).toBe(true);
  });

  it('tavily-search: Bearer upstream, provider extras kept, more than 20 results refused before any call', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const r = await rawPost(`${g.baseURL}/search`, t.key, {
      model: 'tavily-search',
      query: 'election results',
      max_results: 2,
      provider_options: { topic: 'news', include_answer: true },
    });
    expect(r.status).toBe(200);
    const body = r.json() as { results: Array<{ published_at: string | null }>; provider: Record<string, unknown> };
    expect(body.results).toHaveLength(2);
    expect(body.results[0]!.published_at).toMatch(/^2025-01-15T/);
    expect(body.provider.answer).toContain('election results');
    expect(tavily.requests[0]!.headers.authorization).toBe('Bearer tvly-test-key');

    const tooMany = await rawPost(`${g.baseURL}/search`, t.key, { model: 'tavily-search', query: 'x', max_results: 50 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'max_results' } });
    expect(tavily.requests).toHaveLength(1);
    const all = await rows(t.tenantId, 2);
    expect(all.map((x) => x.status).sort()).toEqual(['error', 'success']);
    expect(dec(all.find((x) => x.status === 'error')!.price).isZero()).toBe(true);
  });

  it('bad input is a 400 naming the field; a chat model is not a search model', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const typo = await rawPost(`${g.baseURL}/search`, t.key, { model: 'exa-search', query: 'x', max_result: 3 });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(typo.json())).toContain('max_result');
    const empty = await rawPost(`${g.baseURL}/search`, t.key, { model: 'exa-search', query: '' });
    expect(empty.status).toBe(400);
    const chat = await rawPost(`${g.baseURL}/search`, t.key, { model: 'gpt-4o', query: 'x' });
    expect(chat.status).toBe(400);
    expect(chat.json()).toMatchObject({ error: { code: 'model_not_supported', param: 'model' } });
    expect(exa.requests).toHaveLength(0);
  });

  it('needs the search scope: keys made before it (chat, embeddings, models) keep what they had', async () => {
    const old = await newTenant(h.db, g.baseURL, { key: { scopes: ['chat', 'embeddings', 'models'] } });
    const r = await rawPost(`${g.baseURL}/search`, old.key, { model: 'exa-search', query: 'x' });
    expect(r.status).toBe(403);
    expect(r.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    expect(exa.requests).toHaveLength(0);
  });

  it('retries a provider 500 and 429 (Retry-After), then answers; one event with the attempts', async () => {
    const t = await newTenant(h.db, g.baseURL);
    exa.setBehavior([
      { status: 500, times: 1 },
      { status: 429, retryAfter: 0, times: 1 },
    ]);
    const r = await rawPost(`${g.baseURL}/search`, t.key, { model: 'exa-search', query: 'resilience' });
    expect(r.status).toBe(200);
    expect(exa.requests).toHaveLength(3);
    const [row] = await rows(t.tenantId);
    expect(row).toMatchObject({ status: 'success', attemptCount: 3 });
  });

  it('a provider that keeps failing: the error in OpenAI shape, the event free', async () => {
    const t = await newTenant(h.db, g.baseURL);
    tavily.setBehavior({ status: 502 });
    try {
      const r = await rawPost(`${g.baseURL}/search`, t.key, { model: 'tavily-search', query: 'down' });
      expect(r.status).toBe(502);
      expect(r.json()).toMatchObject({ error: { type: 'server_error' } });
    } finally {
      tavily.setBehavior(null);
    }
    const [row] = await rows(t.tenantId);
    expect(row).toMatchObject({ status: 'error', httpStatus: 502 });
    expect(dec(row!.price).isZero()).toBe(true);
  });

  it('budget holds by the request under 20 concurrent searches: exactly as many as the budget buys', async () => {
    // The price of one search for a fresh tenant (platform markup), read from a metered event.
    const probe = await newTenant(h.db, g.baseURL);
    expect((await rawPost(`${g.baseURL}/search`, probe.key, { model: 'exa-search', query: 'probe' })).status).toBe(200);
    const [p] = await rows(probe.tenantId);
    const price = dec(p!.price);
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: price.times(5).toFixed() } });
    exa.reset();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => rawPost(`${g.baseURL}/search`, t.key, { model: 'exa-search', query: `q${i}` })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(exa.requests).toHaveLength(5);
    const charged = await rows(t.tenantId, 5);
    const total = charged.reduce((sum, r) => sum.plus(dec(r.price)), dec('0'));
    expect(total.eq(price.times(5))).toBe(true);
  });

  it('reserves the budget by the request: over budget is 429 insufficient_quota, nothing sent', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: '0.0001' } });
    const r = await rawPost(`${g.baseURL}/search`, t.key, { model: 'exa-search', query: 'x' });
    expect(r.status).toBe(429);
    expect(r.json()).toMatchObject({ error: { type: 'insufficient_quota' } });
    expect(exa.requests).toHaveLength(0);
  });
});

describe('POST /api/v1/embeddings with Voyage', () => {
  it('openai embeddings.create with voyage-3 (base64 by default) decodes to the provider vectors; tokens metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await t.client.embeddings.create({ model: 'voyage-3', input: ['first passage', 'second passage'] });
    expect(res.model).toBe('voyage-3');
    expect(res.data).toHaveLength(2);
    expect(res.data[0]!.embedding).toEqual(voyageEmbedding('first passage', 1024));
    expect(res.data[1]!.embedding).toEqual(voyageEmbedding('second passage', 1024));
    const tokens = voyageTokens('first passage') + voyageTokens('second passage');
    expect(res.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(voyage.requests[0]!.headers.authorization).toBe('Bearer test-voyage-key');

    const code = await t.client.embeddings.create({ model: 'voyage-code-3', input: 'fn main() {}', dimensions: 256, encoding_format: 'float' });
    expect(code.data[0]!.embedding).toHaveLength(256);
    expect(voyage.requests[1]!.body).toEqual({ input: 'fn main() {}', model: 'voyage-code-3', output_dimension: 256 });

    const all = await rows(t.tenantId, 2);
    const first = all.find((x) => x.requestedModel === 'voyage-3')!;
    expect(first).toMatchObject({ endpoint: 'embeddings', status: 'success', inputTokens: tokens, outputTokens: 0, providerId: 'voyage' });
    const model = findCatalogModel('voyage-3')!;
    const priced = priceUsage({ cost: model.cost, usage: { inputTokens: tokens, outputTokens: 0, requests: 1 }, markupPercent: first.markupPercent });
    expect(dec(first.cost).eq(priced.cost.total)).toBe(true);
    expect(dec(first.price).eq(priced.price)).toBe(true);
  });

  it("a Voyage validation error is the client's 400", async () => {
    const t = await newTenant(h.db, g.baseURL);
    const r = await rawPost(`${g.baseURL}/embeddings`, t.key, { model: 'voyage-3', input: 'x', dimensions: 300 });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json())).toContain('output_dimension');
  });
});
