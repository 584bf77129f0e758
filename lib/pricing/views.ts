/**
 * Role-based pricing views. Two DIFFERENT types built by two different functions:
 *
 *  - AdminModelPricing: cost + markup (% and source, with who/when/why/expiry) + price + margin
 *    + estimated-cost details. Only for platform-admin surfaces.
 *  - ClientModelPricing: PRICE only (+ savings options, an "Estimated" badge with a fixed
 *    customer-safe tooltip, price tier). Built field by field and parsed through a `.strict()`
 *    zod schema, so no cost, markup or margin field can exist on it.
 *
 * `assertNoCostLeak` deep-scans any client-facing JSON for cost/markup/margin keys and values.
 */
import { z } from 'zod';
import type { CatalogModel, CostSource, ModelCategory, PricingType } from '@/lib/catalog/types';
import { MODEL_CATEGORIES, PRICING_TYPES } from '@/lib/catalog/types';
import { Decimal, HUNDRED, MILLION, THOUSAND, ZERO, dec, margin as marginOf, marginPercentOfPrice, toDisplayNumber, type DecimalInput } from './money';
import type { MarkupOverride, MarkupSource, ResolvedMarkup } from './markup';
import { REFERENCE_MIX_LABEL, referenceCost, referencePrice, unitCosts, unitMargins, unitPrices, unitRatesToStrings, type UnitRates } from './price';
import type { EstimatedCostReason, EstimateSource } from './estimates';
import { nonNegativeDecimalString } from '@/lib/platform/schemas';

/** What one number "per unit" means for each pricing type (token models: per 1M tokens). */
export const PRICE_UNIT_LABEL: Record<PricingType, string> = {
  per_token: 'per 1M tokens',
  per_image: 'per image',
  per_second: 'per second',
  per_minute: 'per minute',
  per_request: 'per request',
  per_1k_characters: 'per 1K characters',
};

// =============================================================================================
// Admin view
// =============================================================================================

export const ADMIN_PRICING_ACTIONS = ['override_markup', 'clear_markup_override', 'edit_cost', 'adjust_estimated_cost', 'force_cost_sync'] as const;
export type AdminPricingAction = (typeof ADMIN_PRICING_ACTIONS)[number];

/** Details of an estimate as the admin sees them (from estimateCost / the models.estimate column). */
export interface EstimateInfo {
  reason: EstimatedCostReason;
  confidence: number;
  sourceModels: Array<Pick<EstimateSource, 'modelId' | 'displayName'>>;
}

export interface AdminModelPricing {
  modelId: string;
  name: string;
  displayName: string;
  providerId: string;
  category: ModelCategory;
  pricingType: PricingType;
  isSelfHosted: boolean;
  unitLabel: string;
  /** COST per unit: per 1K and per 1M for tokens/characters, per unit otherwise. Decimal strings. */
  cost: UnitRates<string>;
  costSource: CostSource;
  markupPercent: string;
  markupSource: MarkupSource;
  markupOverride: {
    scope: MarkupOverride['scope'];
    setBy: string;
    setAt: string;
    reason: string;
    expiresAt: string | null;
  } | null;
  /** PRICE per unit (same shape as cost). */
  price: UnitRates<string>;
  /** MARGIN per unit = price - cost. */
  margin: UnitRates<string>;
  /** The reference mix the single-number figures use (docs/pricing.md). */
  referenceMix: string;
  reference: { cost: string; price: string; margin: string };
  /** Margin as a percent of PRICE on the reference mix, 4 decimals; "0" for free models. */
  marginPercent: string;
  estimated: {
    isEstimated: true;
    reason: EstimatedCostReason;
    confidence: number | null;
    sourceModels: Array<{ modelId: string; displayName: string }>;
  } | null;
  availableActions: AdminPricingAction[];
}

