/**
 * Invoice arithmetic: pure, exact, no database. THE rule set for an invoice (docs/billing.md):
 *
 *  1. Usage lines: one per model and its billable unit (the unit its pricing type charges:
 *     tokens, images, seconds, minutes, requests, characters). `exactAmount` is the exact sum of
 *     the metered PRICES of the usage booked to the period; `amount` is that rounded to cents
 *     half-even (lib/pricing/money.ts roundCents) — the ONE rounding step. `unitPrice` is the
 *     average price per unit, amount / quantity, exact when that division terminates within 12
 *     decimals, otherwise rounded half-even to 12 decimals (informational; the amount is
 *     authoritative).
 *  2. subtotal = sum of usage line amounts (cents).
 *  3. Free tier (lib/pricing/volume.ts applyFreeTier over the EXACT line amounts, per unit
 *     kind): one credit line per kind with a credit, amount = -(credit rounded to cents), capped
 *     at the cents billed for that kind so a kind never goes below zero.
 *  4. Volume discount: the tier is chosen by the month's spend AFTER the free-tier credit
 *     (net = subtotal - free-tier credit, thresholds inclusive), and the percent applies to that
 *     same net: discount = roundCents(net x pct / 100).
 *  5. Tax: roundCents((net - discount) x taxRate / 100), a line of its own.
 *  6. total = net - discount + tax = the sum of ALL line amounts, to the cent, by construction.
 */
import type { ModelCategory, PricingType } from '@/lib/catalog/types';
import { Decimal, ZERO, dec, formatMoney, roundCents, type DecimalInput } from '@/lib/pricing/money';
import type { BillableUnit } from '@/lib/pricing/usage';
import {
  FREE_TIER,
  FREE_TIER_UNIT_KINDS,
  VOLUME_DISCOUNTS,
  applyFreeTier,
  freeTierKindFor,
  volumeDiscountPercent,
  type FreeTierLine,
  type FreeTierUnitKind,
} from '@/lib/pricing/volume';

export const INVOICE_UNITS = ['tokens', 'images', 'seconds', 'minutes', 'requests', 'characters'] as const;
export type InvoiceUnit = (typeof INVOICE_UNITS)[number];

export const FREE_TIER_KIND_LABELS: Record<FreeTierUnitKind, string> = {
  tokens: 'tokens',
  requests: 'requests',
  images: 'images',
  videoSeconds: 'video seconds',
  audioMinutes: 'audio minutes',
  embeddings: 'embedding tokens',
};

/** A tenant's usage of one model in the period (sums over the rollups). Quantities may come
 * from SQL as numbers or strings; amounts are exact decimal strings. */
export interface ModelUsage {
  modelId: string;
  displayName: string;
  category: ModelCategory;
  pricingType: PricingType;
  requests: DecimalInput;
  inputTokens: DecimalInput;
  cachedInputTokens: DecimalInput;
  outputTokens: DecimalInput;
  images: DecimalInput;
  videoSeconds: DecimalInput;
  audioMinutes: DecimalInput;
  characters: DecimalInput;
  toolCalls: DecimalInput;
  /** Exact sum of metered prices. */
  price: DecimalInput;
}

export type InvoiceLineKind = 'usage' | 'free_tier_credit' | 'volume_discount' | 'tax';

export interface InvoiceLineDraft {
  lineNo: number;
  kind: InvoiceLineKind;
  modelId: string | null;
  description: string;
  unit: string | null;
  quantity: Decimal;
  unitPrice: Decimal;
  exactAmount: Decimal;
  /** Cents. */
  amount: Decimal;
}

export interface InvoiceTotals {
  subtotal: Decimal;
  freeTierCredit: Decimal;
  discountPercent: Decimal;
  discountAmount: Decimal;
  taxRatePercent: Decimal;
  taxAmount: Decimal;
  total: Decimal;
}

