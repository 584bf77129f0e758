import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ValidationError } from '@/lib/errors';
import { dec, sum } from './money';
import { priceUsage, referenceCost, referencePrice, unitCosts, unitMargins, unitPrices } from './price';
import { computeCost, costLines, normalizeUsage, unitsFor, type UsageInput } from './usage';
import { GPT_4_1, LONG_CONTEXT_MODEL, SELF_HOSTED_LLAMA, makeCost } from './test-fixtures';

const s = (d: { toFixed(): string }) => d.toFixed();

describe('golden numbers', () => {
  it('GPT-4.1 costs $2.00/$8.00 per 1M and sells at $2.80/$11.20 with the default 40%', () => {
    const p = unitPrices(GPT_4_1.cost, '40');
    expect(p.inputPer1M?.toFixed(2)).toBe('2.80');
    expect(p.outputPer1M?.toFixed(2)).toBe('11.20');
    expect(p.inputPer1k?.toFixed()).toBe('0.0028');
    expect(p.cachedInputPer1M?.toFixed()).toBe('0.7');
    expect(p.batchInputPer1M?.toFixed()).toBe('1.4');
    expect(p.batchOutputPer1M?.toFixed()).toBe('5.6');
    const c = unitCosts(GPT_4_1.cost);
    expect(c.inputPer1M?.toFixed()).toBe('2');
    expect(c.outputPer1M?.toFixed()).toBe('8');
    const m = unitMargins(GPT_4_1.cost, '40');
    expect(m.inputPer1M?.toFixed()).toBe('0.8');
    expect(m.outputPer1M?.toFixed()).toBe('3.2');
  });

  it('pricing 1M in + 1M out tokens is $14.00 for $10.00 of cost', () => {
    const r = priceUsage({ cost: GPT_4_1.cost, usage: { inputTokens: 1_000_000, outputTokens: 1_000_000 }, markupPercent: 40 });
    expect(s(r.cost.total)).toBe('10');
    expect(s(r.price)).toBe('14');
    expect(s(r.margin)).toBe('4');
    expect(s(r.markupPercent)).toBe('40');
    expect(s(referenceCost(GPT_4_1.cost))).toBe('10');
    expect(s(referencePrice(GPT_4_1.cost, 40))).toBe('14');
  });
});

