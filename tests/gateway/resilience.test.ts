/**
 * Failure handling: fallback after upstream 500s, retry honouring Retry-After, cooldown of a
 * failing provider, hung and truncated upstreams, client abort mid-stream (upstream aborted,
 * partial output metered), content-policy refusals (recorded; fallback per routing rule).
 * Each test gets its own gateway: cooldown and health are per instance.
 */
import crypto from 'node:crypto';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import OpenAI, { type APIError } from 'openai';
import { and, eq, gt } from 'drizzle-orm';
import type { DbHandle } from '../../lib/db/client';
import {
  administrators,
  modelRejectionStats,
  notifications,
  providerHealth,
  providers,
  providerRejections,
  routingRules,
  userRejectionNotifications,
} from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import type { GatewayOptions } from '../../lib/gateway';
import { testDb } from '../support/db';
import { pollRows } from '../support/poll';
import { newTenant, rawPost, sleep, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway | null = null;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(async () => {
  await g?.close();
  g = null;
  fake.reset();
});

async function gateway(options: GatewayOptions = {}): Promise<RunningGateway> {
  g = await startGateway(h.db, fake, options);
  return g;
}

const user = (content: string) => [{ role: 'user' as const, content }];

/** Someone to tell (operators hear about providers), so provider notifications are recorded. */
async function ensureOperator(): Promise<void> {
  await withPlatform(
    (tx) =>
      tx.insert(administrators).values({ email: `ops-${crypto.randomUUID()}@resilience.test`, name: 'On-call operator', role: 'operator', status: 'active' }),
    h.db,
  );
}

/**
 * Notifications of `event` about a provider recorded in the last 15 minutes. (Repeats about the
 * same provider inside the dedupe window are dropped, and on a shared test database another
 * file may have caused the first one: either way one must exist, and none without the hook.)
 */
async function providerNotices(event: 'provider.cooldown' | 'provider.unhealthy', providerId: string) {
  const [p] = await withPlatform((tx) => tx.select({ name: providers.displayName }).from(providers).where(eq(providers.id, providerId)), h.db);
  const title = event === 'provider.cooldown' ? `Provider ${p!.name} is cooling down` : `Provider ${p!.name} is unhealthy`;
  return pollRows(() =>
    withPlatform(
      (tx) =>
        tx
          .select()
          .from(notifications)
          .where(and(eq(notifications.event, event), eq(notifications.title, title), gt(notifications.createdAt, new Date(Date.now() - 15 * 60_000)))),
      h.db,
    ),
  );
}

describe('retries, fallback and cooldown', () => {
  it('falls back along the default chain after upstream 500s (gpt-4o -> claude-sonnet-4)', async () => {
    const gw = await gateway({ maxRetries: 2 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'status', status: 500, provider: 'openai' });
    const { data, response } = await t.client.chat.completions.create({ model: 'gpt-4o', messages: user('fallback please') }).withResponse();
    expect(data.model).toBe('claude-sonnet-4');
    expect(response.headers.get('x-radiant-model')).toBe('claude-sonnet-4');
    expect(response.headers.get('x-radiant-fallback-from')).toBe('gpt-4o');
    expect(fake.requests.map((r) => r.provider)).toEqual(['openai', 'openai', 'openai', 'anthropic']);
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.modelId).toBe('anthropic-claude-sonnet-4');
    expect(r!.fallbackFrom).toBe('openai-gpt-4o');
    expect(r!.attemptCount).toBe(4);
    expect(r!.requestedModel).toBe('gpt-4o');
  });

  it('retries after a 429 and honours Retry-After', async () => {
    const gw = await gateway({ maxRetries: 2, retryBaseMs: 10 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'rate_limit', retryAfter: 1, times: 1, provider: 'openai' });
    const started = Date.now();
    const r = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('patience') });
    expect(r.choices[0]!.message.content).toContain('patience');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.timestamp - fake.requests[0]!.timestamp).toBeGreaterThanOrEqual(950);
    await gw.gw.flushMetering();
    expect((await usageRows(h.db, t.tenantId))[0]!.attemptCount).toBe(2);
  });

  it('moves to the next model instead of waiting out a Retry-After above the cap', async () => {
    const gw = await gateway({ maxRetries: 2, maxRetryAfterMs: 500 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'rate_limit', retryAfter: 30, provider: 'openai' });
    const started = Date.now();
    const r = await t.client.chat.completions.create({ model: 'gpt-4o', messages: user('no waiting') });
    expect(r.model).toBe('claude-sonnet-4');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.requests.map((x) => x.provider)).toEqual(['openai', 'anthropic']);
  });

  it('retries a reset connection', async () => {
    const gw = await gateway({ maxRetries: 2 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'reset', times: 1, provider: 'openai' });
    const r = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('again') });
    expect(r.choices[0]!.message.content).toContain('again');
    expect(fake.requests).toHaveLength(2);
  });

  it('puts a provider in cooldown after 3 consecutive failures and skips it', async () => {
    await ensureOperator();
    const gw = await gateway({ maxRetries: 0, cooldownMs: 60_000 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'status', status: 500, provider: 'openai' });
    for (let i = 0; i < 3; i++) {
      const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user(`fail ${i}`) }).catch((e: unknown) => e);
      expect((err as APIError).status).toBe(500);
    }
    expect(fake.requests).toHaveLength(3);
    // Now openai is skipped without a call: no fallback for gpt-4.1 -> 503 with Retry-After...
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('skipped') }).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(503);
    expect((err as APIError).code).toBe('provider_unavailable');
    expect(Number((err as APIError).headers?.get('retry-after'))).toBeGreaterThan(50);
    // ...and gpt-4o goes straight to its fallback.
    const r = await t.client.chat.completions.create({ model: 'gpt-4o', messages: user('straight to fallback') });
    expect(r.model).toBe('claude-sonnet-4');
    expect(fake.requests.filter((x) => x.provider === 'openai')).toHaveLength(3);
    // provider_health reflects live traffic.
    await gw.gw.flushStats();
    const [ph] = await withPlatform((tx) => tx.select().from(providerHealth).where(eq(providerHealth.providerId, 'openai')), h.db);
    expect(ph!.status).toBe('unhealthy');
    expect(ph!.cooldownUntil!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(ph!.errorCount).toBeGreaterThanOrEqual(3);
    // Operators are told (in-app here; Slack/e-mail per their settings).
    const notes = await providerNotices('provider.cooldown', 'openai');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]!.body).toMatch(/3 consecutive failures/);
  });

  it('tells operators when live traffic turns a provider unhealthy without a cooldown (50 % errors)', async () => {
    await ensureOperator();
    const gw = await gateway({ maxRetries: 0 });
    const t = await newTenant(h.db, gw.baseURL);
    // Alternating failures: never 3 in a row (no cooldown), but half of the interval's requests fail.
    fake.setBehavior([
      { mode: 'status', status: 500, times: 1 },
      { mode: 'ok', times: 1 },
      { mode: 'status', status: 500, times: 1 },
      { mode: 'ok', times: 1 },
    ]);
    const outcomes: Array<number> = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await t.client.chat.completions
          .create({ model: 'mistral-large', messages: user(`flaky ${i}`) })
          .then(() => 200)
          .catch((e: unknown) => (e as APIError).status ?? 0),
      );
    }
    expect(outcomes).toEqual([500, 200, 500, 200]);
    await gw.gw.flushStats();
    const [ph] = await withPlatform((tx) => tx.select().from(providerHealth).where(eq(providerHealth.providerId, 'mistral')), h.db);
    expect(ph!.status).toBe('unhealthy');
    expect(ph!.cooldownUntil).toBeNull();
    const notes = await providerNotices('provider.unhealthy', 'mistral');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes[0]!.body).toMatch(/error rate 50%/);
  });

  it('times out a hung upstream (configurable timeout) and tells the client', async () => {
    const gw = await gateway({ maxRetries: 1, upstreamTimeoutMs: 300, retryBaseMs: 10 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'hang', provider: 'openai' });
    const started = Date.now();
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('hello?') }).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect((err as APIError).status).toBe(504);
    expect((err as APIError).code).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(3000);
    expect(fake.requests).toHaveLength(2);
    await fake.waitFor((r) => r.seq === fake.requests[1]!.seq && r.clientAborted);
    expect(fake.requests.every((r) => r.clientAborted)).toBe(true);
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.status).toBe('error');
    expect(r!.errorCode).toBe('timeout');
    expect(r!.price).toBe('0');
  });

  it('ends a stream whose upstream goes quiet, with an error event, metered as partial', async () => {
    const gw = await gateway({ maxRetries: 0, streamIdleTimeoutMs: 150 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'slow_stream', chunkDelayMs: 600, chunks: 5, provider: 'openai' });
    const res = await rawPost(`${gw.baseURL}/chat/completions`, t.key, { model: 'gpt-4.1', messages: user('slow'), stream: true });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"code":"upstream_timeout"');
    expect(res.text).not.toContain('[DONE]');
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.status).toBe('partial');
    expect(r!.tokensEstimated).toBe(true);
  });

  it('reports a truncated upstream stream to the client and meters it as partial', async () => {
    const gw = await gateway({ maxRetries: 0 });
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'truncate', chunks: 2, provider: 'anthropic' });
    const res = await rawPost(`${gw.baseURL}/chat/completions`, t.key, { model: 'claude-sonnet-4.5', messages: user('cut me off mid sentence'), stream: true });
    expect(res.text).toContain('"code":"upstream_stream_truncated"');
    expect(res.text).not.toContain('[DONE]');
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.status).toBe('partial');
    expect(r!.outputTokens).toBeGreaterThan(0);
    expect(r!.inputTokens).toBeGreaterThan(0); // from Anthropic's message_start
  });
});

