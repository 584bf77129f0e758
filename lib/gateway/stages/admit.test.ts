import { afterEach, describe, expect, it } from 'vitest';
import { BudgetExceededError, RateLimitedError } from '../../errors';
import { dec } from '../../pricing/money';
import type { Gateway } from '../gateway';
import { admitRate, reserveBudget, upperPriceEstimate } from './admit';
import { spentSoFar, testContext, testGateway, testKey, testSnapshot, testTenant } from './testing';
import type { RoutePlan } from '../router';

const snap = testSnapshot();
const plan = (names: string[]): RoutePlan => {
  const chain = names.map((n) => snap.find(n)!);
  return { requested: names[0]!, primary: chain[0]!, chain, chainFromRule: false, rateRules: [], auto: null };
};

let gw: Gateway;
afterEach(async () => {
  await gw.shutdown();
});

describe('admit stage', () => {
  it('charges the token estimate, then replaces it by what was used or gives it all back', async () => {
    gw = testGateway();
    const key = testKey({ tpm: 1000 });
    const a = await admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 600);
    expect(a.tokenCost).toBe(600);
    // 600 charged of 1000: a second request for 600 is refused...
    await expect(admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 600)).rejects.toBeInstanceOf(RateLimitedError);
    // ...until the first settles on the 100 it really used.
    a.settleTokens(100);
    const b = await admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 600);
    b.refundTokens();
    const c = await admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 800);
    expect(c.tokenCost).toBe(800);
  });

  it('answers a refusal with rate-limit headers and Retry-After', async () => {
    gw = testGateway();
    const key = testKey({ rpm: 1 });
    const ctx = testContext();
    await admitRate(gw, ctx, key, testTenant(), plan(['gpt-4.1-mini']), 10);
    expect(ctx.headers['x-ratelimit-limit-requests']).toBeDefined();
    const err = await admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('a budget refusal names its scope and gives the admission tokens back', async () => {
    gw = testGateway();
    const key = testKey({ monthlyBudget: '0.000001', tpm: 1000 }, {});
    // The ledger starts from the spend already recorded: none (testGateway's default).
    const ctx = testContext();
    const a = await admitRate(gw, ctx, key, testTenant(), plan(['gpt-4.1-mini']), 900);
    const err = await reserveBudget(gw, ctx, key, a, () => dec('1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).scope).toBe('key');
    // The 900 tokens went back: another 900 fits in the 1000/min.
    await expect(admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 900)).resolves.toBeDefined();
  });

  it('reserves against what the tenant already spent this month', async () => {
    const key = testKey({}, { monthlyBudget: '1' });
    // $0.99 of the tenant's $1 cap already spent.
    gw = testGateway({ spentSoFar: spentSoFar({ [`t:${key.tenantId}`]: 990_000_000n }) });
    const ctx = testContext();
    const a = await admitRate(gw, ctx, key, testTenant(), plan(['gpt-4.1-mini']), 10);
    const err = await reserveBudget(gw, ctx, key, a, () => dec('0.02')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect((err as BudgetExceededError).scope).toBe('tenant');
    const b = await admitRate(gw, testContext(), key, testTenant(), plan(['gpt-4.1-mini']), 10);
    await expect(reserveBudget(gw, testContext(), key, b, () => dec('0.005'))).resolves.toBeUndefined();
  });

  it('estimates the price of the most expensive model of the chain', () => {
    gw = testGateway();
    const tenant = testTenant();
    const cheap = upperPriceEstimate(gw, plan(['gpt-4.1-mini']), tenant, snap, Date.now(), () => ({ inputTokens: 1000, outputTokens: 1000, requests: 1 }));
    const both = upperPriceEstimate(gw, plan(['gpt-4.1-mini', 'gpt-4.1']), tenant, snap, Date.now(), () => ({
      inputTokens: 1000,
      outputTokens: 1000,
      requests: 1,
    }));
    expect(both.greaterThan(cheap)).toBe(true);
    expect(cheap.greaterThan(0)).toBe(true);
  });
});
