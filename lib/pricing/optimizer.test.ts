import { describe, expect, it } from 'vitest';
import { NoEligibleModelError, ValidationError } from '@/lib/errors';
import {
  clientOptimizationSchema,
  optimizePrice,
  optimizeRequestSchema,
  toClientOptimization,
  type OptimizationResult,
  type OptimizeRequestInput,
  type OptimizerCandidate,
} from './optimizer';
import { assertNoCostLeak } from './views';
import { GPT_4_1, SELF_HOSTED_LLAMA, makeModel } from './test-fixtures';

const chat = (id: string, cost: { inputPer1k: string; outputPer1k: string }, extra: Parameters<typeof makeModel>[0] | object = {}) =>
  makeModel({ id, name: id, displayName: id.toUpperCase(), capabilities: ['chat', 'streaming', 'function_calling'], ...extra, cost });

const cand = (model: ReturnType<typeof makeModel>, markupPercent: string, extra: Partial<OptimizerCandidate> = {}): OptimizerCandidate => ({
  model,
  markupPercent,
  isAvailable: true,
  isEstimated: model.costIsEstimated,
  ...extra,
});

const REQ: OptimizeRequestInput = {
  request: { estimatedInputTokens: 1000, estimatedOutputTokens: 1000 },
  requiredCapabilities: ['chat'],
  pricePreference: 'minimize',
  includeEstimatedPricing: false,
};
const req = (over: Partial<OptimizeRequestInput> = {}): OptimizeRequestInput => ({ ...REQ, ...over });

// Cost order and price order differ: A is cheaper to US, B is cheaper for the CUSTOMER.
const A = chat('model-a', { inputPer1k: '0.001', outputPer1k: '0.002' }, { qualityScore: 80 }); // cost 0.003 / 1K+1K
const B = chat('model-b', { inputPer1k: '0.0012', outputPer1k: '0.0024' }, { qualityScore: 80 }); // cost 0.0036
const A_C = cand(A, '100'); // price 0.006
const B_C = cand(B, '20'); // price 0.00432

function noEligible(fn: () => unknown): NoEligibleModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof NoEligibleModelError) return e;
    throw e;
  }
  throw new Error('expected NoEligibleModelError');
}

describe('optimizePrice: selects by PRICE, never by cost', () => {
  it('the price-cheapest model wins even though the other costs us less', () => {
    const r = optimizePrice(req(), [A_C, B_C]);
    expect(r.selected.modelId).toBe('model-b');
    expect(r.selected.price.total).toBe('0.00432');
    expect(r.selected.admin.cost.total).toBe('0.0036');
    expect(r.candidates.find((c) => c.modelId === 'model-a')?.admin.cost.total).toBe('0.003');
    expect(r.candidates.map((c) => [c.modelId, c.rank, c.priceRank])).toEqual([
      ['model-b', 1, 1],
      ['model-a', 2, 2],
    ]);
    expect(r.summary).toEqual({
      eligibleCount: 2,
      selectedPrice: '0.00432',
      cheapestPrice: '0.00432',
      averagePrice: '0.00516',
      savingsVsAverage: '0.00084',
      savingsPercent: '16.28',
    });
    expect(r.selectionReason).toMatch(/^Selected MODEL-B: lowest price among 2 eligible models/);
    // B sells at 20% markup -> 16.67% margin of price -> admin warning
    expect(r.adminWarnings).toEqual([expect.objectContaining({ type: 'low_margin', modelId: 'model-b' })]);
    expect(r.adminWarnings[0]?.message).toMatch(/16\.7%/);
    expect(r.clientWarnings).toEqual([]);
  });

  it('balance ranks by quality per unit of price (cross-multiplied, no division)', () => {
    const hi = cand(chat('hi-q', { inputPer1k: '0.005', outputPer1k: '0.005' }, { qualityScore: 80 }), '0'); // 0.01 -> 8000/$
    const lo = cand(chat('lo-q', { inputPer1k: '0.0025', outputPer1k: '0.0025' }, { qualityScore: 60 }), '0'); // 0.005 -> 12000/$
    const r = optimizePrice(req({ pricePreference: 'balance' }), [hi, lo]);
    expect(r.selected.modelId).toBe('lo-q');
    expect(r.selected.isBestValue).toBe(true);
    expect(r.selectionReason).toMatch(/best quality per dollar/);
    const q = optimizePrice(req({ pricePreference: 'ignore' }), [lo, hi]);
    expect(q.selected.modelId).toBe('hi-q');
    expect(q.selectionReason).toMatch(/highest quality score \(80\)/);
    expect(q.summary.savingsVsAverage).toBe('-0.0025'); // paid more than average for quality
  });
});