describe('client abort mid-stream', () => {
  it('aborts the upstream call and meters the partial output (tokenizer count)', async () => {
    const gw = await gateway();
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'slow_stream', chunkDelayMs: 40, chunks: 40, provider: 'openai' });
    const stream = await t.client.chat.completions.create({
      model: 'gpt-4.1',
      messages: user('a long answer that will be interrupted by the client halfway through'),
      stream: true,
    });
    let got = '';
    let n = 0;
    for await (const c of stream) {
      got += c.choices[0]?.delta.content ?? '';
      if (++n >= 5) {
        stream.controller.abort();
        break;
      }
    }
    expect(got.length).toBeGreaterThan(0);
    const up = await fake.waitFor((r) => r.clientAborted, 5000);
    expect(up.completed).toBe(false);
    await sleep(50);
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.status).toBe('cancelled');
    expect(r!.errorCode).toBe('client_disconnected');
    expect(r!.tokensEstimated).toBe(true);
    expect(r!.outputTokens).toBeGreaterThan(0);
    expect(r!.inputTokens).toBeGreaterThan(0);
    expect(Number(r!.price)).toBeGreaterThan(0);
  });

  it('does the same for a translated (Anthropic) stream', async () => {
    const gw = await gateway();
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'slow_stream', chunkDelayMs: 40, chunks: 40, provider: 'anthropic' });
    const ac = new AbortController();
    const res = await fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', messages: user('tell me a long story about a lighthouse keeper'), stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('"content":"') || seen.split('data:').length < 5) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    ac.abort();
    await fake.waitFor((r) => r.clientAborted, 5000);
    await sleep(50);
    await gw.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.status).toBe('cancelled');
    expect(r!.outputTokens).toBeGreaterThan(0);
    expect(r!.tokensEstimated).toBe(true);
  });
});

