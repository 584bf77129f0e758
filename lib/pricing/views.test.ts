import { describe, expect, it } from 'vitest';
import { dec } from './money';
import { resolveMarkup, type MarkupOverride } from './markup';
import { GPT_4_1, LONG_CONTEXT_MODEL, SELF_HOSTED_LLAMA, makeModel } from './test-fixtures';
import {
  CLIENT_ESTIMATED_TOOLTIP,
  CostLeakError,
  assertNoCostLeak,
  buildAdminModelPricing,
  buildClientModelPricing,
  categoryAveragePrices,
  categoryKey,
  clientModelPricingSchema,
} from './views';

const AT = new Date('2025-06-15T12:00:00Z');

const EMBEDDING = makeModel({
  id: 'openai-text-embedding-3-small',
  name: 'text-embedding-3-small',
  category: 'embedding',
  capabilities: ['text_embedding'],
  contextWindow: 8191,
  cost: { inputPer1k: '0.00002' },
});
const IMAGE = makeModel({
  id: 'openai-dall-e-3',
  name: 'dall-e-3',
  category: 'image_generation',
  capabilities: ['text_to_image'],
  contextWindow: null,
  cost: { pricingType: 'per_image', perImage: '0.04' },
});
const FREE = makeModel({ id: 'free-model', name: 'free-model', providerId: 'self-hosted', isSelfHosted: true, cost: { inputPer1k: '0', outputPer1k: '0' } });
const ESTIMATED = makeModel({
  id: 'newco-preview',
  name: 'newco-preview',
  providerId: 'newco',
  costIsEstimated: true,
  costSource: 'estimated_average',
  cost: { inputPer1k: '0.0031', outputPer1k: '0.0123' },
});
const TTS = makeModel({
  id: 'eleven-tts',
  name: 'eleven-tts',
  providerId: 'elevenlabs',
  category: 'text_to_speech',
  capabilities: ['text_to_speech'],
  contextWindow: null,
  cost: { pricingType: 'per_1k_characters', per1kCharacters: '0.18' },
});

const ALL = [GPT_4_1, LONG_CONTEXT_MODEL, SELF_HOSTED_LLAMA, EMBEDDING, IMAGE, FREE, ESTIMATED, TTS];

/** Every cost rate and margin of a model, as forbidden values for the leak scan. */
function forbiddenFor(model: typeof GPT_4_1, markupPercent: string): string[] {
  const admin = buildAdminModelPricing({
    model,
    markup: resolveMarkup({ model, overrides: [], at: AT, defaults: { external: markupPercent, selfHosted: markupPercent } }),
  });
  const out: string[] = [markupPercent];
  for (const rates of [admin.cost, admin.margin]) {
    for (const [k, v] of Object.entries(rates)) {
      if (typeof v === 'string' && k !== 'batchDiscountPercent') out.push(v);
    }
  }
  out.push(admin.reference.cost, admin.reference.margin);
  return out;
}

