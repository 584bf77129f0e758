/**
 * The price optimizer ("model: auto"): given a request's token estimates, required capabilities,
 * a preference and budgets, pick a model by PRICE (what the customer pays, cost x markup),
 * never by our cost.
 *
 * Pipeline (docs/pricing.md, "Price optimizer"):
 *  1. Price every candidate for this request: input/output/cached tokens (caching only when the
 *     client can use it AND the model has a cache rate), batch (when allowed and the model has a
 *     batch discount), tool calls (requiresToolCalls: estimatedToolCalls, default 1), one
 *     request (per-request fees), warm-up for self-hosted models in thermal state OFF or COLD.
 *  2. Filter, recording every reason a model was excluded: pricing type must be token- or
 *     request-priced; required capabilities (requiresToolCalls also needs one of
 *     function_calling | tool_use | tool_calling); available; estimated prices only when
 *     includeEstimatedPricing; qualityScore >= minQualityScore; the request fits the context
 *     window and max output; price <= maxPricePerRequest; price <= remainingMonthlyBudget.
 *  3. Order the eligible models:
 *       minimize: price asc, then quality desc, then name
 *       balance:  quality per unit of price desc, compared by cross-multiplication
 *                 (q_a x p_b vs q_b x p_a, no division); FREE models (price 0) are infinitely
 *                 good value and come first, among themselves by quality desc; then price asc,
 *                 then name
 *       ignore:   quality desc, then price asc, then name
 *     Names compare by code unit (locale-independent), so the order is deterministic.
 *  4. Nothing eligible -> NoEligibleModelError (never a crash on an empty list).
 *
 * Two serializers: the admin result (OptimizationResult, includes per-candidate cost, markup and
 * margin and admin warnings) and `toClientOptimization` (price only, parsed through a strict
 * schema).
 */
import { z } from 'zod';
import type { CatalogModel } from '@/lib/catalog/types';
import { NoEligibleModelError, ValidationError, fromZodIssues } from '@/lib/errors';
import { Decimal, HUNDRED, ZERO, dec, formatMoney, marginPercentOfPrice, type DecimalInput } from './money';
import { priceUsage } from './price';
import { breakdownToStrings, type BreakdownStrings, type UsageQuantities } from './usage';
import { decimalString, nonNegativeDecimalString } from '@/lib/platform/schemas';

// =============================================================================================
// Request
// =============================================================================================

/** A non-negative amount as a decimal string or number -> canonical decimal string. */
export const nonNegativeAmountSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  let d: Decimal;
  try {
    d = dec(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a decimal amount' });
    return z.NEVER;
  }
  if (d.lessThan(0)) {
    ctx.addIssue({ code: 'custom', message: 'must not be negative' });
    return z.NEVER;
  }
  return d.isZero() ? '0' : d.toFixed();
});

export const PRICE_PREFERENCES = ['minimize', 'balance', 'ignore'] as const;
export type PricePreference = (typeof PRICE_PREFERENCES)[number];

const tokenCount = z.number().int().nonnegative();