export interface ComputedInvoice {
  lines: InvoiceLineDraft[];
  totals: InvoiceTotals;
}

/** The unit a model's invoice line counts, and how to read its quantity from the usage sums. */
export function invoiceUnitFor(pricingType: PricingType, category: ModelCategory): { unit: InvoiceUnit; billable: BillableUnit } {
  switch (pricingType) {
    case 'per_token':
      return { unit: 'tokens', billable: 'input_tokens' };
    case 'per_image':
      return { unit: 'images', billable: 'images' };
    case 'per_second':
      return { unit: 'seconds', billable: 'seconds' };
    case 'per_minute':
      return { unit: 'minutes', billable: 'minutes' };
    case 'per_request':
      return { unit: 'requests', billable: 'requests' };
    case 'per_1k_characters':
      return { unit: 'characters', billable: 'characters' };
  }
  void category;
  return { unit: 'requests', billable: 'requests' };
}

const AUDIO: ReadonlySet<ModelCategory> = new Set(['audio_generation', 'speech_to_text', 'text_to_speech']);

export function usageQuantity(u: ModelUsage): Decimal {
  switch (u.pricingType) {
    case 'per_token':
      // Cached input tokens are a subset of input tokens.
      return dec(u.inputTokens).plus(dec(u.outputTokens));
    case 'per_image':
      return dec(u.images);
    case 'per_second':
      return AUDIO.has(u.category) ? dec(u.audioMinutes).times(60) : dec(u.videoSeconds);
    case 'per_minute':
      return u.category === 'video_generation' ? dec(u.videoSeconds).div(60) : dec(u.audioMinutes);
    case 'per_request':
      return dec(u.requests);
    case 'per_1k_characters':
      return dec(u.characters);
  }
  return dec(u.requests);
}

