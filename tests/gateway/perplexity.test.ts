/**
 * Perplexity's sonar models stay chat models: OpenAI pass-through to Perplexity's
 * `/chat/completions` (no /v1 prefix), streamed and not, metered with tokens PLUS the per-request
 * search fee. The search-only APIs (Exa, Tavily) are not chat models: a chat request for them is
 * a 400 naming the model, never an upstream call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../lib/db/client';
import { findCatalogModel } from '../../lib/catalog';
import { dec } from '../../lib/pricing/money';
import { priceUsage } from '../../lib/pricing/price';
import { pollRows } from '../support/poll';
import { testDb } from '../support/db';
import { fakeEnv, newTenant, rawPost, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake, { env: fakeEnv(fake, { PERPLEXITY_API_KEY: 'test-pplx-key', PERPLEXITY_BASE_URL: fake.openaiBaseUrl }) });
});
afterAll(async () => {
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

describe('Perplexity sonar on chat', () => {
  it('non-streamed: passed through to Perplexity and metered with the search fee', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const { data, response } = await t.client.chat.completions
      .create({ model: 'sonar', messages: [{ role: 'user', content: 'latest news on fusion' }] })
      .withResponse();
    expect(response.headers.get('x-radiant-provider')).toBe('perplexity');
    expect(data.model).toBe('sonar');
    expect(data.choices[0]!.message.content).toContain('latest news on fusion');
    const up = fake.requests.find((r) => r.path === '/v1/chat/completions')!;
    expect(up.headers.authorization).toBe('Bearer test-pplx-key');
    expect((up.body as Record<string, unknown>).model).toBe('sonar');

    const rows = await pollRows(() => usageRows(h.db, t.tenantId));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.status).toBe('success');
    expect(row.inputTokens).toBe(data.usage!.prompt_tokens);
    expect(row.outputTokens).toBe(data.usage!.completion_tokens);
    const model = findCatalogModel('sonar')!;
    const priced = priceUsage({
      cost: model.cost,
      usage: { inputTokens: row.inputTokens, cachedInputTokens: 0, outputTokens: row.outputTokens, requests: 1 },
      markupPercent: row.markupPercent,
    });
    expect(dec(row.cost).eq(priced.cost.total)).toBe(true);
    const tokensOnly = priceUsage({
      cost: model.cost,
      usage: { inputTokens: row.inputTokens, cachedInputTokens: 0, outputTokens: row.outputTokens, requests: 0 },
      markupPercent: row.markupPercent,
    });
    expect(dec(row.cost).minus(tokensOnly.cost.total).toFixed()).toBe('0.005');
  });

  it('streamed: sonar-pro streams with usage', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const stream = await t.client.chat.completions.create({
      model: 'sonar-pro',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toContain('stream me');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    const rows = await pollRows(() => usageRows(h.db, t.tenantId));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('success');
    expect(rows[0]!.outputTokens).toBe(usage!.completion_tokens);
  });

  it('search APIs are not chat models: 400 naming the model, nothing sent upstream', async () => {
    const t = await newTenant(h.db, g.baseURL);
    for (const model of ['exa-search', 'tavily-search']) {
      const r = await rawPost(`${g.baseURL}/chat/completions`, t.key, { model, messages: [{ role: 'user', content: 'x' }] });
      expect(r.status, model).toBe(400);
      expect(r.json()).toMatchObject({ error: { code: 'model_not_supported', param: 'model' } });
    }
    expect(fake.requests).toHaveLength(0);
  });
});
