/**
 * Usage quantities -> exact COST (what RADIANT pays the provider) for one model.
 *
 * Pure functions over the catalog's `ModelCost` (decimal strings; null = "not charged").
 * Every amount is an exact `Decimal`; rates are per 1K units where the field says so, and a
 * division by 1,000 or 100 is exact in decimal, so nothing here rounds.
 *
 * Rules (see docs/pricing.md):
 *  - Cached input tokens are a SUBSET of `inputTokens`: uncached = inputTokens - cachedInputTokens.
 *    Cached tokens are charged at `cachedInputPer1k`; when that is null, at the (effective)
 *    input rate, i.e. no caching discount.
 *  - Long context: when `inputTokens > longContextThreshold` and the model has long-context rates,
 *    the WHOLE request's input and output use the long-context rates (not only the tokens above
 *    the threshold). A missing long-context input (or output) rate falls back to the standard
 *    one. Cached tokens keep `cachedInputPer1k` (no separate long-context cache rate exists in
 *    the catalog); with no cache rate they follow the effective (long-context) input rate.
 *  - Batch: `batchDiscountPercent` is taken off the TOKEN charges only (input, cached input,
 *    output, after long-context selection). Images, seconds, requests, tool calls, characters
 *    and warm-up are never batch-discounted.
 *  - Every other non-null unit rate is charged for its quantity: `perImage` x images,
 *    `perSecond` x seconds, `perMinute` x minutes, `perRequest` x requests (so a per-request
 *    model, or a per-token search model with a per-request fee, charges each request),
 *    `perToolCall` x toolCalls, `per1kCharacters` x characters / 1000 (text-to-speech).
 *  - Warm-up: when `coldStart` is true and the model has a `warmupCost`, that cost is added once.
 *
 * Quantities default to 0 (booleans to false): the gateway passes `requests: 1` per request.
 */
import type { ModelCost, PricingType } from '@/lib/catalog/types';
import { ValidationError } from '@/lib/errors';
import { type Decimal, HUNDRED, ONE, THOUSAND, ZERO, dec, decOrNull } from './money';

export interface UsageQuantities {
  /** All prompt tokens, INCLUDING the cached ones. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache hits; a subset of inputTokens. */
  cachedInputTokens: number;
  images: number;
  /** Billable seconds (video/audio generation, per-second models); may be fractional. */
  seconds: number;
  /** Billable minutes (transcription etc.); may be fractional. */
  minutes: number;
  requests: number;
  toolCalls: number;
  /** Text-to-speech input characters. */
  characters: number;
  /** Sent through the provider's batch API. */
  batch: boolean;
  /** Self-hosted model had to be warmed up for this request. */
  coldStart: boolean;
}

/** What callers pass: any subset; the rest defaults to 0 / false. */
export type UsageInput = Partial<UsageQuantities>;

/** Exact cost components. `batchDiscount` is a non-negative amount SUBTRACTED from the token
 * charges: total = input + cachedInput + output - batchDiscount + images + seconds + minutes +
 * requests + toolCalls + characters + warmup. */
export interface CostBreakdown {
  /** Uncached input tokens at the effective input rate (before batch discount). */
  input: Decimal;
  /** Cached input tokens at the cached rate (before batch discount). */
  cachedInput: Decimal;
  /** Output tokens at the effective output rate (before batch discount). */
  output: Decimal;
  /** True when the long-context rates were used for this request. */
  longContextApplied: boolean;
  /** Amount taken off the token charges by the batch discount (>= 0). */
  batchDiscount: Decimal;
  images: Decimal;
  seconds: Decimal;
  minutes: Decimal;
  requests: Decimal;
  toolCalls: Decimal;
  characters: Decimal;
  warmup: Decimal;
  total: Decimal;
}

/** The Decimal-valued keys of CostBreakdown (everything but `longContextApplied`). */
export const BREAKDOWN_AMOUNT_KEYS = [
  'input',
  'cachedInput',
  'output',
  'batchDiscount',
  'images',
  'seconds',
  'minutes',
  'requests',
  'toolCalls',
  'characters',
  'warmup',
  'total',
] as const;
export type BreakdownAmountKey = (typeof BREAKDOWN_AMOUNT_KEYS)[number];

const INTEGER_FIELDS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'images', 'requests', 'toolCalls', 'characters'] as const;
const FRACTIONAL_FIELDS = ['seconds', 'minutes'] as const;

/** Fill defaults and validate: finite, non-negative, integers where units are discrete, and
 * cached <= input. Throws ValidationError. */