describe('worked example for every pricing type', () => {
  it('per token with cached input (cached tokens are a subset of input)', () => {
    const b = computeCost(GPT_4_1.cost, { inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000, requests: 1 });
    expect(s(b.input)).toBe('0.012'); // 6,000 uncached x $0.002/1K
    expect(s(b.cachedInput)).toBe('0.002'); // 4,000 x $0.0005/1K
    expect(s(b.output)).toBe('0.016'); // 2,000 x $0.008/1K
    expect(s(b.total)).toBe('0.03');
    const r = priceUsage({ cost: GPT_4_1.cost, usage: { inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000 }, markupPercent: 40 });
    expect(s(r.price)).toBe('0.042');
    expect(s(r.margin)).toBe('0.012');
  });

  it('cached tokens fall back to the input rate when the model has no cache rate', () => {
    const cost = makeCost({ inputPer1k: '0.003', outputPer1k: '0.015' });
    const b = computeCost(cost, { inputTokens: 1000, cachedInputTokens: 1000 });
    expect(s(b.cachedInput)).toBe('0.003');
    expect(s(b.input)).toBe('0');
  });

  it('long context: above the threshold the whole request uses the long-context rates', () => {
    const above = computeCost(LONG_CONTEXT_MODEL.cost, { inputTokens: 250_000, outputTokens: 1_000 });
    expect(above.longContextApplied).toBe(true);
    expect(s(above.input)).toBe('0.625'); // 250,000 x $0.0025/1K (all of it, not only the excess)
    expect(s(above.output)).toBe('0.015'); // 1,000 x $0.015/1K
    expect(s(above.total)).toBe('0.64');
    const at = computeCost(LONG_CONTEXT_MODEL.cost, { inputTokens: 200_000, outputTokens: 1_000 });
    expect(at.longContextApplied).toBe(false); // threshold itself is standard ("more than")
    expect(s(at.total)).toBe('0.26'); // 0.25 + 0.01
    expect(s(priceUsage({ cost: LONG_CONTEXT_MODEL.cost, usage: { inputTokens: 250_000, outputTokens: 1_000 }, markupPercent: 40 }).price)).toBe('0.896');
  });

  it('batch: the discount applies to token charges only', () => {
    const cost = makeCost({ ...GPT_4_1.cost, perToolCall: '0.01' });
    const b = computeCost(cost, { inputTokens: 1_000_000, outputTokens: 1_000_000, toolCalls: 2, batch: true });
    expect(s(b.input)).toBe('2');
    expect(s(b.output)).toBe('8');
    expect(s(b.batchDiscount)).toBe('5'); // 50% of $10 of tokens
    expect(s(b.toolCalls)).toBe('0.02'); // not discounted
    expect(s(b.total)).toBe('5.02');
    // batch flag on a model without a batch discount changes nothing
    expect(s(computeCost(makeCost({ inputPer1k: '0.001' }), { inputTokens: 1000, batch: true }).total)).toBe('0.001');
  });

  it('per image', () => {
    const cost = makeCost({ pricingType: 'per_image', perImage: '0.04' });
    const r = priceUsage({ cost, usage: { images: 3, requests: 1 }, markupPercent: 40 });
    expect(s(r.cost.images)).toBe('0.12');
    expect(s(r.price)).toBe('0.168');
  });

  it('per second (video)', () => {
    const cost = makeCost({ pricingType: 'per_second', perSecond: '0.5' });
    const r = priceUsage({ cost, usage: { seconds: 8 }, markupPercent: 40 });
    expect(s(r.cost.total)).toBe('4');
    expect(s(r.price)).toBe('5.6');
  });

  it('per minute (transcription), fractional minutes', () => {
    const cost = makeCost({ pricingType: 'per_minute', perMinute: '0.006' });
    const r = priceUsage({ cost, usage: { minutes: 2.5 }, markupPercent: 40 });
    expect(s(r.cost.total)).toBe('0.015');
    expect(s(r.price)).toBe('0.021');
  });

  it('per request', () => {
    const cost = makeCost({ pricingType: 'per_request', perRequest: '0.005' });
    const r = priceUsage({ cost, usage: { requests: 3 }, markupPercent: 40 });
    expect(s(r.cost.requests)).toBe('0.015');
    expect(s(r.price)).toBe('0.021');
  });

  it('per-token model with a per-request fee charges both', () => {
    const cost = makeCost({ inputPer1k: '0.001', outputPer1k: '0.001', perRequest: '0.005' });
    expect(s(computeCost(cost, { inputTokens: 1000, outputTokens: 1000, requests: 1 }).total)).toBe('0.007');
  });

  it('tool calls', () => {
    const cost = makeCost({ inputPer1k: '0.003', outputPer1k: '0.015', perToolCall: '0.01' });
    const b = computeCost(cost, { inputTokens: 1000, outputTokens: 1000, toolCalls: 3 });
    expect(s(b.toolCalls)).toBe('0.03');
    expect(s(b.total)).toBe('0.048');
  });

  it('text-to-speech per 1K characters', () => {
    const cost = makeCost({ pricingType: 'per_1k_characters', per1kCharacters: '0.015' });
    const r = priceUsage({ cost, usage: { characters: 2500 }, markupPercent: 40 });
    expect(s(r.cost.characters)).toBe('0.0375');
    expect(s(r.price)).toBe('0.0525');
  });

  it('warm-up cost on a cold start of a self-hosted model (75% default markup)', () => {
    const cold = priceUsage({ cost: SELF_HOSTED_LLAMA.cost, usage: { inputTokens: 1000, outputTokens: 1000, coldStart: true }, markupPercent: 75 });
    expect(s(cold.cost.warmup)).toBe('0.05');
    expect(s(cold.cost.total)).toBe('0.0503');
    expect(s(cold.price)).toBe('0.088025');
    const warm = computeCost(SELF_HOSTED_LLAMA.cost, { inputTokens: 1000, outputTokens: 1000, coldStart: false });
    expect(s(warm.warmup)).toBe('0');
    expect(s(warm.total)).toBe('0.0003');
  });

  it('free model: cost, price and margin are zero', () => {
    const cost = makeCost({ inputPer1k: '0', outputPer1k: '0' });
    const r = priceUsage({ cost, usage: { inputTokens: 5000, outputTokens: 5000 }, markupPercent: 40 });
    expect(r.price.isZero()).toBe(true);
    expect(r.margin.isZero()).toBe(true);
  });
});

