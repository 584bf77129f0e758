import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { dec } from './money';
import { FREE_TIER, TIER_LIMITS, VOLUME_DISCOUNTS, applyFreeTier, freeTierKindFor, totalFreeTierCredit, volumeDiscountPercent } from './volume';

describe('volume discounts', () => {
  it('has the seed tiers', () => {
    expect(VOLUME_DISCOUNTS.map((t) => [t.minSpend, t.discountPercent])).toEqual([
      ['100', '5'],
      ['500', '10'],
      ['1000', '15'],
      ['5000', '20'],
      ['10000', '25'],
    ]);
  });

  it.each([
    ['0', '0'],
    ['99.99', '0'],
    ['99.999999', '0'],
    ['100', '5'],
    ['100.00', '5'],
    ['499.99', '5'],
    ['500', '10'],
    ['999.99', '10'],
    ['1000', '15'],
    ['4999.99', '15'],
    ['5000', '20'],
    ['9999.99', '20'],
    ['10000', '25'],
    ['1000000', '25'],
  ])('spend %s -> %s%% (thresholds inclusive)', (spend, pct) => {
    expect(volumeDiscountPercent(dec(spend)).toFixed()).toBe(pct);
  });
});

describe('free tier', () => {
  it('has the seed allowances and tier limits', () => {
    expect(FREE_TIER).toEqual({ tokens: 100_000, requests: 1_000, images: 10, videoSeconds: 60, audioMinutes: 10, embeddings: 10_000 });
    expect(TIER_LIMITS[1]).toMatchObject({ rpm: 60, tpm: 100_000 });
    expect(TIER_LIMITS[5]).toMatchObject({ rpm: 20000, tpm: 50_000_000 });
  });

  it('credits the whole amount when the month fits in the allowance', () => {
    const c = applyFreeTier([
      { unitKind: 'tokens', quantity: 60_000, amount: '0.168' },
      { unitKind: 'tokens', quantity: 40_000, amount: '0.448' },
      { unitKind: 'images', quantity: 3, amount: '0.168' },
    ]);
    expect(c.tokens?.credit.toFixed()).toBe('0.616');
    expect(c.tokens?.freeQuantity.toFixed()).toBe('100000');
    expect(c.images?.credit.toFixed()).toBe('0.168');
    expect(c.requests).toBeUndefined();
    expect(totalFreeTierCredit(c).toFixed()).toBe('0.784');
  });

  it('values the allowance at the month average unit price when usage exceeds it', () => {
    // 200,000 tokens for $0.56 -> average $0.0000028/token -> 100,000 free = $0.28
    const c = applyFreeTier([
      { unitKind: 'tokens', quantity: 150_000, amount: '0.42' },
      { unitKind: 'tokens', quantity: 50_000, amount: '0.14' },
    ]);
    expect(c.tokens?.credit.toFixed()).toBe('0.28');
    // order of lines does not matter
    const reversed = applyFreeTier([
      { unitKind: 'tokens', quantity: 50_000, amount: '0.14' },
      { unitKind: 'tokens', quantity: 150_000, amount: '0.42' },
    ]);
    expect(reversed.tokens?.credit.toFixed()).toBe('0.28');
  });

  it('truncates a non-terminating pro-rata credit to 10 places, never above the true value', () => {
    const c = applyFreeTier([{ unitKind: 'tokens', quantity: 300_000, amount: '1' }]);
    expect(c.tokens?.credit.toFixed()).toBe('0.3333333333');
    const d = applyFreeTier([{ unitKind: 'images', quantity: 15, amount: '1' }]); // 10/15 = 0.666...
    expect(d.images?.credit.toFixed()).toBe('0.6666666666');
  });

  it('credits nothing for a zero-quantity kind and refuses negative lines', () => {
    expect(applyFreeTier([{ unitKind: 'requests', quantity: 0, amount: '0' }]).requests?.credit.toFixed()).toBe('0');
    expect(() => applyFreeTier([{ unitKind: 'requests', quantity: -1, amount: '0' }])).toThrow(ValidationError);
  });

  it('maps billable units of a model category to free-tier kinds', () => {
    expect(freeTierKindFor('input_tokens', 'text_generation')?.kind).toBe('tokens');
    expect(freeTierKindFor('input_tokens', 'embedding')?.kind).toBe('embeddings');
    expect(freeTierKindFor('images', 'image_generation')?.kind).toBe('images');
    expect(freeTierKindFor('seconds', 'video_generation')?.kind).toBe('videoSeconds');
    const audioSeconds = freeTierKindFor('seconds', 'speech_to_text');
    expect(audioSeconds?.kind).toBe('audioMinutes');
    expect(audioSeconds?.toKindUnits(90).toFixed()).toBe('1.5');
    expect(freeTierKindFor('tool_calls', 'text_generation')).toBeNull();
    expect(freeTierKindFor('characters', 'text_to_speech')).toBeNull();
  });
});