export function normalizeUsage(input: UsageInput): UsageQuantities {
  const u: UsageQuantities = {
    inputTokens: input.inputTokens ?? 0,
    outputTokens: input.outputTokens ?? 0,
    cachedInputTokens: input.cachedInputTokens ?? 0,
    images: input.images ?? 0,
    seconds: input.seconds ?? 0,
    minutes: input.minutes ?? 0,
    requests: input.requests ?? 0,
    toolCalls: input.toolCalls ?? 0,
    characters: input.characters ?? 0,
    batch: input.batch ?? false,
    coldStart: input.coldStart ?? false,
  };
  const issues: { path: string; message: string }[] = [];
  for (const f of INTEGER_FIELDS) {
    const v = u[f];
    if (!Number.isSafeInteger(v) || v < 0) issues.push({ path: f, message: 'must be a non-negative integer' });
  }
  for (const f of FRACTIONAL_FIELDS) {
    const v = u[f];
    if (!Number.isFinite(v) || v < 0) issues.push({ path: f, message: 'must be a non-negative number' });
  }
  if (issues.length === 0 && u.cachedInputTokens > u.inputTokens) {
    issues.push({ path: 'cachedInputTokens', message: 'cached input tokens are part of inputTokens and cannot exceed it' });
  }
  if (issues.length > 0) throw new ValidationError('invalid usage quantities', issues);
  return u;
}

/** rate per 1K x quantity / 1000 (exact). */
function per1k(rate: Decimal, quantity: number): Decimal {
  return rate.times(dec(quantity)).div(THOUSAND);
}

function perUnit(rate: string | null, quantity: number): Decimal {
  return rate === null || quantity === 0 ? ZERO : dec(rate).times(dec(quantity));
}

/** Does this request cross the model's long-context threshold (and does the model have
 * long-context rates at all)? */
export function isLongContext(cost: ModelCost, inputTokens: number): boolean {
  return (
    cost.longContextThreshold !== null &&
    (cost.longContextInputPer1k !== null || cost.longContextOutputPer1k !== null) &&
    inputTokens > cost.longContextThreshold
  );
}

/** The per-1K token rates in force for a request of this size (null = not charged). */
export function effectiveTokenRates(
  cost: ModelCost,
  inputTokens: number,
): { input: Decimal | null; cachedInput: Decimal | null; output: Decimal | null; longContext: boolean } {
  const longContext = isLongContext(cost, inputTokens);
  const input = decOrNull(longContext ? (cost.longContextInputPer1k ?? cost.inputPer1k) : cost.inputPer1k);
  const output = decOrNull(longContext ? (cost.longContextOutputPer1k ?? cost.outputPer1k) : cost.outputPer1k);
  const cachedInput = decOrNull(cost.cachedInputPer1k) ?? input;
  return { input, cachedInput, output, longContext };
}

/** The batch multiplier for token charges: 1 - batchDiscountPercent/100 (1 when not batch). */
function batchFactor(cost: ModelCost, batch: boolean): Decimal {
  if (!batch || cost.batchDiscountPercent === null) return ONE;
  return ONE.minus(dec(cost.batchDiscountPercent).div(HUNDRED));
}

/** Exact COST of one usage (a request, or any sum of requests below the long-context
 * threshold) for a model. */
export function computeCost(cost: ModelCost, usageInput: UsageInput): CostBreakdown {
  const usage = normalizeUsage(usageInput);
  const rates = effectiveTokenRates(cost, usage.inputTokens);
  const uncached = usage.inputTokens - usage.cachedInputTokens;

  const input = rates.input === null ? ZERO : per1k(rates.input, uncached);
  const cachedInput = rates.cachedInput === null ? ZERO : per1k(rates.cachedInput, usage.cachedInputTokens);
  const output = rates.output === null ? ZERO : per1k(rates.output, usage.outputTokens);
  const tokens = input.plus(cachedInput).plus(output);
  const batchDiscount = tokens.minus(tokens.times(batchFactor(cost, usage.batch)));

  const images = perUnit(cost.perImage, usage.images);
  const seconds = perUnit(cost.perSecond, usage.seconds);
  const minutes = perUnit(cost.perMinute, usage.minutes);
  const requests = perUnit(cost.perRequest, usage.requests);
  const toolCalls = perUnit(cost.perToolCall, usage.toolCalls);
  const characters = cost.per1kCharacters === null ? ZERO : per1k(dec(cost.per1kCharacters), usage.characters);
  const warmup = usage.coldStart && cost.warmupCost !== null ? dec(cost.warmupCost) : ZERO;

  const total = tokens.minus(batchDiscount).plus(images).plus(seconds).plus(minutes).plus(requests).plus(toolCalls).plus(characters).plus(warmup);

  return {
    input,
    cachedInput,
    output,
    longContextApplied: rates.longContext,
    batchDiscount,
    images,
    seconds,
    minutes,
    requests,
    toolCalls,
    characters,
    warmup,
    total,
  };
}

/** Apply f to every amount of a breakdown (e.g. cost -> price with one markup). */
export function mapBreakdown(b: CostBreakdown, f: (amount: Decimal) => Decimal): CostBreakdown {
  return {
    input: f(b.input),
    cachedInput: f(b.cachedInput),
    output: f(b.output),
    longContextApplied: b.longContextApplied,
    batchDiscount: f(b.batchDiscount),
    images: f(b.images),
    seconds: f(b.seconds),
    minutes: f(b.minutes),
    requests: f(b.requests),
    toolCalls: f(b.toolCalls),
    characters: f(b.characters),
    warmup: f(b.warmup),
    total: f(b.total),
  };
}

/** JSON form of a breakdown: canonical decimal strings. */
export type BreakdownStrings = { [K in BreakdownAmountKey]: string } & { longContextApplied: boolean };

