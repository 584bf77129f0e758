/**
 * The gateway's edge against abuse of what the platform pays: `n` completions count n times
 * against the budget reservation (and above the cap are refused), provider extras that change
 * cost or data handling are dropped unless allowed for the tenant, and random keys from one
 * address stop costing database lookups.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { APIError } from 'openai';
import type { DbHandle } from '../../lib/db/client';
import { tenants } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { testDb } from '../support/db';
import { newTenant, rawPost, startFakeUpstream, startGateway, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake, { authFailuresPerMinute: 5 });
});
afterAll(async () => {
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const ask = { model: 'gpt-4.1-mini', messages: [{ role: 'user' as const, content: 'Say hello.' }], max_tokens: 2000 };

describe('gateway edge', () => {
  it('n completions reserve n times the budget: n=8 against a budget for one completion is refused before any provider call', async () => {
    // One completion of up to 2,000 output tokens of gpt-4.1-mini fits in $0.01; eight do not.
    const t = await newTenant(h.db, g.baseURL, { key: { monthlyBudget: '0.01' } });
    await expect(t.client.chat.completions.create({ ...ask, n: 1 })).resolves.toBeDefined();
    const err = await t.client.chat.completions.create({ ...ask, n: 8 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(429);
    expect((err as APIError).code).toBe('insufficient_quota');
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('n above the cap is a 400 naming n', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const err = await t.client.chat.completions.create({ ...ask, n: 9 }).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(400);
    expect((err as APIError).param).toBe('n');
    expect(fake.requests).toHaveLength(0);
  });

  it('service_tier, store and metadata are dropped unless the tenant is allowed them', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const extras = { service_tier: 'priority', store: true, metadata: { project: 'x' } };
    const r = await rawPost(`${g.baseURL}/chat/completions`, t.key, JSON.stringify({ ...ask, max_tokens: 10, ...extras }));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-radiant-dropped-fields')).toBe('service_tier, store, metadata');
    const sent = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty('service_tier');
    expect(sent).not.toHaveProperty('store');
    expect(sent).not.toHaveProperty('metadata');

    await withPlatform(
      (tx) =>
        tx
          .update(tenants)
          .set({ settings: { allowedProviderExtras: ['store'] } })
          .where(eq(tenants.id, t.tenantId)),
      h.db,
    );
    g.gw.keys.invalidateTenant(t.tenantId);
    fake.reset();
    await rawPost(`${g.baseURL}/chat/completions`, t.key, JSON.stringify({ ...ask, max_tokens: 10, ...extras }));
    const allowed = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(allowed.store).toBe(true);
    expect(allowed).not.toHaveProperty('service_tier');
  });

  it('unknown keys from one address are refused without a lookup once past the per-minute limit; known keys still pass', async () => {
    const t = await newTenant(h.db, g.baseURL);
    // A key in use is cached: it never waits on the failure limit of its address.
    expect((await rawPost(`${g.baseURL}/chat/completions`, t.key, JSON.stringify({ ...ask, max_tokens: 10 }))).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await rawPost(`${g.baseURL}/chat/completions`, `rk_live_random_${i}_${'x'.repeat(40)}`, JSON.stringify(ask));
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const ok = await rawPost(`${g.baseURL}/chat/completions`, t.key, JSON.stringify({ ...ask, max_tokens: 10 }));
    expect(ok.status).toBe(200);
  });
});
