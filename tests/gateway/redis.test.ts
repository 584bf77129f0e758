/**
 * Several gateway instances sharing Redis (REDIS_URL=redis://127.0.0.1:6379, a unique key
 * prefix per test): one rate limit, one budget, one cooldown, and cache invalidation by
 * broadcast. Skipped when no Redis answers.
 */
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Redis from 'ioredis';
import OpenAI, { APIError } from 'openai';
import { eq } from 'drizzle-orm';
import type { DbHandle } from '../../lib/db/client';
import { apiKeys } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { dec, sum } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { insertPriorSpend } from '../support/factories';
import { newTenant, sleep, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let redisUp = false;
let h: DbHandle;
let fake: FakeUpstream;
let running: RunningGateway[] = [];

beforeAll(async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  try {
    await probe.connect();
    redisUp = (await probe.ping()) === 'PONG';
  } catch {
    redisUp = false;
  } finally {
    probe.disconnect();
  }
  h = await testDb();
  fake = await startFakeUpstream();
});
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
  fake.reset();
});
afterAll(async () => {
  await fake?.close();
});

async function pair(extra: Parameters<typeof startGateway>[2] = {}): Promise<[RunningGateway, RunningGateway, string]> {
  const prefix = `radiant-test:${crypto.randomUUID()}:`;
  const a = await startGateway(h.db, fake, { redisUrl: REDIS_URL, redisKeyPrefix: prefix, ...extra });
  const b = await startGateway(h.db, fake, { redisUrl: REDIS_URL, redisKeyPrefix: prefix, ...extra });
  running.push(a, b);
  return [a, b, prefix];
}

const ask = (c: OpenAI, content = 'hi') => c.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content }] });

describe('shared through Redis', () => {
  it('one rate limit for two instances', async (ctx) => {
    if (!redisUp) ctx.skip();
    const [a, b] = await pair();
    const t = await newTenant(h.db, a.baseURL, { key: { rateLimitRpm: 4 } });
    const ca = t.client;
    const cb = new OpenAI({ apiKey: t.key, baseURL: b.baseURL, maxRetries: 0 });
    await ask(ca);
    await ask(cb);
    await ask(ca);
    const { response } = await cb.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: '4' }] }).withResponse();
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    for (const c of [ca, cb]) {
      const err = await ask(c).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(Number((err as APIError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    expect(fake.requests).toHaveLength(4);
  });

  it('one monthly budget for two instances under concurrency', async (ctx) => {
    if (!redisUp) ctx.skip();
    const [a, b] = await pair();
    // Price of one request of this shape.
    const probe = await newTenant(h.db, a.baseURL);
    await probe.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'shared budget 00' }], max_tokens: 64 });
    await a.gw.flushMetering();
    const unit = (await usageRows(h.db, probe.tenantId))[0]!.price;
    const cap = '3';
    const t = await newTenant(h.db, a.baseURL, { tenant: { monthlyBudget: cap } });
    await insertPriorSpend(h.db, t.tenantId, dec(cap).minus(dec(unit).times(8)).toFixed());
    fake.setBehavior({ mode: 'delay', delayMs: 60 });
    const cb = new OpenAI({ apiKey: t.key, baseURL: b.baseURL, maxRetries: 0 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? cb : t.client).chat.completions
          .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `shared budget ${String(i).padStart(2, '0')}` }], max_tokens: 64 })
          .then(() => 'ok')
          .catch((e: unknown) => (e instanceof APIError ? e.code : 'other')),
      ),
    );
    const ok = results.filter((r) => r === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(8);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'insufficient_quota')).toBe(true);
    await a.gw.flushMetering();
    await b.gw.flushMetering();
    const spent = sum((await usageRows(h.db, t.tenantId)).map((r) => r.price));
    expect(spent.lessThanOrEqualTo(cap)).toBe(true);
  });

  it('a cooldown opened by one instance is honoured by the other', async (ctx) => {
    if (!redisUp) ctx.skip();
    const [a, b] = await pair({ maxRetries: 0 });
    const t = await newTenant(h.db, a.baseURL);
    const cb = new OpenAI({ apiKey: t.key, baseURL: b.baseURL, maxRetries: 0 });
    fake.setBehavior({ mode: 'status', status: 503, provider: 'openai' });
    await ask(t.client).catch(() => {});
    await ask(cb).catch(() => {});
    await ask(t.client).catch(() => {}); // third consecutive failure across instances
    const before = fake.requests.length;
    for (let i = 0; i < 20 && b.gw.health.cooldownRemaining('openai') === 0; i++) await sleep(25);
    const err = await ask(cb).catch((e: unknown) => e);
    expect((err as APIError).code).toBe('provider_unavailable');
    expect(fake.requests.length).toBe(before);
  });

  it('a broadcast invalidates a revoked key in every instance', async (ctx) => {
    if (!redisUp) ctx.skip();
    const [a, b, prefix] = await pair({ keyCacheTtlMs: 60_000 });
    const t = await newTenant(h.db, a.baseURL);
    const cb = new OpenAI({ apiKey: t.key, baseURL: b.baseURL, maxRetries: 0 });
    await ask(t.client);
    await ask(cb);
    // Revoked by "another process": the database changes, the caches do not know yet...
    const [row] = await withPlatform((tx) => tx.update(apiKeys).set({ status: 'revoked' }).where(eq(apiKeys.id, t.keyId)).returning(), h.db);
    await ask(t.client);
    await ask(cb);
    // ...until that process broadcasts through Redis.
    const pub = new Redis(REDIS_URL);
    await pub.publish(`${prefix}gateway:broadcast`, JSON.stringify({ type: 'key', hash: row!.keyHash }));
    pub.disconnect();
    await sleep(150);
    for (const c of [t.client, cb]) await expect(ask(c)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