describe('content-policy refusals', () => {
  it('records the refusal (rejection, daily stats, tenant notification) and returns it without a rule', async () => {
    const gw = await gateway();
    const t = await newTenant(h.db, gw.baseURL);
    fake.setBehavior({ mode: 'content_policy', provider: 'openai' });
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: user('something refused') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).code).toBe('content_policy_violation');
    expect(fake.requests).toHaveLength(1);
    await gw.gw.flushMetering();
    const rej = await withPlatform((tx) => tx.select().from(providerRejections).where(eq(providerRejections.tenantId, t.tenantId)), h.db);
    expect(rej).toHaveLength(1);
    expect(rej[0]!.modelId).toBe('openai-gpt-4-1-mini');
    expect(rej[0]!.fallbackModelId).toBeNull();
    const stats = await withPlatform((tx) => tx.select().from(modelRejectionStats).where(eq(modelRejectionStats.modelId, 'openai-gpt-4-1-mini')), h.db);
    expect(stats[0]!.rejectionCount).toBeGreaterThanOrEqual(1);
    const notes = await withPlatform((tx) => tx.select().from(userRejectionNotifications).where(eq(userRejectionNotifications.tenantId, t.tenantId)), h.db);
    expect(notes).toHaveLength(1);
    const [u] = await usageRows(h.db, t.tenantId);
    expect(u!.status).toBe('error');
    expect(u!.errorCode).toBe('content_policy_violation');
  });

  it('falls back along a routing rule (error refusal and 200 "refusal" answer alike)', async () => {
    const gw = await gateway();
    const t = await newTenant(h.db, gw.baseURL);
    await withPlatform(
      (tx) =>
        tx.insert(routingRules).values({
          tenantId: t.tenantId,
          name: 'policy fallback',
          action: 'fallback',
          conditions: { models: ['gpt-4.1', 'claude-haiku-4.5'] },
          fallbackModels: ['gemini-2.5-flash'],
        }),
      h.db,
    );
    await gw.gw.reloadConfig();
    fake.setBehavior([
      { mode: 'content_policy', provider: 'openai' },
      { mode: 'content_policy', provider: 'anthropic', contentPolicyVariant: 'finish' },
    ]);
    const a = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('borderline') });
    expect(a.model).toBe('gemini-2.5-flash');
    const b = await t.client.chat.completions.create({ model: 'claude-haiku-4.5', messages: user('borderline too') });
    expect(b.model).toBe('gemini-2.5-flash');
    await gw.gw.flushMetering();
    const rej = await withPlatform((tx) => tx.select().from(providerRejections).where(eq(providerRejections.tenantId, t.tenantId)), h.db);
    expect(rej).toHaveLength(2);
    expect(rej.every((r) => r.fallbackModelId === 'google-gemini-25-flash' && r.fallbackSucceeded === true)).toBe(true);
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows.map((r) => r.modelId)).toEqual(['google-gemini-25-flash', 'google-gemini-25-flash']);
    expect(rows.every((r) => (r.metadata as { refusedBy?: string[] }).refusedBy?.length === 1)).toBe(true);
  });

  it('applies a rate_limit routing rule', async () => {
    const gw = await gateway();
    const t = await newTenant(h.db, gw.baseURL);
    await withPlatform(
      (tx) =>
        tx
          .insert(routingRules)
          .values({ tenantId: t.tenantId, name: 'one o3 a minute', action: 'rate_limit', conditions: { models: ['o3'] }, rateLimitRpm: 1 }),
      h.db,
    );
    await gw.gw.reloadConfig();
    await t.client.chat.completions.create({ model: 'o3', messages: user('1') });
    const err = await t.client.chat.completions.create({ model: 'o3', messages: user('2') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    await t.client.chat.completions.create({ model: 'gpt-4.1', messages: user('other models are fine') });
  });
});