export function buildAdminModelPricing(args: { model: CatalogModel; markup: ResolvedMarkup; estimate?: EstimateInfo | null }): AdminModelPricing {
  const { model, markup } = args;
  const m = markup.markupPercent;
  const refCost = referenceCost(model.cost);
  const refPrice = referencePrice(model.cost, m);
  const o = markup.override;
  const estimated: AdminModelPricing['estimated'] = model.costIsEstimated
    ? {
        isEstimated: true,
        reason: args.estimate?.reason ?? 'cost_not_published',
        confidence: args.estimate?.confidence ?? null,
        sourceModels: (args.estimate?.sourceModels ?? []).map((s) => ({ modelId: s.modelId, displayName: s.displayName })),
      }
    : null;
  const actions: AdminPricingAction[] = ['override_markup'];
  if (o) actions.push('clear_markup_override');
  actions.push('edit_cost');
  if (model.costIsEstimated) actions.push('adjust_estimated_cost');
  if (!model.isSelfHosted) actions.push('force_cost_sync');

  return {
    modelId: model.id,
    name: model.name,
    displayName: model.displayName,
    providerId: model.providerId,
    category: model.category,
    pricingType: model.cost.pricingType,
    isSelfHosted: model.isSelfHosted,
    unitLabel: PRICE_UNIT_LABEL[model.cost.pricingType],
    cost: unitRatesToStrings(unitCosts(model.cost)),
    costSource: model.costSource,
    markupPercent: m.toFixed(),
    markupSource: markup.source,
    markupOverride: o
      ? {
          scope: o.scope,
          setBy: o.setBy,
          setAt: o.setAt.toISOString(),
          reason: o.reason,
          expiresAt: o.expiresAt === null ? null : o.expiresAt.toISOString(),
        }
      : null,
    price: unitRatesToStrings(unitPrices(model.cost, m)),
    margin: unitRatesToStrings(unitMargins(model.cost, m)),
    referenceMix: REFERENCE_MIX_LABEL[model.cost.pricingType],
    reference: { cost: refCost.toFixed(), price: refPrice.toFixed(), margin: marginOf(refCost, refPrice).toFixed() },
    marginPercent: marginPercentOfPrice(refCost, refPrice).toFixed(),
    estimated,
    availableActions: actions,
  };
}

// =============================================================================================
// Client view
// =============================================================================================

/** The one tooltip clients see on an estimated price: it says nothing about why, about our
 * cost, or about the models it was estimated from. */
export const CLIENT_ESTIMATED_TOOLTIP = 'This price is an estimate and may change once final pricing is confirmed.';

export const PRICE_TIERS = ['budget', 'standard', 'premium'] as const;
export type PriceTier = (typeof PRICE_TIERS)[number];

/** Below 70% of the category average -> budget; above 130% -> premium; else standard. */
export const PRICE_TIER_BAND_PERCENT = '30';

const nullableDecimal = nonNegativeDecimalString.nullable();

export const clientUnitPricesSchema = z
  .object({
    inputPer1M: nullableDecimal,
    outputPer1M: nullableDecimal,
    longContextThreshold: z.number().int().nonnegative().nullable(),
    longContextInputPer1M: nullableDecimal,
    longContextOutputPer1M: nullableDecimal,
    perImage: nullableDecimal,
    perSecond: nullableDecimal,
    perMinute: nullableDecimal,
    perRequest: nullableDecimal,
    perToolCall: nullableDecimal,
    per1kCharacters: nullableDecimal,
  })
  .strict();

export const clientModelPricingSchema = z
  .object({
    model: z.string(),
    displayName: z.string(),
    providerId: z.string(),
    owned_by: z.string(),
    category: z.enum(MODEL_CATEGORIES),
    capabilities: z.array(z.string()),
    contextWindow: z.number().int().nonnegative().nullable(),
    pricingType: z.enum(PRICING_TYPES),
    unitLabel: z.string(),
    prices: clientUnitPricesSchema,
    /** Price of the reference mix (1M in + 1M out tokens, 1 image, ...), for comparisons. */
    referencePrice: nonNegativeDecimalString,
    referenceMix: z.string(),
    savings: z
      .object({
        caching: z.object({ cachedInputPer1M: nonNegativeDecimalString, savingsPercent: z.number() }).strict().nullable(),
        batch: z.object({ inputPer1M: nullableDecimal, outputPer1M: nullableDecimal, savingsPercent: z.number() }).strict().nullable(),
      })
      .strict(),
    estimated: z
      .object({ badge: z.literal(true), tooltip: z.literal(CLIENT_ESTIMATED_TOOLTIP) })
      .strict()
      .nullable(),
    priceTier: z.enum(PRICE_TIERS),
    /** (price - category average) / category average x 100, 1 decimal; 0 when the average is 0. */
    vsCategoryAveragePercent: z.number(),
  })
  .strict();

export type ClientModelPricing = z.infer<typeof clientModelPricingSchema>;

/** Key for "its category" in price comparisons: category AND pricing type (a per-image price is
 * not comparable with a per-second one). */