describe('usage validation and invoice units', () => {
  it('refuses negative, fractional token counts and cached > input', () => {
    expect(() => normalizeUsage({ inputTokens: -1 })).toThrow(ValidationError);
    expect(() => normalizeUsage({ inputTokens: 1.5 })).toThrow(ValidationError);
    expect(() => normalizeUsage({ inputTokens: 10, cachedInputTokens: 11 })).toThrow(ValidationError);
    expect(() => normalizeUsage({ seconds: Number.NaN })).toThrow(ValidationError);
    expect(normalizeUsage({ seconds: 1.25 }).seconds).toBe(1.25);
  });

  it('refuses a negative markup', () => {
    expect(() => priceUsage({ cost: GPT_4_1.cost, usage: { inputTokens: 1 }, markupPercent: '-1' })).toThrow(ValidationError);
    expect(() => unitPrices(GPT_4_1.cost, -5)).toThrow(ValidationError);
  });

  it('unitsFor lists billable quantities per pricing type', () => {
    const units = unitsFor({ inputTokens: 1000, cachedInputTokens: 400, outputTokens: 50, toolCalls: 2 }, 'per_token');
    expect(units.map((u) => [u.unit, u.quantity.toFixed()])).toEqual([
      ['input_tokens', '600'],
      ['cached_input_tokens', '400'],
      ['output_tokens', '50'],
      ['tool_calls', '2'],
    ]);
    expect(unitsFor({ images: 2, requests: 1 }, 'per_image').map((u) => u.unit)).toEqual(['images']);
    expect(unitsFor({ characters: 10, coldStart: true }, 'per_1k_characters').map((u) => u.unit)).toEqual(['characters', 'warmups']);
  });

  it('costLines sum exactly to the total, net of the batch discount', () => {
    const cost = makeCost({ ...GPT_4_1.cost, perToolCall: '0.01' });
    const usage = { inputTokens: 123_457, cachedInputTokens: 1_001, outputTokens: 9_999, toolCalls: 3, batch: true };
    const lines = costLines(cost, usage);
    expect(lines.map((l) => l.unit)).toEqual(['input_tokens', 'cached_input_tokens', 'output_tokens', 'tool_calls']);
    expect(s(sum(lines.map((l) => l.amount)))).toBe(s(computeCost(cost, usage).total));
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

/** A rate with up to 8 decimals, as a canonical decimal string. */
const rateArb = fc.integer({ min: 0, max: 100_000_000 }).map((n) => dec(n).div(100_000_000).toFixed());
const optRateArb = fc.option(rateArb, { nil: null });
const markupArb = fc.integer({ min: 0, max: 10_000_000 }).map((n) => dec(n).div(10_000).toFixed()); // 0..1000, 4 decimals

const tokenCostArb = fc.record({
  inputPer1k: optRateArb,
  outputPer1k: optRateArb,
  cachedInputPer1k: optRateArb,
  batchDiscountPercent: fc.option(fc.integer({ min: 0, max: 100 }).map(String), { nil: null }),
  perRequest: optRateArb,
  perToolCall: optRateArb,
  perImage: optRateArb,
  warmupCost: optRateArb,
});

const usageArb = fc
  .record({
    inputTokens: fc.integer({ min: 0, max: 2_000_000 }),
    outputTokens: fc.integer({ min: 0, max: 200_000 }),
    cachedShare: fc.integer({ min: 0, max: 100 }),
    requests: fc.integer({ min: 0, max: 5 }),
    toolCalls: fc.integer({ min: 0, max: 10 }),
    images: fc.integer({ min: 0, max: 4 }),
    batch: fc.boolean(),
    coldStart: fc.boolean(),
  })
  .map(({ cachedShare, ...u }): UsageInput => ({ ...u, cachedInputTokens: Math.floor((u.inputTokens * cachedShare) / 100) }));

describe('properties', () => {
  it('price >= cost for any non-negative markup, and cost + margin == price exactly', () => {
    fc.assert(
      fc.property(tokenCostArb, usageArb, markupArb, (c, usage, markup) => {
        const r = priceUsage({ cost: makeCost(c), usage, markupPercent: markup });
        expect(r.price.greaterThanOrEqualTo(r.cost.total)).toBe(true);
        expect(r.cost.total.plus(r.margin).eq(r.price)).toBe(true);
        expect(r.price.minus(r.cost.total).eq(r.margin)).toBe(true);
        // pricing each component and summing == pricing the total
        const p = r.priceComponents;
        const parts = p.input.plus(p.cachedInput).plus(p.output).minus(p.batchDiscount).plus(p.images).plus(p.requests).plus(p.toolCalls).plus(p.warmup);
        expect(parts.eq(r.price)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('summing per-request prices equals pricing the summed usage (per-token, no long context)', () => {
    const perRequestArb = fc.record({
      inputTokens: fc.integer({ min: 0, max: 50_000 }),
      outputTokens: fc.integer({ min: 0, max: 10_000 }),
      cachedShare: fc.integer({ min: 0, max: 100 }),
      toolCalls: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(tokenCostArb, markupArb, fc.boolean(), fc.array(perRequestArb, { minLength: 1, maxLength: 40 }), (c, markup, batch, reqs) => {
        const cost = makeCost({ ...c, warmupCost: null, longContextThreshold: null });
        const events: UsageInput[] = reqs.map(({ cachedShare, ...r }) => ({
          ...r,
          cachedInputTokens: Math.floor((r.inputTokens * cachedShare) / 100),
          requests: 1,
          batch,
        }));
        const each = sum(events.map((u) => priceUsage({ cost, usage: u, markupPercent: markup }).price));
        const total: UsageInput = {
          inputTokens: events.reduce((a, u) => a + (u.inputTokens ?? 0), 0),
          outputTokens: events.reduce((a, u) => a + (u.outputTokens ?? 0), 0),
          cachedInputTokens: events.reduce((a, u) => a + (u.cachedInputTokens ?? 0), 0),
          toolCalls: events.reduce((a, u) => a + (u.toolCalls ?? 0), 0),
          requests: events.length,
          batch,
        };
        expect(each.eq(priceUsage({ cost, usage: total, markupPercent: markup }).price)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