export function breakdownToStrings(b: CostBreakdown): BreakdownStrings {
  return {
    input: b.input.toFixed(),
    cachedInput: b.cachedInput.toFixed(),
    output: b.output.toFixed(),
    longContextApplied: b.longContextApplied,
    batchDiscount: b.batchDiscount.toFixed(),
    images: b.images.toFixed(),
    seconds: b.seconds.toFixed(),
    minutes: b.minutes.toFixed(),
    requests: b.requests.toFixed(),
    toolCalls: b.toolCalls.toFixed(),
    characters: b.characters.toFixed(),
    warmup: b.warmup.toFixed(),
    total: b.total.toFixed(),
  };
}

// ---------------------------------------------------------------------------------------------
// Billable units (invoice lines)
// ---------------------------------------------------------------------------------------------

export const BILLABLE_UNITS = [
  'input_tokens',
  'cached_input_tokens',
  'output_tokens',
  'images',
  'seconds',
  'minutes',
  'requests',
  'tool_calls',
  'characters',
  'warmups',
] as const;
export type BillableUnit = (typeof BILLABLE_UNITS)[number];

export const BILLABLE_UNIT_LABELS: Record<BillableUnit, string> = {
  input_tokens: 'input tokens',
  cached_input_tokens: 'cached input tokens',
  output_tokens: 'output tokens',
  images: 'images',
  seconds: 'seconds',
  minutes: 'minutes',
  requests: 'requests',
  tool_calls: 'tool calls',
  characters: 'characters',
  warmups: 'warm-ups',
};

export interface BillableQuantity {
  unit: BillableUnit;
  quantity: Decimal;
  label: string;
}

function q(unit: BillableUnit, quantity: number): BillableQuantity {
  return { unit, quantity: dec(quantity), label: BILLABLE_UNIT_LABELS[unit] };
}

/**
 * The billable units and quantities of a usage for a pricing type, for invoice lines
 * (non-zero quantities only). Tokens are split uncached / cached / output for per-token models.
 * Tool calls and warm-ups are listed whenever present, whatever the pricing type (whether they
 * are CHARGED depends on the model's rates: see costLines for amounts).
 */
export function unitsFor(usageInput: UsageInput, pricingType: PricingType): BillableQuantity[] {
  const u = normalizeUsage(usageInput);
  const out: BillableQuantity[] = [];
  switch (pricingType) {
    case 'per_token':
      out.push(q('input_tokens', u.inputTokens - u.cachedInputTokens));
      out.push(q('cached_input_tokens', u.cachedInputTokens));
      out.push(q('output_tokens', u.outputTokens));
      break;
    case 'per_image':
      out.push(q('images', u.images));
      break;
    case 'per_second':
      out.push(q('seconds', u.seconds));
      break;
    case 'per_minute':
      out.push(q('minutes', u.minutes));
      break;
    case 'per_request':
      out.push(q('requests', u.requests));
      break;
    case 'per_1k_characters':
      out.push(q('characters', u.characters));
      break;
  }
  out.push(q('tool_calls', u.toolCalls));
  out.push(q('warmups', u.coldStart ? 1 : 0));
  return out.filter((l) => !l.quantity.isZero());
}

export interface CostLine {
  unit: BillableUnit;
  quantity: Decimal;
  /** Exact cost of this unit, NET of the batch discount for token units. */
  amount: Decimal;
}

/**
 * The cost broken down per billable unit, with exact amounts that sum to `computeCost().total`
 * exactly (token lines are net of the batch discount: gross x (1 - d/100), which is exact).
 * A line is emitted when the model charges that unit (rate not null) and the quantity is > 0.
 */
export function costLines(cost: ModelCost, usageInput: UsageInput): CostLine[] {
  const u = normalizeUsage(usageInput);
  const b = computeCost(cost, u);
  const rates = effectiveTokenRates(cost, u.inputTokens);
  const f = batchFactor(cost, u.batch);
  const lines: CostLine[] = [];
  const add = (unit: BillableUnit, charged: boolean, quantity: number, amount: Decimal) => {
    if (charged && quantity > 0) lines.push({ unit, quantity: dec(quantity), amount });
  };
  add('input_tokens', rates.input !== null, u.inputTokens - u.cachedInputTokens, b.input.times(f));
  add('cached_input_tokens', rates.cachedInput !== null, u.cachedInputTokens, b.cachedInput.times(f));
  add('output_tokens', rates.output !== null, u.outputTokens, b.output.times(f));
  add('images', cost.perImage !== null, u.images, b.images);
  add('seconds', cost.perSecond !== null, u.seconds, b.seconds);
  add('minutes', cost.perMinute !== null, u.minutes, b.minutes);
  add('requests', cost.perRequest !== null, u.requests, b.requests);
  add('tool_calls', cost.perToolCall !== null, u.toolCalls, b.toolCalls);
  add('characters', cost.per1kCharacters !== null, u.characters, b.characters);
  add('warmups', cost.warmupCost !== null, u.coldStart ? 1 : 0, b.warmup);
  return lines;
}