export const optimizeRequestSchema = z
  .object({
    request: z
      .object({
        estimatedInputTokens: tokenCount,
        estimatedOutputTokens: tokenCount,
        canUseCaching: z.boolean().default(false),
        cachedTokenCount: tokenCount.optional(),
        canUseBatch: z.boolean().default(false),
        /** Accepted for seed compatibility. Long-context pricing follows from the token counts
         * (input > the model's threshold); models whose context window cannot hold the request
         * are excluded whatever this flag says. */
        isLongContext: z.boolean().default(false),
        requiresToolCalls: z.boolean().default(false),
        estimatedToolCalls: tokenCount.optional(),
      })
      .strict()
      .refine((r) => r.cachedTokenCount === undefined || r.cachedTokenCount <= r.estimatedInputTokens, {
        message: 'cachedTokenCount cannot exceed estimatedInputTokens',
        path: ['cachedTokenCount'],
      }),
    requiredCapabilities: z.array(z.string().min(1)).default([]),
    pricePreference: z.enum(PRICE_PREFERENCES),
    minQualityScore: z.number().min(0).max(100).optional(),
    includeEstimatedPricing: z.boolean(),
    budgetConstraints: z
      .object({
        maxPricePerRequest: nonNegativeAmountSchema.optional(),
        remainingMonthlyBudget: nonNegativeAmountSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type OptimizeRequestInput = z.input<typeof optimizeRequestSchema>;
export type OptimizeRequest = z.output<typeof optimizeRequestSchema>;

// =============================================================================================
// Candidates and result
// =============================================================================================

export type ThermalState = 'OFF' | 'COLD' | 'WARM' | 'HOT' | 'AUTOMATIC';

export interface OptimizerCandidate {
  model: CatalogModel;
  /** Resolved markup for this tenant and model (resolveMarkup). */
  markupPercent: DecimalInput;
  isAvailable: boolean;
  isEstimated: boolean;
  /** Self-hosted only; OFF and COLD mean a warm-up (cost and delay). */
  thermalState?: ThermalState | null;
}

export const TOOL_CAPABILITIES = ['function_calling', 'tool_use', 'tool_calling'] as const;

export const EXCLUSION_REASONS = [
  'not_token_priced',
  'missing_capabilities',
  'unavailable',
  'estimated_price_excluded',
  'below_min_quality',
  'exceeds_context_window',
  'over_max_price_per_request',
  'over_remaining_monthly_budget',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** Margin (percent of price) below which admins are warned. */
export const LOW_MARGIN_PERCENT = '20';

export interface CandidateAnalysis {
  modelId: string;
  name: string;
  displayName: string;
  providerId: string;
  qualityScore: number;
  isEstimated: boolean;
  isSelfHosted: boolean;
  thermalState: ThermalState | null;
  requiresWarmup: boolean;
  warmupSeconds: number | null;
  /** The usage this candidate was priced for. */
  usage: UsageQuantities;
  /** What the customer would pay (decimal strings). */
  price: { total: string; breakdown: BreakdownStrings };
  /** Position in the chosen order (1 = selected). */
  rank: number;
  priceRank: number;
  valueRank: number;
  isCheapest: boolean;
  isBestValue: boolean;
  isSelected: boolean;
  /** ADMIN ONLY: never serialized to clients. */
  admin: { cost: BreakdownStrings; markupPercent: string; margin: string; marginPercent: string };
}

export interface ExcludedCandidate {
  modelId: string;
  name: string;
  reasons: ExclusionReason[];
}

export interface ClientWarning {
  type: 'estimated_price' | 'warmup_delay';
  message: string;
}

export interface AdminWarning {
  type: 'low_margin' | 'estimated_cost';
  message: string;
  modelId: string;
}

export interface OptimizationResult {
  selected: CandidateAnalysis;
  selectionReason: string;
  pricePreference: PricePreference;
  /** Eligible candidates in rank order. */
  candidates: CandidateAnalysis[];
  excluded: ExcludedCandidate[];
  summary: {
    eligibleCount: number;
    selectedPrice: string;
    cheapestPrice: string;
    /** Mean price of the eligible candidates, ROUND_HALF_EVEN to 10 decimal places. */
    averagePrice: string;
    /** averagePrice - selectedPrice (negative when a pricier model was chosen for quality). */
    savingsVsAverage: string;
    /** savings / average x 100, 2 decimals; "0" when the average is 0. */
    savingsPercent: string;
  };
  clientWarnings: ClientWarning[];
  adminWarnings: AdminWarning[];
}

// =============================================================================================
// Optimizer
// =============================================================================================

interface Working {
  c: OptimizerCandidate;
  usage: UsageQuantities;
  price: Decimal;
  priced: ReturnType<typeof priceUsage>;
  requiresWarmup: boolean;
}

const byName = (a: Working, b: Working): number =>
  a.c.model.name < b.c.model.name ? -1 : a.c.model.name > b.c.model.name ? 1 : a.c.model.id < b.c.model.id ? -1 : a.c.model.id > b.c.model.id ? 1 : 0;
const byPriceAsc = (a: Working, b: Working): number => a.price.comparedTo(b.price);
const byQualityDesc = (a: Working, b: Working): number => b.c.model.qualityScore - a.c.model.qualityScore;

/** Quality per unit of price, descending, without dividing: free models first. */
function byValueDesc(a: Working, b: Working): number {
  const aFree = a.price.isZero();
  const bFree = b.price.isZero();
  if (aFree && bFree) return byQualityDesc(a, b);
  if (aFree) return -1;
  if (bFree) return 1;
  const lhs = dec(a.c.model.qualityScore).times(b.price); // q_a x p_b
  const rhs = dec(b.c.model.qualityScore).times(a.price); // q_b x p_a
  return rhs.comparedTo(lhs); // a first when q_a/p_a > q_b/p_b
}

const chain =
  (...cmps: Array<(a: Working, b: Working) => number>) =>
  (a: Working, b: Working): number => {
    for (const cmp of cmps) {
      const r = cmp(a, b);
      if (r !== 0) return r;
    }
    return 0;
  };

const ORDER: Record<PricePreference, (a: Working, b: Working) => number> = {
  minimize: chain(byPriceAsc, byQualityDesc, byName),
  balance: chain(byValueDesc, byPriceAsc, byName),
  ignore: chain(byQualityDesc, byPriceAsc, byName),
};
const PRICE_ORDER = chain(byPriceAsc, byQualityDesc, byName);
const VALUE_ORDER = ORDER.balance;

function usageFor(req: OptimizeRequest['request'], c: OptimizerCandidate, requiresWarmup: boolean): UsageQuantities {
  const cost = c.model.cost;
  return {
    inputTokens: req.estimatedInputTokens,
    outputTokens: req.estimatedOutputTokens,
    cachedInputTokens: req.canUseCaching && cost.cachedInputPer1k !== null ? (req.cachedTokenCount ?? 0) : 0,
    images: 0,
    seconds: 0,
    minutes: 0,
    requests: 1,
    toolCalls: req.requiresToolCalls ? (req.estimatedToolCalls ?? 1) : 0,
    characters: 0,
    batch: req.canUseBatch && cost.batchDiscountPercent !== null,
    coldStart: requiresWarmup,
  };
}

function parseRequest(input: OptimizeRequestInput | OptimizeRequest): OptimizeRequest {
  const r = optimizeRequestSchema.safeParse(input);
  if (!r.success) throw new ValidationError('invalid optimization request', fromZodIssues(r.error.issues));
  return r.data;
}

/** Pick the model for a request by PRICE. Throws ValidationError or NoEligibleModelError. */
export function optimizePrice(requestInput: OptimizeRequestInput | OptimizeRequest, candidates: readonly OptimizerCandidate[]): OptimizationResult {
  const request = parseRequest(requestInput);
  const req = request.request;
  if (candidates.length === 0) {
    throw new NoEligibleModelError('no models are available to choose from', { details: { reason: 'no_candidates', excluded: [] } });
  }

  const maxPrice = request.budgetConstraints?.maxPricePerRequest;
  const remaining = request.budgetConstraints?.remainingMonthlyBudget;
  const eligible: Working[] = [];
  const excluded: ExcludedCandidate[] = [];

  for (const c of candidates) {
    const m = c.model;
    const reasons: ExclusionReason[] = [];
    const tokenPriced = m.cost.pricingType === 'per_token' || m.cost.pricingType === 'per_request';
    if (!tokenPriced) reasons.push('not_token_priced');
    const caps = new Set(m.capabilities);
    const missingCap = request.requiredCapabilities.some((cap) => !caps.has(cap)) || (req.requiresToolCalls && !TOOL_CAPABILITIES.some((t) => caps.has(t)));
    if (missingCap) reasons.push('missing_capabilities');
    if (!c.isAvailable) reasons.push('unavailable');
    if (c.isEstimated && !request.includeEstimatedPricing) reasons.push('estimated_price_excluded');
    if (request.minQualityScore !== undefined && m.qualityScore < request.minQualityScore) reasons.push('below_min_quality');
    if (
      (m.contextWindow !== null && req.estimatedInputTokens + req.estimatedOutputTokens > m.contextWindow) ||
      (m.maxOutput !== null && req.estimatedOutputTokens > m.maxOutput)
    ) {
      reasons.push('exceeds_context_window');
    }

    const state = c.thermalState ?? null;
    const requiresWarmup = m.isSelfHosted && (state === 'OFF' || state === 'COLD');
    const usage = usageFor(req, c, requiresWarmup);
    const priced = priceUsage({ cost: m.cost, usage, markupPercent: c.markupPercent });
    if (maxPrice !== undefined && priced.price.greaterThan(maxPrice)) reasons.push('over_max_price_per_request');
    if (remaining !== undefined && priced.price.greaterThan(remaining)) reasons.push('over_remaining_monthly_budget');

    if (reasons.length > 0) excluded.push({ modelId: m.id, name: m.name, reasons });
    else eligible.push({ c, usage, price: priced.price, priced, requiresWarmup });
  }

  if (eligible.length === 0) {
    const budgetOnly = excluded.every((e) => e.reasons.every((r) => r === 'over_max_price_per_request' || r === 'over_remaining_monthly_budget'));
    throw new NoEligibleModelError(
      budgetOnly ? 'every model that fits the request is over the budget' : 'no model matches the required capabilities, quality, availability and budget',
      {
        details: {
          reason: budgetOnly ? 'over_budget' : 'none_eligible',
          excluded: excluded.map((e) => ({ model: e.name, reasons: e.reasons })),
        },
      },
    );
  }

  const ordered = [...eligible].sort(ORDER[request.pricePreference]);
  const priceRank = new Map([...eligible].sort(PRICE_ORDER).map((w, i) => [w, i + 1]));
  const valueRank = new Map([...eligible].sort(VALUE_ORDER).map((w, i) => [w, i + 1]));

  const analyses = ordered.map((w, i): CandidateAnalysis => {
    const m = w.c.model;
    const pr = priceRank.get(w) ?? 0;
    const vr = valueRank.get(w) ?? 0;
    return {
      modelId: m.id,
      name: m.name,
      displayName: m.displayName,
      providerId: m.providerId,
      qualityScore: m.qualityScore,
      isEstimated: w.c.isEstimated,
      isSelfHosted: m.isSelfHosted,
      thermalState: w.c.thermalState ?? null,
      requiresWarmup: w.requiresWarmup,
      warmupSeconds: w.requiresWarmup ? m.cost.warmupSeconds : null,
      usage: w.usage,
      price: { total: w.price.toFixed(), breakdown: breakdownToStrings(w.priced.priceComponents) },
      rank: i + 1,
      priceRank: pr,
      valueRank: vr,
      isCheapest: pr === 1,
      isBestValue: vr === 1,
      isSelected: i === 0,
      admin: {
        cost: breakdownToStrings(w.priced.cost),
        markupPercent: w.priced.markupPercent.toFixed(),
        margin: w.priced.margin.toFixed(),
        marginPercent: marginPercentOfPrice(w.priced.cost.total, w.price).toFixed(),
      },
    };
  });

  const selected = analyses[0];
  const selectedW = ordered[0];
  if (!selected || !selectedW) throw new Error('unreachable: eligible is not empty');

  const total = eligible.reduce((a, w) => a.plus(w.price), ZERO);
  const average = total.div(eligible.length).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN);
  const cheapest = Decimal.min(...eligible.map((w) => w.price));
  const savings = average.minus(selectedW.price);
  const savingsPercent = average.isZero() ? ZERO : savings.div(average).times(HUNDRED).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);

  const clientWarnings: ClientWarning[] = [];
  if (selected.isEstimated) {
    clientWarnings.push({ type: 'estimated_price', message: 'The price of this model is an estimate and may change.' });
  }
  if (selected.requiresWarmup) {
    const secs = selected.warmupSeconds;
    clientWarnings.push({
      type: 'warmup_delay',
      message: secs !== null ? `This model is warming up: expect about ${secs}s of extra latency.` : 'This model is warming up: expect extra latency.',
    });
  }

  const adminWarnings: AdminWarning[] = [];
  const marginPct = dec(selected.admin.marginPercent);
  if (!selectedW.price.isZero() && marginPct.lessThan(LOW_MARGIN_PERCENT)) {
    adminWarnings.push({
      type: 'low_margin',
      message: `Low margin (${marginPct.toFixed(1)}% of price) on ${selected.displayName}`,
      modelId: selected.modelId,
    });
  }
  if (selected.isEstimated) {
    adminWarnings.push({
      type: 'estimated_cost',
      message: `Cost of ${selected.displayName} is estimated: verify the margin`,
      modelId: selected.modelId,
    });
  }

  return {
    selected,
    selectionReason: selectionReason(selected, request.pricePreference, eligible.length, selectedW.price),
    pricePreference: request.pricePreference,
    candidates: analyses,
    excluded,
    summary: {
      eligibleCount: eligible.length,
      selectedPrice: selectedW.price.toFixed(),
      cheapestPrice: cheapest.toFixed(),
      averagePrice: average.toFixed(),
      savingsVsAverage: savings.toFixed(),
      savingsPercent: savingsPercent.toFixed(),
    },
    clientWarnings,
    adminWarnings,
  };
}

function selectionReason(s: CandidateAnalysis, pref: PricePreference, n: number, price: Decimal): string {
  const parts: string[] = [];
  const of = `among ${n} eligible model${n === 1 ? '' : 's'}`;
  if (pref === 'minimize') parts.push(`lowest price ${of} (${formatMoney(price)} for this request)`);
  else if (pref === 'balance') parts.push(price.isZero() ? `free, with the best quality ${of}` : `best quality per dollar ${of}`);
  else parts.push(`highest quality score (${s.qualityScore}) ${of}`);
  if (pref !== 'minimize' && s.isCheapest) parts.push('also the lowest price');
  if (s.isEstimated) parts.push('note: estimated price');
  if (s.requiresWarmup) parts.push('note: needs a warm-up');
  return `Selected ${s.displayName}: ${parts.join('; ')}`;
}

// =============================================================================================
// Client serializer
// =============================================================================================

export const clientPriceBreakdownSchema = z
  .object({
    input: nonNegativeDecimalString,
    cachedInput: nonNegativeDecimalString,
    output: nonNegativeDecimalString,
    longContextApplied: z.boolean(),
    batchDiscount: nonNegativeDecimalString,
    images: nonNegativeDecimalString,
    seconds: nonNegativeDecimalString,
    minutes: nonNegativeDecimalString,
    requests: nonNegativeDecimalString,
    toolCalls: nonNegativeDecimalString,
    characters: nonNegativeDecimalString,
    warmup: nonNegativeDecimalString,
    total: nonNegativeDecimalString,
  })
  .strict();

export const clientOptimizationCandidateSchema = z
  .object({
    model: z.string(),
    displayName: z.string(),
    providerId: z.string(),
    qualityScore: z.number(),
    estimated: z.boolean(),
    requiresWarmup: z.boolean(),
    warmupSeconds: z.number().nullable(),
    price: nonNegativeDecimalString,
    priceBreakdown: clientPriceBreakdownSchema,
    rank: z.number().int().positive(),
    priceRank: z.number().int().positive(),
    valueRank: z.number().int().positive(),
    isCheapest: z.boolean(),
    isBestValue: z.boolean(),
    isSelected: z.boolean(),
  })
  .strict();

export const clientOptimizationSchema = z
  .object({
    selected: clientOptimizationCandidateSchema,
    reason: z.string(),
    pricePreference: z.enum(PRICE_PREFERENCES),
    candidates: z.array(clientOptimizationCandidateSchema),
    summary: z
      .object({
        eligibleCount: z.number().int().positive(),
        selectedPrice: nonNegativeDecimalString,
        cheapestPrice: nonNegativeDecimalString,
        averagePrice: nonNegativeDecimalString,
        savingsVsAverage: decimalString,
        savingsPercent: decimalString,
      })
      .strict(),
    warnings: z.array(z.object({ type: z.enum(['estimated_price', 'warmup_delay']), message: z.string() }).strict()),
  })
  .strict();

export type ClientOptimization = z.infer<typeof clientOptimizationSchema>;

function toClientCandidate(a: CandidateAnalysis): ClientOptimization['selected'] {
  const b = a.price.breakdown;
  return {
    model: a.name,
    displayName: a.displayName,
    providerId: a.providerId,
    qualityScore: a.qualityScore,
    estimated: a.isEstimated,
    requiresWarmup: a.requiresWarmup,
    warmupSeconds: a.warmupSeconds,
    price: a.price.total,
    priceBreakdown: {
      input: b.input,
      cachedInput: b.cachedInput,
      output: b.output,
      longContextApplied: b.longContextApplied,
      batchDiscount: b.batchDiscount,
      images: b.images,
      seconds: b.seconds,
      minutes: b.minutes,
      requests: b.requests,
      toolCalls: b.toolCalls,
      characters: b.characters,
      warmup: b.warmup,
      total: b.total,
    },
    rank: a.rank,
    priceRank: a.priceRank,
    valueRank: a.valueRank,
    isCheapest: a.isCheapest,
    isBestValue: a.isBestValue,
    isSelected: a.isSelected,
  };
}

/** The client-facing optimization: prices only. No cost, markup, margin, admin warnings or
 * excluded-model internals; parsed through a strict schema. */
export function toClientOptimization(result: OptimizationResult): ClientOptimization {
  const s = result.summary;
  return clientOptimizationSchema.parse({
    selected: toClientCandidate(result.selected),
    reason: result.selectionReason,
    pricePreference: result.pricePreference,
    candidates: result.candidates.map(toClientCandidate),
    summary: {
      eligibleCount: s.eligibleCount,
      selectedPrice: s.selectedPrice,
      cheapestPrice: s.cheapestPrice,
      averagePrice: s.averagePrice,
      savingsVsAverage: s.savingsVsAverage,
      savingsPercent: s.savingsPercent,
    },
    warnings: result.clientWarnings.map((w) => ({ type: w.type, message: w.message })),
  });
}
