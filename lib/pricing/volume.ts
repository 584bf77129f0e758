/**
 * Monthly volume discounts, the free tier and per-tier rate limits (seed figures).
 *
 * Volume discount: the percent of the highest tier whose `minSpend` the month's spend reaches
 * (inclusive: spend >= minSpend). $99.99 -> 0%, $100.00 -> 5%, $10,000 -> 25%.
 *
 * Free tier (rule chosen and documented in docs/pricing.md): each month a tenant gets the first
 * N units of each kind free. The credit for a kind is valued at the tenant's AVERAGE unit PRICE
 * for that kind in the month:
 *
 *     credit(kind) = amount(kind) x min(quantity(kind), N) / quantity(kind)
 *
 * where amount and quantity are summed over all of that kind's invoice lines (all models). When
 * the whole month fits in the allowance the credit is exactly the amount (no division). Otherwise
 * the pro-rata division is computed with 60 significant digits and truncated (ROUND_DOWN) to 10
 * decimal places, so the credit never exceeds the true pro-rata value; the invoice then rounds
 * the credit line to cents once, like any line. This is deterministic (independent of the order
 * of usage events) and never credits more than was charged.
 */
import type { ModelCategory } from '@/lib/catalog/types';
import { ValidationError } from '@/lib/errors';
import { Decimal, ZERO, dec, type DecimalInput } from './money';
import type { BillableUnit } from './usage';

/** Tiers ordered by minSpend (USD of monthly spend) -> percent off. */
export const VOLUME_DISCOUNTS: ReadonlyArray<{ minSpend: string; discountPercent: string }> = [
  { minSpend: '100', discountPercent: '5' },
  { minSpend: '500', discountPercent: '10' },
  { minSpend: '1000', discountPercent: '15' },
  { minSpend: '5000', discountPercent: '20' },
  { minSpend: '10000', discountPercent: '25' },
];

/** Monthly free allowance per unit kind. */
export const FREE_TIER = {
  tokens: 100_000,
  requests: 1_000,
  images: 10,
  videoSeconds: 60,
  audioMinutes: 10,
  embeddings: 10_000,
} as const;
export type FreeTierUnitKind = keyof typeof FREE_TIER;
export const FREE_TIER_UNIT_KINDS = Object.keys(FREE_TIER) as FreeTierUnitKind[];

/** Requests per minute and tokens per minute by tenant tier (1 SEED .. 5 ENTERPRISE). */
export const TIER_LIMITS = {
  1: { name: 'SEED', rpm: 60, tpm: 100_000 },
  2: { name: 'STARTUP', rpm: 200, tpm: 500_000 },
  3: { name: 'GROWTH', rpm: 1000, tpm: 2_000_000 },
  4: { name: 'SCALE', rpm: 5000, tpm: 10_000_000 },
  5: { name: 'ENTERPRISE', rpm: 20000, tpm: 50_000_000 },
} as const;
export type TenantTier = keyof typeof TIER_LIMITS;

/** Percent off for a month's spend (0 below the first tier). Thresholds are inclusive. */
export function volumeDiscountPercent(monthSpend: DecimalInput): Decimal {
  const spend = dec(monthSpend);
  let percent = ZERO;
  for (const tier of VOLUME_DISCOUNTS) {
    if (spend.greaterThanOrEqualTo(tier.minSpend)) percent = dec(tier.discountPercent);
  }
  return percent;
}

/**
 * Which free-tier kind a billable unit of a model counts against, and the factor that converts
 * the line's quantity into that kind's unit (seconds of audio count as minutes: / 60).
 * Returns null for units the free tier does not cover (tool calls, characters, warm-ups...).
 *  - tokens (input, cached, output) of embedding models -> embeddings; of other models -> tokens
 *  - requests -> requests; images -> images
 *  - seconds of video -> videoSeconds; seconds/minutes of audio, speech-to-text, TTS -> audioMinutes
 */
export function freeTierKindFor(
  unit: BillableUnit,
  category: ModelCategory,
): { kind: FreeTierUnitKind; toKindUnits: (quantity: DecimalInput) => Decimal } | null {
  const same = (q: DecimalInput) => dec(q);
  const audio = category === 'audio_generation' || category === 'speech_to_text' || category === 'text_to_speech';
  switch (unit) {
    case 'input_tokens':
    case 'cached_input_tokens':
    case 'output_tokens':
      return { kind: category === 'embedding' ? 'embeddings' : 'tokens', toKindUnits: same };
    case 'requests':
      return { kind: 'requests', toKindUnits: same };
    case 'images':
      return { kind: 'images', toKindUnits: same };
    case 'seconds':
      if (category === 'video_generation') return { kind: 'videoSeconds', toKindUnits: same };
      if (audio) return { kind: 'audioMinutes', toKindUnits: (q) => dec(q).div(60) };
      return null;
    case 'minutes':
      if (audio) return { kind: 'audioMinutes', toKindUnits: same };
      if (category === 'video_generation') return { kind: 'videoSeconds', toKindUnits: (q) => dec(q).times(60) };
      return null;
    default:
      return null;
  }
}

export interface FreeTierLine {
  unitKind: FreeTierUnitKind;
  /** In the kind's unit (tokens, requests, images, seconds of video, minutes of audio, embedding tokens). */
  quantity: DecimalInput;
  /** PRICE charged for the line (exact, before the free tier). */
  amount: DecimalInput;
}

export interface FreeTierCredit {
  quantity: Decimal;
  amount: Decimal;
  allowance: Decimal;
  freeQuantity: Decimal;
  credit: Decimal;
}

/** Credit per unit kind for a month's lines (kinds with no usage are omitted). */
export function applyFreeTier(
  lines: readonly FreeTierLine[],
  allowance: Readonly<Record<FreeTierUnitKind, number>> = FREE_TIER,
): Partial<Record<FreeTierUnitKind, FreeTierCredit>> {
  const totals = new Map<FreeTierUnitKind, { quantity: Decimal; amount: Decimal }>();
  for (const [i, l] of lines.entries()) {
    const quantity = dec(l.quantity);
    const amount = dec(l.amount);
    if (quantity.lessThan(0) || amount.lessThan(0)) {
      throw new ValidationError('free tier lines must have non-negative quantity and amount', [{ path: `lines.${i}`, message: 'negative quantity or amount' }]);
    }
    const cur = totals.get(l.unitKind) ?? { quantity: ZERO, amount: ZERO };
    totals.set(l.unitKind, { quantity: cur.quantity.plus(quantity), amount: cur.amount.plus(amount) });
  }
  const out: Partial<Record<FreeTierUnitKind, FreeTierCredit>> = {};
  for (const kind of FREE_TIER_UNIT_KINDS) {
    const t = totals.get(kind);
    if (!t) continue;
    const allow = dec(allowance[kind]);
    const freeQuantity = Decimal.min(t.quantity, allow);
    let credit: Decimal;
    if (t.quantity.isZero()) credit = ZERO;
    else if (t.quantity.lessThanOrEqualTo(allow)) credit = t.amount;
    else credit = t.amount.times(allow).div(t.quantity).toDecimalPlaces(10, Decimal.ROUND_DOWN);
    out[kind] = { quantity: t.quantity, amount: t.amount, allowance: allow, freeQuantity, credit };
  }
  return out;
}

/** Sum of all free-tier credits. */
export function totalFreeTierCredit(credits: Partial<Record<FreeTierUnitKind, FreeTierCredit>>): Decimal {
  let total = ZERO;
  for (const c of Object.values(credits)) if (c) total = total.plus(c.credit);
  return total;
}
