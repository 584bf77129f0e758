/**
 * COST -> PRICE for a usage and per unit.
 *
 *   PRICE  = COST x (1 + markup% / 100)     (exact: a product of decimals)
 *   MARGIN = PRICE - COST
 *
 * One markup applies to every component of a request, so pricing each component and summing
 * equals pricing the total, exactly. Nothing rounds here; invoices round lines to cents once.
 */
import type { ModelCost } from '@/lib/catalog/types';
import { ValidationError } from '@/lib/errors';
import { type Decimal, HUNDRED, ONE, THOUSAND, costToPrice, dec, margin as marginOf, type DecimalInput } from './money';
import { computeCost, mapBreakdown, type CostBreakdown, type UsageInput } from './usage';

export interface PricedUsage {
  /** What RADIANT pays (admin-only). */
  cost: CostBreakdown;
  /** Each component marked up: what the customer pays per component; `priceComponents.total === price`. */
  priceComponents: CostBreakdown;
  price: Decimal;
  margin: Decimal;
  markupPercent: Decimal;
}

function checkMarkup(markupPercent: DecimalInput): Decimal {
  const m = dec(markupPercent);
  if (m.lessThan(0)) {
    throw new ValidationError('markup percent cannot be negative', [{ path: 'markupPercent', message: 'must be >= 0' }]);
  }
  return m;
}

/** Price one usage of a model at a markup. */
export function priceUsage(args: { cost: ModelCost; usage: UsageInput; markupPercent: DecimalInput }): PricedUsage {
  const markupPercent = checkMarkup(args.markupPercent);
  const cost = computeCost(args.cost, args.usage);
  const priceComponents = mapBreakdown(cost, (a) => costToPrice(a, markupPercent));
  const price = priceComponents.total;
  return { cost, priceComponents, price, margin: marginOf(cost.total, price), markupPercent };
}

/**
 * Every charged unit rate of a model, in both per-1K and per-1M forms for tokens and characters.
 * null = the model does not charge that unit. Batch rates are the input/output rates with the
 * batch discount applied (null when the model has no batch discount).
 */
export interface UnitRates<T = Decimal> {
  inputPer1k: T | null;
  inputPer1M: T | null;
  outputPer1k: T | null;
  outputPer1M: T | null;
  cachedInputPer1k: T | null;
  cachedInputPer1M: T | null;
  longContextThreshold: number | null;
  longContextInputPer1k: T | null;
  longContextInputPer1M: T | null;
  longContextOutputPer1k: T | null;
  longContextOutputPer1M: T | null;
  /** Percent off token charges for batch requests (same for cost and price), e.g. "50". */
  batchDiscountPercent: string | null;
  batchInputPer1k: T | null;
  batchInputPer1M: T | null;
  batchOutputPer1k: T | null;
  batchOutputPer1M: T | null;
  perImage: T | null;
  perSecond: T | null;
  perMinute: T | null;
  perRequest: T | null;
  perToolCall: T | null;
  per1kCharacters: T | null;
  per1MCharacters: T | null;
  /** One cold start of a self-hosted model. */
  warmup: T | null;
  warmupSeconds: number | null;
}

/** The money-valued keys of UnitRates (all but threshold/seconds and the batch percent). */
export const UNIT_RATE_MONEY_KEYS = [
  'inputPer1k',
  'inputPer1M',
  'outputPer1k',
  'outputPer1M',
  'cachedInputPer1k',
  'cachedInputPer1M',
  'longContextInputPer1k',
  'longContextInputPer1M',
  'longContextOutputPer1k',
  'longContextOutputPer1M',
  'batchInputPer1k',
  'batchInputPer1M',
  'batchOutputPer1k',
  'batchOutputPer1M',
  'perImage',
  'perSecond',
  'perMinute',
  'perRequest',
  'perToolCall',
  'per1kCharacters',
  'per1MCharacters',
  'warmup',
] as const;
export type UnitRateMoneyKey = (typeof UNIT_RATE_MONEY_KEYS)[number];

const opt = (v: string | null): Decimal | null => (v === null ? null : dec(v));
const times = (v: Decimal | null, k: Decimal): Decimal | null => (v === null ? null : v.times(k));

