/** The invoice rule set (lib/billing/invoice-math.ts): rounding, free tier, discount, tax. */
import { describe, expect, it } from 'vitest';
import { computeInvoice, type ModelUsage } from '../../lib/billing/invoice-math';
import { dec, sum } from '../../lib/pricing/money';
import { VOLUME_DISCOUNTS } from '../../lib/pricing/volume';

const zero = {
  requests: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  images: 0,
  videoSeconds: '0',
  audioMinutes: '0',
  characters: 0,
  toolCalls: 0,
};

/** Text-to-speech has no free-tier allowance: a clean way to set the spend exactly. */
function tts(price: string, characters = 1000): ModelUsage {
  return {
    ...zero,
    modelId: 'openai-tts-1',
    displayName: 'TTS-1',
    category: 'text_to_speech',
    pricingType: 'per_1k_characters',
    characters,
    requests: 1,
    price,
  };
}
function tokens(id: string, price: string, input: number, output = 0, category: ModelUsage['category'] = 'text_generation'): ModelUsage {
  return { ...zero, modelId: id, displayName: id, category, pricingType: 'per_token', inputTokens: input, outputTokens: output, requests: 1, price };
}

function check(inv: ReturnType<typeof computeInvoice>) {
  const lines = sum(inv.lines.map((l) => l.amount));
  expect(lines.equals(inv.totals.total)).toBe(true);
  for (const l of inv.lines) expect(l.amount.decimalPlaces()).toBeLessThanOrEqual(2);
}

describe('volume discount boundaries (thresholds inclusive, on spend after the free tier)', () => {
  const cases: [string, string][] = [
    ['99.99', '0'],
    ['100.00', '5'],
  ];
  for (const [i, t] of VOLUME_DISCOUNTS.entries()) {
    const below = dec(t.minSpend).minus('0.01').toFixed(2);
    cases.push([below, i === 0 ? '0' : VOLUME_DISCOUNTS[i - 1]!.discountPercent], [dec(t.minSpend).toFixed(2), t.discountPercent]);
  }
  it.each(cases)('spend %s -> %s%%', (spend, pct) => {
    const inv = computeInvoice({ usage: [tts(spend)], taxRatePercent: '0' });
    check(inv);
    expect(inv.totals.discountPercent.equals(pct)).toBe(true);
    expect(inv.totals.discountAmount.equals(dec(spend).times(pct).div(100).toDecimalPlaces(2, 6))).toBe(true);
    expect(inv.totals.total.equals(dec(spend).minus(inv.totals.discountAmount))).toBe(true);
  });

  it('the tier is chosen after the free-tier credit', () => {
    // $100.004 for 200,000 tokens: half is free (credit $50.002 -> $50.00), leaving $50.00: no discount.
    const inv = computeInvoice({ usage: [tokens('m', '100.004', 150_000, 50_000)], taxRatePercent: '0' });
    check(inv);
    expect(inv.totals.subtotal.toFixed(2)).toBe('100.00');
    expect(inv.totals.freeTierCredit.toFixed(2)).toBe('50.00');
    expect(inv.totals.discountPercent.toFixed()).toBe('0');
    expect(inv.totals.total.toFixed(2)).toBe('50.00');
  });
});

describe('rounding: each line once, half-even', () => {
  it('rounds exact line amounts to cents with banker’s rounding', () => {
    const inv = computeInvoice({
      usage: [
        { ...tts('1.005'), modelId: 'a', displayName: 'a' },
        { ...tts('1.015'), modelId: 'b', displayName: 'b' },
        { ...tts('0.0049999'), modelId: 'c', displayName: 'c' },
      ],
      taxRatePercent: '0',
    });
    check(inv);
    expect(inv.lines.map((l) => l.amount.toFixed(2))).toEqual(['1.00', '1.02', '0.00']);
    expect(inv.lines.map((l) => l.exactAmount.toFixed())).toEqual(['1.005', '1.015', '0.0049999']);
  });

  it('tax is its own line on the discounted net, and the total is the sum of the lines', () => {
    const inv = computeInvoice({ usage: [tts('1234.567')], taxRatePercent: '8.875' });
    check(inv);
    // 1234.57 - 15% (185.19) = 1049.38; tax 8.875% = 93.132475 -> 93.13
    expect(inv.totals.discountAmount.toFixed(2)).toBe('185.19');
    expect(inv.totals.taxAmount.toFixed(2)).toBe('93.13');
    expect(inv.totals.total.toFixed(2)).toBe('1142.51');
    expect(inv.lines.map((l) => l.kind)).toEqual(['usage', 'volume_discount', 'tax']);
  });
});

