/**
 * Monthly spend caps on PRICE under concurrency: 50 parallel requests against a nearly exhausted
 * cap overshoot it by at most what the requests in flight exceed their own estimates (zero when
 * max_tokens bounds the answer); per-key caps; a cap already used up by earlier usage this month.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, { APIError } from 'openai';
import type { DbHandle } from '../../lib/db/client';
import { and, eq } from 'drizzle-orm';
import { notifications } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { dec, sum } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { insertPriorSpend } from '../support/factories';
import { pollRows } from '../support/poll';
import { newTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

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

/** Earlier spend this month (as if metered before). */
const priorSpend = (tenantId: string, price: string) => insertPriorSpend(h.db, tenantId, price);

/** The price of one request of this shape (measured on a tenant without a cap). */
async function pricePerRequest(content: string, maxTokens: number): Promise<string> {
  const t = await newTenant(h.db, g.baseURL);
  await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content }], max_tokens: maxTokens });
  await g.gw.flushMetering();
  return (await usageRows(h.db, t.tenantId))[0]!.price;
}

async function race(client: OpenAI, n: number, maxTokens: number) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      client.chat.completions
        .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `budget race ${String(i).padStart(2, '0')}` }], max_tokens: maxTokens })
        .then(() => 'ok' as const)
        .catch((e: unknown) => e),
    ),
  );
  const ok = results.filter((r) => r === 'ok').length;
  const quota = results.filter((r) => r instanceof APIError && r.status === 429 && r.code === 'insufficient_quota').length;
  return { ok, quota, other: results.length - ok - quota };
}

/** The tenant's in-app notifications of one event (written in the background: poll). */
function tenantNotices(tenantId: string, event: 'tenant.budget_80' | 'tenant.budget_100', atLeast = 1) {
  return pollRows(
    () =>
      withPlatform(
        (tx) =>
          tx
            .select()
            .from(notifications)
            .where(and(eq(notifications.tenantId, tenantId), eq(notifications.event, event))),
        h.db,
      ),
    { atLeast },
  );
}

describe('budget notifications', () => {
  it('tells the tenant when a request takes spend across 80 % of the cap, once', async () => {
    const unit = await pricePerRequest('budget race 00', 1);
    const cap = '1';
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap } });
    // Half a request below the 80 % mark: the next request crosses it.
    await priorSpend(t.tenantId, dec(cap).times('0.8').minus(dec(unit).div(2)).toFixed());
    await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'budget race 00' }], max_tokens: 1 });
    const rows = await tenantNotices(t.tenantId, 'tenant.budget_80');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.title).toMatch(/reached 80% of the \d{4}-\d{2} budget/);
    expect(rows[0]!.severity).toBe('warning');
    // Spend further below 100 %: no repeat of the 80 % notice, no 100 % notice.
    await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'budget race 00' }], max_tokens: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await tenantNotices(t.tenantId, 'tenant.budget_80', 0)).toHaveLength(1);
    expect(await tenantNotices(t.tenantId, 'tenant.budget_100', 0)).toHaveLength(0);
  });

  it('tells the tenant when spend reaches the whole cap (critical), and refuses the next request', async () => {
    // max_tokens 1 keeps the reservation small while the fake echoes the long prompt back (as
    // upstreams may overrun max_tokens): admitted with 70 % of its price left, the request's
    // actual price takes spend past the cap.
    const long = 'budget '.repeat(500);
    const unit = await pricePerRequest(long, 1);
    const cap = '1';
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap } });
    await priorSpend(t.tenantId, dec(cap).minus(dec(unit).times('0.7')).toFixed());
    await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: long }], max_tokens: 1 });
    const rows = await tenantNotices(t.tenantId, 'tenant.budget_100');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.severity).toBe('critical');
    expect(rows[0]!.body).toContain('Further requests are refused');
    const err = await t.client.chat.completions
      .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 1 })
      .catch((e: unknown) => e);
    expect((err as APIError).code).toBe('insufficient_quota');
  });
});

describe('monthly budget caps', () => {
  it('50 parallel requests against a nearly exhausted cap: admitted while estimates fit, never over the cap', async () => {
    const unit = await pricePerRequest('budget race 00', 64);
    const cap = '5';
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap } });
    // Room for about 10 requests of actual price; estimates are higher (prompt + max_tokens).
    await priorSpend(t.tenantId, dec(cap).minus(dec(unit).times(10)).toFixed());
    fake.setBehavior({ mode: 'delay', delayMs: 80 }); // all 50 are in flight together
    const r = await race(t.client, 50, 64);
    expect(r.other).toBe(0);
    expect(r.ok + r.quota).toBe(50);
    expect(r.ok).toBeGreaterThanOrEqual(1);
    expect(r.ok).toBeLessThanOrEqual(10);
    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows).toHaveLength(r.ok + 1); // the 429s are not metered
    const spent = sum(rows.map((x) => x.price));
    // max_tokens (64) bounds every answer here, so estimates cover actual prices: no overshoot.
    expect(spent.lessThanOrEqualTo(cap)).toBe(true);
  });

  it('when estimates are too low, the overshoot stays within what the requests in flight add', async () => {
    // max_tokens 1, but the fake answers ~10 tokens: each admitted request may exceed its estimate.
    const unit = await pricePerRequest('budget race 00', 1);
    const cap = '5';
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap } });
    await priorSpend(t.tenantId, dec(cap).minus(dec(unit).times(5)).toFixed());
    fake.setBehavior({ mode: 'delay', delayMs: 80 });
    const r = await race(t.client, 50, 1);
    expect(r.other).toBe(0);
    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    const spent = sum(rows.map((x) => x.price));
    const overshoot = spent.minus(cap);
    // Bound: admitted requests x (actual price - estimate) <= admitted x actual price.
    expect(overshoot.lessThanOrEqualTo(dec(unit).times(r.ok))).toBe(true);
    expect(r.quota).toBeGreaterThan(0);
  });

  it('a cap already used up this month refuses at once with insufficient_quota', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: '1' } });
    await priorSpend(t.tenantId, '1');
    const err = await t.client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err as APIError).code).toBe('insufficient_quota');
    expect((err as APIError).type).toBe('insufficient_quota');
    expect(fake.requests).toHaveLength(0);
  });

  it('enforces a per-key cap below the tenant cap', async () => {
    const t = await newTenant(h.db, g.baseURL, { key: { monthlyBudget: '0.00001' } });
    const err = await t.client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }], max_tokens: 500 })
      .catch((e: unknown) => e);
    expect((err as APIError).code).toBe('insufficient_quota');
    expect((err as APIError).message).toContain('this API key');
  });

  it('failed requests release their reservation', async () => {
    const unit = await pricePerRequest('budget race 00', 64);
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: '5' } });
    await priorSpend(t.tenantId, dec('5').minus(dec(unit).times(30)).toFixed());
    fake.setBehavior({ mode: 'status', status: 400, times: 20 });
    for (let i = 0; i < 20; i++) {
      const e = await t.client.chat.completions
        .create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'budget race 00' }], max_tokens: 64 })
        .catch((x: unknown) => x);
      expect((e as APIError).status).toBe(400);
    }
    // Nothing was spent, so the room is still there.
    await t.client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'budget race 00' }], max_tokens: 64 });
  });
});