export function categoryKey(model: Pick<CatalogModel, 'category' | 'cost'>): string {
  return `${model.category}:${model.cost.pricingType}`;
}

/**
 * Average reference PRICE per category key over the given (model, markup) pairs. Division by the
 * count is rounded half-even to 10 decimal places (it is a comparison figure, not an amount).
 */
export function categoryAveragePrices(
  entries: ReadonlyArray<{ model: Pick<CatalogModel, 'category' | 'cost'>; markupPercent: DecimalInput }>,
): Map<string, Decimal> {
  const sums = new Map<string, { total: Decimal; n: number }>();
  for (const e of entries) {
    const k = categoryKey(e.model);
    const cur = sums.get(k) ?? { total: ZERO, n: 0 };
    sums.set(k, { total: cur.total.plus(referencePrice(e.model.cost, e.markupPercent)), n: cur.n + 1 });
  }
  const out = new Map<string, Decimal>();
  for (const [k, { total, n }] of sums) out.set(k, total.div(n).toDecimalPlaces(10, Decimal.ROUND_HALF_EVEN));
  return out;
}

function tierFor(price: Decimal, average: Decimal): { tier: PriceTier; percent: Decimal } {
  if (average.isZero()) return { tier: price.isZero() ? 'budget' : 'premium', percent: ZERO };
  const percent = price.minus(average).div(average).times(HUNDRED);
  const band = dec(PRICE_TIER_BAND_PERCENT);
  const tier: PriceTier = percent.lessThan(band.negated()) ? 'budget' : percent.greaterThan(band) ? 'premium' : 'standard';
  return { tier, percent };
}

const str = (v: Decimal | null): string | null => (v === null ? null : v.toFixed());

/** Percent saved by paying `discounted` instead of `full`, 1 decimal (display figure). */
function savingsPercent(full: Decimal, discounted: Decimal): number {
  if (full.isZero()) return 0;
  return toDisplayNumber(full.minus(discounted).div(full).times(HUNDRED).toDecimalPlaces(1, Decimal.ROUND_HALF_EVEN));
}

/**
 * Build the client view field by field from the model's PRICES. The markup is an input (prices
 * need it) but no field of the result carries cost, markup or margin, and the result is parsed
 * through the strict schema.
 */
export function buildClientModelPricing(args: {
  model: CatalogModel;
  markupPercent: DecimalInput;
  /** Average reference price of the model's category key (see categoryAveragePrices); when
   * absent, the model is compared with itself (standard, 0%). */
  categoryAveragePrice?: DecimalInput | null;
}): ClientModelPricing {
  const { model } = args;
  const p = unitPrices(model.cost, args.markupPercent);
  const refPrice = referencePrice(model.cost, args.markupPercent);
  const avg = args.categoryAveragePrice === undefined || args.categoryAveragePrice === null ? refPrice : dec(args.categoryAveragePrice);
  const { tier, percent } = tierFor(refPrice, avg);

  const caching =
    p.cachedInputPer1M !== null && p.inputPer1M !== null && p.cachedInputPer1M.lessThan(p.inputPer1M)
      ? { cachedInputPer1M: p.cachedInputPer1M.toFixed(), savingsPercent: savingsPercent(p.inputPer1M, p.cachedInputPer1M) }
      : null;
  const batch =
    p.batchDiscountPercent !== null && (p.batchInputPer1M !== null || p.batchOutputPer1M !== null)
      ? {
          inputPer1M: str(p.batchInputPer1M),
          outputPer1M: str(p.batchOutputPer1M),
          savingsPercent: toDisplayNumber(dec(p.batchDiscountPercent).toDecimalPlaces(1, Decimal.ROUND_HALF_EVEN)),
        }
      : null;

  const view: ClientModelPricing = {
    model: model.name,
    displayName: model.displayName,
    providerId: model.providerId,
    owned_by: model.providerId,
    category: model.category,
    capabilities: [...model.capabilities],
    contextWindow: model.contextWindow,
    pricingType: model.cost.pricingType,
    unitLabel: PRICE_UNIT_LABEL[model.cost.pricingType],
    prices: {
      inputPer1M: str(p.inputPer1M),
      outputPer1M: str(p.outputPer1M),
      longContextThreshold: p.longContextInputPer1M !== null || p.longContextOutputPer1M !== null ? p.longContextThreshold : null,
      longContextInputPer1M: str(p.longContextInputPer1M),
      longContextOutputPer1M: str(p.longContextOutputPer1M),
      perImage: str(p.perImage),
      perSecond: str(p.perSecond),
      perMinute: str(p.perMinute),
      perRequest: str(p.perRequest),
      perToolCall: str(p.perToolCall),
      per1kCharacters: str(p.per1kCharacters),
    },
    referencePrice: refPrice.toFixed(),
    referenceMix: REFERENCE_MIX_LABEL[model.cost.pricingType],
    savings: { caching, batch },
    estimated: model.costIsEstimated ? { badge: true, tooltip: CLIENT_ESTIMATED_TOOLTIP } : null,
    priceTier: tier,
    vsCategoryAveragePercent: toDisplayNumber(percent.toDecimalPlaces(1, Decimal.ROUND_HALF_EVEN)),
  };
  return clientModelPricingSchema.parse(view);
}