describe('free tier across unit types', () => {
  const usage = (over: Partial<ModelUsage> & Pick<ModelUsage, 'modelId' | 'category' | 'pricingType' | 'price'>): ModelUsage => ({
    ...zero,
    displayName: over.modelId,
    ...over,
  });

  it.each([
    [
      'tokens',
      usage({ modelId: 'chat', category: 'text_generation', pricingType: 'per_token', inputTokens: 100_000, outputTokens: 50_000, price: '3' }),
      '2.00',
    ],
    [
      'tokens within the allowance',
      usage({ modelId: 'chat', category: 'text_generation', pricingType: 'per_token', inputTokens: 70_000, outputTokens: 10_000, price: '1.234' }),
      '1.23',
    ],
    ['embedding tokens', usage({ modelId: 'emb', category: 'embedding', pricingType: 'per_token', inputTokens: 20_000, price: '0.5' }), '0.25'],
    ['images', usage({ modelId: 'img', category: 'image_generation', pricingType: 'per_image', images: 12, price: '0.672' }), '0.56'],
    ['video seconds', usage({ modelId: 'vid', category: 'video_generation', pricingType: 'per_second', videoSeconds: '120', price: '12' }), '6.00'],
    ['audio minutes', usage({ modelId: 'stt', category: 'speech_to_text', pricingType: 'per_minute', audioMinutes: '15', price: '0.126' }), '0.08'],
    ['requests', usage({ modelId: 'search', category: 'search', pricingType: 'per_request', requests: 1500, price: '10.5' }), '7.00'],
    [
      'characters (no allowance)',
      usage({ modelId: 'tts', category: 'text_to_speech', pricingType: 'per_1k_characters', characters: 9000, price: '0.189' }),
      null,
    ],
  ])('%s', (_name, u, credit) => {
    const inv = computeInvoice({ usage: [u], taxRatePercent: '0' });
    check(inv);
    const line = inv.lines.find((l) => l.kind === 'free_tier_credit');
    if (credit === null) expect(line).toBeUndefined();
    else expect(line!.amount.negated().toFixed(2)).toBe(credit);
    expect(inv.totals.freeTierCredit.toFixed(2)).toBe(credit ?? '0.00');
  });

  it('pools a kind over models at the average price (free models use allowance too)', () => {
    const inv = computeInvoice({
      usage: [
        usage({ modelId: 'a', category: 'text_generation', pricingType: 'per_token', inputTokens: 60_000, price: '6' }),
        usage({ modelId: 'b', category: 'reasoning', pricingType: 'per_token', inputTokens: 60_000, price: '12' }),
        usage({ modelId: 'free', category: 'text_generation', pricingType: 'per_token', inputTokens: 30_000, price: '0' }),
      ],
      taxRatePercent: '0',
    });
    check(inv);
    // 150,000 tokens for $18: 100,000 free at $0.00012 average = $12.00
    expect(inv.totals.freeTierCredit.toFixed(2)).toBe('12.00');
    expect(inv.lines.filter((l) => l.kind === 'usage')).toHaveLength(3);
  });

  it('never credits more cents than a kind was billed', () => {
    // Two lines of $0.004 round to $0.00 each, the pooled credit would round to $0.01: capped.
    const inv = computeInvoice({
      usage: [
        usage({ modelId: 'a', category: 'text_generation', pricingType: 'per_token', inputTokens: 10, price: '0.004' }),
        usage({ modelId: 'b', category: 'text_generation', pricingType: 'per_token', inputTokens: 10, price: '0.004' }),
      ],
      taxRatePercent: '0',
    });
    check(inv);
    expect(inv.totals.total.toFixed(2)).toBe('0.00');
    expect(inv.lines.some((l) => l.kind === 'free_tier_credit')).toBe(false);
  });
});