describe('admin view', () => {
  it('shows cost, markup with its source, price, margin and margin % of price on the reference mix', () => {
    const override: MarkupOverride = {
      scope: 'model',
      modelId: GPT_4_1.id,
      markupPercent: '25',
      setBy: 'admin-7',
      setAt: new Date('2025-05-01T00:00:00Z'),
      reason: 'launch promo',
      expiresAt: new Date('2025-12-31T00:00:00Z'),
    };
    const a = buildAdminModelPricing({ model: GPT_4_1, markup: resolveMarkup({ model: GPT_4_1, overrides: [override], at: AT }) });
    expect(a.cost.inputPer1M).toBe('2');
    expect(a.cost.outputPer1M).toBe('8');
    expect(a.markupPercent).toBe('25');
    expect(a.markupSource).toBe('model');
    expect(a.markupOverride).toEqual({
      scope: 'model',
      setBy: 'admin-7',
      setAt: '2025-05-01T00:00:00.000Z',
      reason: 'launch promo',
      expiresAt: '2025-12-31T00:00:00.000Z',
    });
    expect(a.price.inputPer1M).toBe('2.5');
    expect(a.price.outputPer1M).toBe('10');
    expect(a.margin.outputPer1M).toBe('2');
    expect(a.reference).toEqual({ cost: '10', price: '12.5', margin: '2.5' });
    expect(a.marginPercent).toBe('20');
    expect(a.unitLabel).toBe('per 1M tokens');
    expect(a.estimated).toBeNull();
    expect(a.availableActions).toEqual(['override_markup', 'clear_markup_override', 'edit_cost', 'force_cost_sync']);
  });

  it('default 40% gives a 28.5714% margin of price; free models have 0% (no division by zero)', () => {
    const a = buildAdminModelPricing({ model: GPT_4_1, markup: resolveMarkup({ model: GPT_4_1, overrides: [], at: AT }) });
    expect(a.marginPercent).toBe('28.5714');
    expect(a.markupSource).toBe('default');
    expect(a.markupOverride).toBeNull();
    const f = buildAdminModelPricing({ model: FREE, markup: resolveMarkup({ model: FREE, overrides: [], at: AT }) });
    expect(f.marginPercent).toBe('0');
    expect(f.reference.price).toBe('0');
  });

  it('an input-only model (embedding) uses its input only; per-unit models use one unit', () => {
    const e = buildAdminModelPricing({ model: EMBEDDING, markup: resolveMarkup({ model: EMBEDDING, overrides: [], at: AT }) });
    expect(e.reference).toEqual({ cost: '0.02', price: '0.028', margin: '0.008' });
    const i = buildAdminModelPricing({ model: IMAGE, markup: resolveMarkup({ model: IMAGE, overrides: [], at: AT }) });
    expect(i.unitLabel).toBe('per image');
    expect(i.price.perImage).toBe('0.056');
    expect(i.referenceMix).toBe('1 image');
  });

  it('the reference mix uses standard rates even when 1M tokens would cross the long-context threshold', () => {
    const a = buildAdminModelPricing({ model: LONG_CONTEXT_MODEL, markup: resolveMarkup({ model: LONG_CONTEXT_MODEL, overrides: [], at: AT }) });
    expect(a.reference.cost).toBe('11.25'); // 1.25 + 10
    expect(a.cost.longContextInputPer1M).toBe('2.5');
    expect(a.cost.longContextThreshold).toBe(200_000);
  });

  it('shows estimate details and the adjust action for estimated costs', () => {
    const a = buildAdminModelPricing({
      model: ESTIMATED,
      markup: resolveMarkup({ model: ESTIMATED, overrides: [], at: AT }),
      estimate: { reason: 'preview_beta_model', confidence: 0.62, sourceModels: [{ modelId: GPT_4_1.id, displayName: 'GPT-4.1' }] },
    });
    expect(a.estimated).toEqual({
      isEstimated: true,
      reason: 'preview_beta_model',
      confidence: 0.62,
      sourceModels: [{ modelId: GPT_4_1.id, displayName: 'GPT-4.1' }],
    });
    expect(a.availableActions).toContain('adjust_estimated_cost');
  });
});