// =============================================================================================
// Leak scanner
// =============================================================================================

export const FORBIDDEN_KEY_RE = /cost|markup|margin/i;

/** Keys whose numbers are counts, scores or price-to-price ratios, never a cost, markup or margin
 * (skipped by the value scan, so that e.g. 2 eligible models or a 75% caching saving are not
 * mistaken for a $2/1M cost or a 75% markup). */
export const NON_MONEY_KEYS: readonly string[] = [
  'contextWindow',
  'maxOutput',
  'longContextThreshold',
  'qualityScore',
  'rank',
  'priceRank',
  'valueRank',
  'eligibleCount',
  'warmupSeconds',
  'savingsPercent',
  'vsCategoryAveragePercent',
];

export class CostLeakError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'CostLeakError';
  }
}

const WHOLE_NUMBER_RE = /^\s*-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const MONEY_IN_TEXT_RE = /\$\s?(-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?)/g;

function numbersIn(value: unknown): Decimal[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [dec(value)] : [];
  if (typeof value !== 'string') return [];
  if (WHOLE_NUMBER_RE.test(value)) return [dec(value.trim())];
  const out: Decimal[] = [];
  for (const m of value.matchAll(MONEY_IN_TEXT_RE)) {
    const raw = m[1];
    if (raw !== undefined) out.push(dec(raw.replace(/,/g, '')));
  }
  return out;
}

/**
 * Throw CostLeakError if `obj` (any JSON-like value) has
 *  - a key matching /cost|markup|margin/i, at any depth, or
 *  - a number equal to one of `forbiddenValues` (decimal strings: our costs, margins, markup
 *    percents...) or to that value scaled x1000, x1,000,000, /1000 or /1,000,000 (per-1K vs
 *    per-1M vs per-token forms). Numbers are JSON numbers, strings that are a whole decimal, and
 *    "$<amount>" inside longer strings (names like "gpt-4.1" are not read as numbers). Zero is
 *    never a forbidden value (a free model's cost and price are both 0). Values under
 *    NON_MONEY_KEYS (token counts, scores) are not compared.
 * The error message carries the JSON path.
 */
export function assertNoCostLeak(obj: unknown, forbiddenValues: readonly string[], options: { ignoreKeys?: readonly string[] } = {}): void {
  const ignore = new Set(options.ignoreKeys ?? NON_MONEY_KEYS);
  const scales = [dec(1), THOUSAND, MILLION, dec(1).div(THOUSAND), dec(1).div(MILLION)];
  const forbidden: Array<{ value: Decimal; original: string }> = [];
  for (const f of forbiddenValues) {
    const d = dec(f);
    if (d.isZero()) continue;
    for (const s of scales) forbidden.push({ value: d.times(s), original: f });
  }
  const visit = (v: unknown, path: string, key: string | null): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${path}[${i}]`, key));
      return;
    }
    if (v !== null && typeof v === 'object') {
      if (v instanceof Date) return;
      if (v instanceof Decimal) {
        visit(v.toFixed(), path, key);
        return;
      }
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        const childPath = path === '' ? k : `${path}.${k}`;
        if (FORBIDDEN_KEY_RE.test(k)) throw new CostLeakError(`forbidden key "${k}" at ${childPath}`, childPath);
        visit(child, childPath, k);
      }
      return;
    }
    if (key !== null && ignore.has(key)) return;
    for (const n of numbersIn(v)) {
      const hit = forbidden.find((f) => f.value.eq(n));
      if (hit) {
        throw new CostLeakError(`forbidden value ${n.toFixed()} (from ${hit.original}) at ${path || '<root>'}`, path || '<root>');
      }
    }
  };
  visit(obj, '', null);
}
