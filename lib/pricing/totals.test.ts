import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CATALOG_MODELS } from '@/lib/catalog';
import { ValidationError } from '@/lib/errors';
import { toNano } from '@/lib/gateway/limits/budget';
import { dec } from './money';
import { priceUsage } from './price';
import { LONG_CONTEXT_MODEL, SELF_HOSTED_LLAMA, makeCost } from './test-fixtures';
import { priceTotals } from './totals';
import type { UsageInput } from './usage';

/** What priceUsage (decimal.js) says, as the usage event stores it. */
function reference(cost: Parameters<typeof priceTotals>[0], usage: UsageInput, markup: string) {
  const p = priceUsage({ cost, usage, markupPercent: markup });
  return { cost: p.cost.total.toFixed(), price: p.price.toFixed() };
}

const usageArb = fc.record(
  {
    inputTokens: fc.integer({ min: 0, max: 3_000_000 }),
    cachedInputTokens: fc.integer({ min: 0, max: 5_000 }),
    outputTokens: fc.integer({ min: 0, max: 200_000 }),
    images: fc.integer({ min: 0, max: 10 }),
    seconds: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 600, noNaN: true })),
    minutes: fc.oneof(fc.integer({ min: 0, max: 90 }), fc.constantFrom(0.5, 1 / 3, 2.25)),
    requests: fc.integer({ min: 0, max: 3 }),
    toolCalls: fc.integer({ min: 0, max: 5 }),
    characters: fc.integer({ min: 0, max: 50_000 }),
    batch: fc.boolean(),
    coldStart: fc.boolean(),
  },
  { requiredKeys: [] },
);
const markupArb = fc.constantFrom('0', '40', '12.5', '33.333', '100', '7.25');

describe('priceTotals', () => {
  it('equals priceUsage for every catalog model, usage and markup', () => {
    const costs = [...CATALOG_MODELS.map((m) => m.cost), LONG_CONTEXT_MODEL.cost, SELF_HOSTED_LLAMA.cost];
    fc.assert(
      fc.property(fc.constantFrom(...costs), usageArb, markupArb, (cost, usage, markup) => {
        const u = { ...usage, cachedInputTokens: Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens ?? 0) };
        expect(priceTotals(cost, u, markup)).toEqual(reference(cost, u, markup));
      }),
      { numRuns: 3000 },
    );
  });

  it('crosses the long-context threshold and charges a cold start exactly as priceUsage', () => {
    const usage = { inputTokens: 250_000, cachedInputTokens: 1_000, outputTokens: 1_234, requests: 1 };
    expect(priceTotals(LONG_CONTEXT_MODEL.cost, usage, '40')).toEqual(reference(LONG_CONTEXT_MODEL.cost, usage, '40'));
    const cold = { inputTokens: 10, outputTokens: 10, coldStart: true };
    expect(priceTotals(SELF_HOSTED_LLAMA.cost, cold, '40')).toEqual(reference(SELF_HOSTED_LLAMA.cost, cold, '40'));
  });

  it('writes canonical strings: no trailing zeros, no exponent, 0 for nothing', () => {
    const cost = makeCost({ inputPer1k: '0.00150', outputPer1k: '0.002', perRequest: '0.005' });
    expect(priceTotals(cost, { inputTokens: 1000, outputTokens: 0, requests: 1 }, '40')).toEqual({ cost: '0.0065', price: '0.0091' });
    expect(priceTotals(cost, {}, '40')).toEqual({ cost: '0', price: '0' });
    const tiny = makeCost({ inputPer1k: '0.0000000001' });
    expect(priceTotals(tiny, { inputTokens: 1 }, '12.5')).toEqual(reference(tiny, { inputTokens: 1 }, '12.5'));
  });

  it('throws what priceUsage throws: impossible quantities, a negative markup', () => {
    const cost = makeCost({ inputPer1k: '0.001' });
    expect(() => priceTotals(cost, { inputTokens: -1 }, '40')).toThrow(ValidationError);
    expect(() => priceTotals(cost, { inputTokens: 1.5 }, '40')).toThrow(ValidationError);
    expect(() => priceTotals(cost, { inputTokens: 5, cachedInputTokens: 6 }, '40')).toThrow(ValidationError);
    expect(() => priceTotals(cost, { inputTokens: 5 }, '-1')).toThrow(ValidationError);
  });
});

describe('toNano', () => {
  it('rounds up to the nano-dollar exactly as the Decimal path does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.integer({ min: 0, max: 20 }), (m, scale) => {
        const s = dec(m.toString()).div(dec(10).pow(scale)).toFixed();
        expect(toNano(s)).toBe(BigInt(dec(s).times(1e9).ceil().toFixed()));
      }),
      { numRuns: 2000 },
    );
    expect(toNano('0.0000000001')).toBe(1n);
    expect(toNano('1.5')).toBe(1_500_000_000n);
    expect(toNano(dec('-0.5'))).toBe(-500_000_000n);
  });
});