describe('client view', () => {
  it('shows prices per unit, savings options and tier, and nothing else', () => {
    const c = buildClientModelPricing({ model: GPT_4_1, markupPercent: '40', categoryAveragePrice: '14' });
    expect(c.model).toBe('gpt-4.1');
    expect(c.owned_by).toBe('openai');
    expect(c.prices.inputPer1M).toBe('2.8');
    expect(c.prices.outputPer1M).toBe('11.2');
    expect(c.prices.perImage).toBeNull();
    expect(c.savings.caching).toEqual({ cachedInputPer1M: '0.7', savingsPercent: 75 });
    expect(c.savings.batch).toEqual({ inputPer1M: '1.4', outputPer1M: '5.6', savingsPercent: 50 });
    expect(c.estimated).toBeNull();
    expect(c.referencePrice).toBe('14');
    expect(c.priceTier).toBe('standard');
    expect(c.vsCategoryAveragePercent).toBe(0);
    expect(Object.keys(c).some((k) => /cost|markup|margin/i.test(k))).toBe(false);
  });

  it('price tier compares with the category average (budget < -30% < standard < +30% < premium)', () => {
    expect(buildClientModelPricing({ model: GPT_4_1, markupPercent: '40', categoryAveragePrice: '20.01' }).priceTier).toBe('budget');
    expect(buildClientModelPricing({ model: GPT_4_1, markupPercent: '40', categoryAveragePrice: '20' }).priceTier).toBe('standard'); // exactly -30%
    const premium = buildClientModelPricing({ model: GPT_4_1, markupPercent: '40', categoryAveragePrice: '10' });
    expect(premium.priceTier).toBe('premium');
    expect(premium.vsCategoryAveragePercent).toBe(40);
    const free = buildClientModelPricing({ model: FREE, markupPercent: '75', categoryAveragePrice: '0' });
    expect(free.priceTier).toBe('budget');
    expect(free.vsCategoryAveragePercent).toBe(0);
  });

  it('category averages group by category and pricing type', () => {
    const avgs = categoryAveragePrices([
      { model: GPT_4_1, markupPercent: '40' }, // 14
      { model: LONG_CONTEXT_MODEL, markupPercent: '40' }, // 15.75
      { model: IMAGE, markupPercent: '40' },
    ]);
    expect(avgs.get(categoryKey(GPT_4_1))?.toFixed()).toBe('14.875');
    expect(avgs.get(categoryKey(IMAGE))?.toFixed()).toBe('0.056');
  });

  it('estimated models carry a badge with a fixed customer-safe tooltip', () => {
    const c = buildClientModelPricing({ model: ESTIMATED, markupPercent: '40' });
    expect(c.estimated).toEqual({ badge: true, tooltip: CLIENT_ESTIMATED_TOOLTIP });
    expect(CLIENT_ESTIMATED_TOOLTIP).not.toMatch(/cost|markup|margin|similar|confidence|provider|average/i);
  });

  it('the strict schema refuses any extra field', () => {
    const c = buildClientModelPricing({ model: GPT_4_1, markupPercent: '40' });
    expect(clientModelPricingSchema.safeParse({ ...c, costPer1M: '2' }).success).toBe(false);
    expect(clientModelPricingSchema.safeParse({ ...c, prices: { ...c.prices, inputCost: '2' } }).success).toBe(false);
    expect(clientModelPricingSchema.safeParse(c).success).toBe(true);
  });

  it('client views of many models pass the leak scan (cost rates, margins and markup are absent)', () => {
    for (const model of ALL) {
      const markup = model.isSelfHosted ? '75' : '40';
      const view = buildClientModelPricing({ model, markupPercent: markup, categoryAveragePrice: '3.3' });
      expect(() => assertNoCostLeak(view, forbiddenFor(model, markup))).not.toThrow();
      expect(() => assertNoCostLeak(JSON.parse(JSON.stringify(view)), forbiddenFor(model, markup))).not.toThrow();
    }
  });

  it('the admin view would fail the leak scan (the scan works)', () => {
    const admin = buildAdminModelPricing({ model: GPT_4_1, markup: resolveMarkup({ model: GPT_4_1, overrides: [], at: AT }) });
    expect(() => assertNoCostLeak(admin, [])).toThrow(CostLeakError);
  });
});

describe('assertNoCostLeak', () => {
  it('finds forbidden keys at any depth, with the path', () => {
    expect(() => assertNoCostLeak({ a: { b: [{ totalCost: 1 }] } }, [])).toThrow(/a\.b\[0\]\.totalCost/);
    expect(() => assertNoCostLeak({ Markup: 1 }, [])).toThrow(CostLeakError);
    expect(() => assertNoCostLeak({ grossMargin: null }, [])).toThrow(CostLeakError);
  });

  it('finds forbidden values as numbers, numeric strings and $ amounts, in per-1K/per-1M forms', () => {
    expect(() => assertNoCostLeak({ p: 0.002 }, ['0.002'])).toThrow(/at p/);
    expect(() => assertNoCostLeak({ p: '2.00' }, ['0.002'])).toThrow(CostLeakError); // per-1M form of a per-1K cost
    expect(() => assertNoCostLeak({ p: '0.000002' }, ['0.002'])).toThrow(CostLeakError); // per-token form
    expect(() => assertNoCostLeak({ list: ['x', { msg: 'costs you $1,234.50 / 1M' }] }, ['1234.5'])).toThrow(/list\[1\]\.msg/);
    expect(() => assertNoCostLeak({ p: dec('8') }, ['0.008'])).toThrow(CostLeakError);
  });

  it('does not read model names as numbers, ignores zero and token counts', () => {
    expect(() => assertNoCostLeak({ model: 'gpt-4.1', name: 'o3' }, ['4.1', '3'])).not.toThrow();
    expect(() => assertNoCostLeak({ price: '0' }, ['0'])).not.toThrow();
    expect(() => assertNoCostLeak({ contextWindow: 128000 }, ['0.128'])).not.toThrow();
    expect(() => assertNoCostLeak({ summary: { eligibleCount: 2 }, caching: { savingsPercent: 75 } }, ['0.002', '75'])).not.toThrow();
    expect(() => assertNoCostLeak({ a: 2 }, ['0.002'], { ignoreKeys: [] })).toThrow(CostLeakError);
    expect(() => assertNoCostLeak({ price: '2.8' }, ['0.002', '0.008', '40'])).not.toThrow();
  });
});