describe('optimizePrice: edge cases', () => {
  it('an empty candidate set is a typed error, not a crash', () => {
    const e = noEligible(() => optimizePrice(req(), []));
    expect(e.httpStatus).toBe(422);
    expect(e.code).toBe('no_eligible_model');
    expect(e.details).toMatchObject({ reason: 'no_candidates' });
  });

  it('all filtered out -> NoEligibleModelError listing reasons per model', () => {
    const e = noEligible(() => optimizePrice(req({ requiredCapabilities: ['vision'] }), [A_C, cand(B, '20', { isAvailable: false })]));
    expect(e.details).toEqual({
      reason: 'none_eligible',
      excluded: [
        { model: 'model-a', reasons: ['missing_capabilities'] },
        { model: 'model-b', reasons: ['missing_capabilities', 'unavailable'] },
      ],
    });
  });

  it('all over budget -> NoEligibleModelError with reason over_budget', () => {
    const e = noEligible(() => optimizePrice(req({ budgetConstraints: { maxPricePerRequest: '0.004' } }), [A_C, B_C]));
    expect(e.details).toMatchObject({ reason: 'over_budget' });
    const m = noEligible(() => optimizePrice(req({ budgetConstraints: { remainingMonthlyBudget: 0.001 } }), [A_C, B_C]));
    expect(m.details).toMatchObject({ reason: 'over_budget' });
    expect(m.message).not.toMatch(/cost|markup|margin/i);
  });

  it('budget limits are inclusive and filter per candidate', () => {
    const r = optimizePrice(req({ pricePreference: 'ignore', budgetConstraints: { maxPricePerRequest: '0.00432' } }), [A_C, B_C]);
    expect(r.selected.modelId).toBe('model-b');
    expect(r.excluded).toEqual([{ modelId: 'model-a', name: 'model-a', reasons: ['over_max_price_per_request'] }]);
  });

  it('free models are infinitely good value in balance mode, without dividing by zero', () => {
    const free1 = cand(chat('free-small', { inputPer1k: '0', outputPer1k: '0' }, { qualityScore: 40 }), '40');
    const free2 = cand(chat('free-big', { inputPer1k: '0', outputPer1k: '0' }, { qualityScore: 60 }), '40');
    const r = optimizePrice(req({ pricePreference: 'balance' }), [A_C, free1, B_C, free2]);
    expect(r.candidates.map((c) => c.modelId)).toEqual(['free-big', 'free-small', 'model-b', 'model-a']);
    expect(r.selectionReason).toMatch(/free/);
    expect(r.summary.selectedPrice).toBe('0');
    expect(r.adminWarnings).toEqual([]); // no "low margin" noise on a free model
    // all free: average 0 -> savings percent 0, no NaN
    const allFree = optimizePrice(req({ pricePreference: 'balance' }), [free1, free2]);
    expect(allFree.summary.averagePrice).toBe('0');
    expect(allFree.summary.savingsPercent).toBe('0');
    expect(optimizePrice(req(), [A_C, free1]).selected.modelId).toBe('free-small');
  });

  it('ties break deterministically: price, then name, whatever the input order', () => {
    const x = cand(chat('b-model', { inputPer1k: '0.001', outputPer1k: '0.001' }, { qualityScore: 70 }), '40');
    const y = cand(chat('a-model', { inputPer1k: '0.001', outputPer1k: '0.001' }, { qualityScore: 70 }), '40');
    const z = cand(chat('c-model', { inputPer1k: '0.002', outputPer1k: '0.002' }, { qualityScore: 70 }), '40');
    for (const pref of ['minimize', 'balance', 'ignore'] as const) {
      const one = optimizePrice(req({ pricePreference: pref }), [x, y, z]);
      const two = optimizePrice(req({ pricePreference: pref }), [z, y, x]);
      expect(one.candidates.map((c) => c.modelId)).toEqual(['a-model', 'b-model', 'c-model']);
      expect(two.candidates.map((c) => c.modelId)).toEqual(['a-model', 'b-model', 'c-model']);
    }
  });

  it('estimated prices are excluded unless includeEstimatedPricing, and then flagged', () => {
    const est = cand(chat('estimated', { inputPer1k: '0.0001', outputPer1k: '0.0001' }, { costIsEstimated: true }), '40');
    const off = optimizePrice(req(), [A_C, est]);
    expect(off.selected.modelId).toBe('model-a');
    expect(off.excluded).toEqual([{ modelId: 'estimated', name: 'estimated', reasons: ['estimated_price_excluded'] }]);
    const on = optimizePrice(req({ includeEstimatedPricing: true }), [A_C, est]);
    expect(on.selected.modelId).toBe('estimated');
    expect(on.clientWarnings.map((w) => w.type)).toEqual(['estimated_price']);
    expect(on.adminWarnings.map((w) => w.type)).toEqual(['estimated_cost']);
    expect(() => noEligible(() => optimizePrice(req(), [est]))).not.toThrow();
  });

  it('minimum quality, context window and tool-call capability filter candidates', () => {
    const small = cand(chat('small-ctx', { inputPer1k: '0.0001', outputPer1k: '0.0001' }, { contextWindow: 1500 }), '40');
    const noTools = cand(makeModel({ id: 'no-tools', capabilities: ['chat'], cost: { inputPer1k: '0.0001', outputPer1k: '0.0001' } }), '40');
    const r = optimizePrice(req({ minQualityScore: 75 }), [A_C, small, noTools]);
    expect(r.selected.modelId).toBe('model-a');
    expect(r.excluded.find((e) => e.modelId === 'small-ctx')?.reasons).toEqual(['below_min_quality', 'exceeds_context_window']);
    const t = optimizePrice(req({ request: { estimatedInputTokens: 100, estimatedOutputTokens: 100, requiresToolCalls: true, estimatedToolCalls: 2 } }), [
      noTools,
      A_C,
    ]);
    expect(t.selected.modelId).toBe('model-a');
    expect(t.excluded).toEqual([{ modelId: 'no-tools', name: 'no-tools', reasons: ['missing_capabilities'] }]);
    expect(t.selected.usage.toolCalls).toBe(2);
  });

  it('non-token-priced models (images, video...) are not candidates for a chat request', () => {
    const img = cand(makeModel({ id: 'img', capabilities: ['chat'], cost: { pricingType: 'per_image', perImage: '0.04' } }), '40');
    expect(optimizePrice(req(), [img, A_C]).excluded[0]?.reasons).toEqual(['not_token_priced']);
  });

  it('caching and batch lower the price only where the model supports them', () => {
    const base = { estimatedInputTokens: 10_000, estimatedOutputTokens: 1_000 };
    const plain = optimizePrice(req({ request: base }), [cand(GPT_4_1, '40')]);
    const saved = optimizePrice(req({ request: { ...base, canUseCaching: true, cachedTokenCount: 8_000, canUseBatch: true } }), [cand(GPT_4_1, '40')]);
    expect(plain.selected.price.total).toBe('0.0392'); // (0.02 + 0.008) x 1.4
    // cost: 2,000 x 0.002 + 8,000 x 0.0005 + 1,000 x 0.008 = 0.016, batch 50% -> 0.008; x 1.4
    expect(saved.selected.price.total).toBe('0.0112');
    expect(saved.selected.usage.batch).toBe(true);
  });

  it('cold self-hosted models add the warm-up price and a warm-up delay warning', () => {
    const cold = optimizePrice(req(), [cand(SELF_HOSTED_LLAMA, '75', { thermalState: 'COLD' })]);
    expect(cold.selected.requiresWarmup).toBe(true);
    expect(cold.selected.price.breakdown.warmup).toBe('0.0875'); // 0.05 x 1.75
    expect(cold.selected.price.total).toBe('0.088025');
    expect(cold.clientWarnings).toEqual([{ type: 'warmup_delay', message: expect.stringMatching(/30s/) }]);
    const hot = optimizePrice(req(), [cand(SELF_HOSTED_LLAMA, '75', { thermalState: 'HOT' })]);
    expect(hot.selected.requiresWarmup).toBe(false);
    expect(hot.selected.price.total).toBe('0.000525');
    expect(hot.clientWarnings).toEqual([]);
  });

  it('validates the request', () => {
    expect(() => optimizePrice(req({ request: { estimatedInputTokens: -1, estimatedOutputTokens: 0 } }), [A_C])).toThrow(ValidationError);
    expect(() => optimizePrice(req({ request: { estimatedInputTokens: 10, estimatedOutputTokens: 0, cachedTokenCount: 11 } }), [A_C])).toThrow(ValidationError);
    expect(() => optimizePrice(req({ budgetConstraints: { maxPricePerRequest: '-1' } }), [A_C])).toThrow(ValidationError);
    expect(optimizeRequestSchema.parse(req({ budgetConstraints: { maxPricePerRequest: 0.5 } })).budgetConstraints?.maxPricePerRequest).toBe('0.5');
  });
});