function groupInt(s: string): string {
  const [i, f] = s.split('.');
  const g = (i ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return f ? `${g}.${f}` : g;
}

export function formatQuantity(q: DecimalInput): string {
  return groupInt(dec(q).toFixed());
}

/** amount / quantity: exact when it terminates within 12 decimals, else half-even to 12. */
export function averageUnitPrice(amount: Decimal, quantity: Decimal): Decimal {
  if (quantity.isZero()) return ZERO;
  return amount.div(quantity).toDecimalPlaces(12, Decimal.ROUND_HALF_EVEN);
}

function usageDescription(u: ModelUsage, unit: InvoiceUnit, quantity: Decimal): string {
  if (unit === 'tokens') {
    const cached = dec(u.cachedInputTokens);
    const parts = [`${formatQuantity(u.inputTokens)} input${cached.isZero() ? '' : ` (${formatQuantity(cached)} cached)`}`];
    if (!dec(u.outputTokens).isZero()) parts.push(`${formatQuantity(u.outputTokens)} output`);
    return `${u.displayName}: ${parts.join(' + ')} tokens`;
  }
  return `${u.displayName}: ${formatQuantity(quantity)} ${unit}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function computeInvoice(input: {
  usage: readonly ModelUsage[];
  taxRatePercent: DecimalInput;
  currency?: string;
  allowance?: Readonly<Record<FreeTierUnitKind, number>>;
}): ComputedInvoice {
  const currency = input.currency ?? 'USD';
  const allowance = input.allowance ?? FREE_TIER;
  const lines: InvoiceLineDraft[] = [];
  const freeTierInputs: FreeTierLine[] = [];
  const centsByKind = new Map<FreeTierUnitKind, Decimal>();

  const usage = [...input.usage].sort((a, b) => cmp(a.displayName, b.displayName) || cmp(a.modelId, b.modelId));
  let subtotal = ZERO;
  for (const u of usage) {
    const { unit, billable } = invoiceUnitFor(u.pricingType, u.category);
    const quantity = usageQuantity(u);
    const exactAmount = dec(u.price);
    if (quantity.isZero() && exactAmount.isZero()) continue; // e.g. only failed requests
    const amount = roundCents(exactAmount);
    subtotal = subtotal.plus(amount);
    lines.push({
      lineNo: lines.length + 1,
      kind: 'usage',
      modelId: u.modelId,
      description: usageDescription(u, unit, quantity),
      unit,
      quantity,
      unitPrice: averageUnitPrice(exactAmount, quantity),
      exactAmount,
      amount,
    });
    const ft = freeTierKindFor(billable, u.category);
    if (ft) {
      freeTierInputs.push({ unitKind: ft.kind, quantity: ft.toKindUnits(quantity), amount: exactAmount });
      centsByKind.set(ft.kind, (centsByKind.get(ft.kind) ?? ZERO).plus(amount));
    }
  }

  const credits = applyFreeTier(freeTierInputs, allowance);
  let freeTierCredit = ZERO;
  for (const kind of FREE_TIER_UNIT_KINDS) {
    const c = credits[kind];
    if (!c || c.credit.lessThanOrEqualTo(0)) continue;
    const cap = centsByKind.get(kind) ?? ZERO;
    const cents = Decimal.min(roundCents(c.credit), cap);
    if (cents.lessThanOrEqualTo(0)) continue;
    freeTierCredit = freeTierCredit.plus(cents);
    lines.push({
      lineNo: lines.length + 1,
      kind: 'free_tier_credit',
      modelId: null,
      description: `Free tier: first ${formatQuantity(c.allowance)} ${FREE_TIER_KIND_LABELS[kind]} (${formatQuantity(c.freeQuantity)} used)`,
      unit: FREE_TIER_KIND_LABELS[kind],
      quantity: c.freeQuantity,
      unitPrice: averageUnitPrice(c.credit, c.freeQuantity).negated(),
      exactAmount: c.credit.negated(),
      amount: cents.negated(),
    });
  }

  const net = subtotal.minus(freeTierCredit);
  const discountPercent = volumeDiscountPercent(net);
  const discountExact = net.times(discountPercent).div(100);
  const discountAmount = roundCents(discountExact);
  if (discountAmount.greaterThan(0)) {
    const tier = [...VOLUME_DISCOUNTS].reverse().find((t) => dec(t.discountPercent).equals(discountPercent));
    lines.push({
      lineNo: lines.length + 1,
      kind: 'volume_discount',
      modelId: null,
      description: `Volume discount ${discountPercent.toFixed()}% (monthly spend ${formatMoney(net, currency)}${tier ? ` >= ${formatMoney(tier.minSpend, currency)}` : ''})`,
      unit: null,
      quantity: dec(1),
      unitPrice: discountAmount.negated(),
      exactAmount: discountExact.negated(),
      amount: discountAmount.negated(),
    });
  }

  const taxRatePercent = dec(input.taxRatePercent);
  const taxable = net.minus(discountAmount);
  const taxExact = taxable.times(taxRatePercent).div(100);
  const taxAmount = roundCents(taxExact);
  if (!taxRatePercent.isZero()) {
    lines.push({
      lineNo: lines.length + 1,
      kind: 'tax',
      modelId: null,
      description: `Tax ${taxRatePercent.toFixed()}% on ${formatMoney(taxable, currency)}`,
      unit: null,
      quantity: dec(1),
      unitPrice: taxAmount,
      exactAmount: taxExact,
      amount: taxAmount,
    });
  }

  const total = taxable.plus(taxAmount);
  // The invariant the whole module exists for; cheap enough to keep in production.
  const sumOfLines = lines.reduce((s, l) => s.plus(l.amount), ZERO);
  if (!sumOfLines.equals(total)) throw new Error(`invoice total ${total.toFixed()} != sum of lines ${sumOfLines.toFixed()}`);

  return {
    lines,
    totals: { subtotal, freeTierCredit, discountPercent, discountAmount, taxRatePercent, taxAmount, total },
  };
}