/** The model's COST per unit (admin-only). */
export function unitCosts(cost: ModelCost): UnitRates {
  const input = opt(cost.inputPer1k);
  const output = opt(cost.outputPer1k);
  const batchPct = opt(cost.batchDiscountPercent);
  const batchFactor = batchPct === null ? null : ONE.minus(batchPct.div(HUNDRED));
  const batchIn = batchFactor === null || input === null ? null : input.times(batchFactor);
  const batchOut = batchFactor === null || output === null ? null : output.times(batchFactor);
  const cached = opt(cost.cachedInputPer1k);
  const lcIn = opt(cost.longContextInputPer1k);
  const lcOut = opt(cost.longContextOutputPer1k);
  const chars = opt(cost.per1kCharacters);
  return {
    inputPer1k: input,
    inputPer1M: times(input, THOUSAND),
    outputPer1k: output,
    outputPer1M: times(output, THOUSAND),
    cachedInputPer1k: cached,
    cachedInputPer1M: times(cached, THOUSAND),
    longContextThreshold: cost.longContextThreshold,
    longContextInputPer1k: lcIn,
    longContextInputPer1M: times(lcIn, THOUSAND),
    longContextOutputPer1k: lcOut,
    longContextOutputPer1M: times(lcOut, THOUSAND),
    batchDiscountPercent: batchPct === null ? null : batchPct.toFixed(),
    batchInputPer1k: batchIn,
    batchInputPer1M: times(batchIn, THOUSAND),
    batchOutputPer1k: batchOut,
    batchOutputPer1M: times(batchOut, THOUSAND),
    perImage: opt(cost.perImage),
    perSecond: opt(cost.perSecond),
    perMinute: opt(cost.perMinute),
    perRequest: opt(cost.perRequest),
    perToolCall: opt(cost.perToolCall),
    per1kCharacters: chars,
    per1MCharacters: times(chars, THOUSAND),
    warmup: opt(cost.warmupCost),
    warmupSeconds: cost.warmupSeconds,
  };
}

/** Apply f to every money rate (threshold, warm-up seconds and batch percent are copied). */
export function mapUnitRates<A, B>(r: UnitRates<A>, f: (v: A, key: UnitRateMoneyKey) => B): UnitRates<B> {
  const out: Partial<UnitRates<B>> = {
    longContextThreshold: r.longContextThreshold,
    warmupSeconds: r.warmupSeconds,
    batchDiscountPercent: r.batchDiscountPercent,
  };
  for (const k of UNIT_RATE_MONEY_KEYS) {
    const v = r[k];
    out[k] = v === null ? null : f(v, k);
  }
  return out as UnitRates<B>;
}

/** The PRICE per unit a customer pays for every charged unit of a model. */
export function unitPrices(cost: ModelCost, markupPercent: DecimalInput): UnitRates {
  const m = checkMarkup(markupPercent);
  return mapUnitRates(unitCosts(cost), (v) => costToPrice(v, m));
}

/** MARGIN per unit (price - cost) for every charged unit. */
export function unitMargins(cost: ModelCost, markupPercent: DecimalInput): UnitRates {
  const m = checkMarkup(markupPercent);
  return mapUnitRates(unitCosts(cost), (v) => marginOf(v, costToPrice(v, m)));
}

/** JSON form: canonical decimal strings. */
export function unitRatesToStrings(r: UnitRates): UnitRates<string> {
  return mapUnitRates(r, (v) => v.toFixed());
}

/**
 * The documented REFERENCE MIX used for one-number comparisons of a model (margin % in admin
 * views, price tier in client views): per token -> 1M input + 1M output tokens (only the units
 * the model charges count: an embedding model is just its 1M input); per image -> 1 image;
 * per second -> 1 second; per minute -> 1 minute; per request -> 1 request; TTS -> 1,000
 * characters. Never input only.
 */
export function referenceUsage(pricingType: ModelCost['pricingType']): UsageInput {
  switch (pricingType) {
    case 'per_token':
      return { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    case 'per_image':
      return { images: 1 };
    case 'per_second':
      return { seconds: 1 };
    case 'per_minute':
      return { minutes: 1 };
    case 'per_request':
      return { requests: 1 };
    case 'per_1k_characters':
      return { characters: 1000 };
  }
}

export const REFERENCE_MIX_LABEL: Record<ModelCost['pricingType'], string> = {
  per_token: '1M input + 1M output tokens',
  per_image: '1 image',
  per_second: '1 second',
  per_minute: '1 minute',
  per_request: '1 request',
  per_1k_characters: '1,000 characters',
};

/** COST of the reference mix, always at the STANDARD rates: 1M input tokens would cross a
 * long-context threshold (e.g. 200K), but the mix stands for "1M tokens of ordinary traffic",
 * so long-context rates and warm-up are excluded explicitly. */
export function referenceCost(cost: ModelCost): Decimal {
  const standard: ModelCost = { ...cost, longContextThreshold: null, warmupCost: null };
  return computeCost(standard, referenceUsage(cost.pricingType)).total;
}

/** PRICE of the reference mix at a markup. */
export function referencePrice(cost: ModelCost, markupPercent: DecimalInput): Decimal {
  return costToPrice(referenceCost(cost), checkMarkup(markupPercent));
}