describe('client serializer', () => {
  function forbiddenValues(r: OptimizationResult, candidates: OptimizerCandidate[]): string[] {
    const out: string[] = [];
    for (const c of r.candidates) {
      out.push(c.admin.markupPercent, c.admin.margin, c.admin.marginPercent);
      for (const [k, v] of Object.entries(c.admin.cost)) if (k !== 'longContextApplied' && typeof v === 'string') out.push(v);
    }
    for (const c of candidates) {
      for (const [k, v] of Object.entries(c.model.cost)) {
        if (typeof v === 'string' && k !== 'batchDiscountPercent' && k !== 'pricingType') out.push(v);
      }
    }
    return out;
  }

  it('toClientOptimization shows prices only and passes the leak scan for several models', () => {
    const est = cand(chat('est-model', { inputPer1k: '0.00037', outputPer1k: '0.00291' }, { costIsEstimated: true, qualityScore: 66 }), '35');
    // (model-a at 100% would price its 1,234 input tokens at exactly GPT-4.1's cost for them: a
    // numeric coincidence the scanner cannot tell from a leak, so it runs at 90% here.)
    const candidates = [cand(A, '90'), B_C, cand(GPT_4_1, '40'), cand(SELF_HOSTED_LLAMA, '75', { thermalState: 'OFF' }), est];
    for (const pricePreference of ['minimize', 'balance', 'ignore'] as const) {
      const r = optimizePrice(
        req({ pricePreference, includeEstimatedPricing: true, request: { estimatedInputTokens: 1234, estimatedOutputTokens: 567, requiresToolCalls: true } }),
        candidates,
      );
      const client = toClientOptimization(r);
      expect(clientOptimizationSchema.safeParse(client).success).toBe(true);
      expect(client).not.toHaveProperty('adminWarnings');
      expect(client).not.toHaveProperty('excluded');
      expect(client.candidates).toHaveLength(r.candidates.length);
      expect(() => assertNoCostLeak(client, forbiddenValues(r, candidates))).not.toThrow();
      expect(() => assertNoCostLeak(JSON.parse(JSON.stringify(client)), forbiddenValues(r, candidates))).not.toThrow();
      // while the admin result does carry them
      expect(() => assertNoCostLeak(r, [])).toThrow();
    }
  });

  it('the strict schema refuses cost fields', () => {
    const client = toClientOptimization(optimizePrice(req(), [A_C, B_C]));
    expect(clientOptimizationSchema.safeParse({ ...client, selected: { ...client.selected, cost: '0.003' } }).success).toBe(false);
  });
});
