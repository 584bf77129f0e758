/**
 * Exact money and rates for RADIANT.
 *
 * Every cost, markup, price and amount is a `Decimal` (decimal.js) with 60 significant digits,
 * which is far more than any product of our rates and quantities needs, so multiplication and
 * addition never round. Division is used only for "per 1K" and "percent" (powers of ten, exact)
 * and for averages in estimates (explicitly rounded there).
 *
 * In PostgreSQL the same values are NUMERIC: rates and per-request amounts are unconstrained
 * NUMERIC (exact at any scale); invoice amounts are NUMERIC(14,2) after the one rounding step.
 *
 * Rounding rule (the only one): invoice line amounts are rounded to cents with ROUND_HALF_EVEN
 * (banker's rounding) once, on the line; subtotal, discount, tax and total are then sums and
 * cent-rounded products of those cents. See docs/money.md.
 */
import DecimalBase from 'decimal.js';

export const Decimal = DecimalBase.clone({
  precision: 60,
  rounding: DecimalBase.ROUND_HALF_EVEN,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

/** Anything we accept as an exact amount. Numbers are allowed only as integers or literals in
 * seed data/tests; they are converted through their shortest decimal string, never through
 * binary arithmetic. */
export type DecimalInput = Decimal | string | number | bigint;

const DECIMAL_RE = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/** Parse an exact decimal. Throws on NaN, Infinity and non-numeric strings. */
export function dec(value: DecimalInput): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === 'bigint') return new Decimal(value.toString());
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
    // String(n) is the shortest decimal that round-trips: 0.1 -> "0.1", not 0.1000000000000000055...
    return new Decimal(String(value));
  }
  const s = value.trim();
  if (!DECIMAL_RE.test(s)) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return new Decimal(s);
}

/** Like dec() but null/undefined stay null. Handy for optional NUMERIC columns. */
export function decOrNull(value: DecimalInput | null | undefined): Decimal | null {
  return value === null || value === undefined ? null : dec(value);
}

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);
export const THOUSAND = new Decimal(1000);
export const MILLION = new Decimal(1_000_000);
export const HUNDRED = new Decimal(100);

export function sum(values: Iterable<DecimalInput>): Decimal {
  let total = ZERO;
  for (const v of values) total = total.plus(dec(v));
  return total;
}

/** The markup factor for a percent: 40 -> 1.40. */
export function markupFactor(markupPercent: DecimalInput): Decimal {
  return ONE.plus(dec(markupPercent).div(HUNDRED));
}

/** PRICE = COST x (1 + markup% / 100). Exact. */
export function costToPrice(cost: DecimalInput, markupPercent: DecimalInput): Decimal {
  return dec(cost).times(markupFactor(markupPercent));
}

/** MARGIN = PRICE - COST. */
export function margin(cost: DecimalInput, price: DecimalInput): Decimal {
  return dec(price).minus(dec(cost));
}

/** Margin as a percent OF PRICE (not of cost, and not of input only as the seed did).
 * A free item (price 0) has margin 0%, never a division by zero. Rounded to 4 decimals
 * because it is a ratio for display and thresholds, not an amount. */
export function marginPercentOfPrice(cost: DecimalInput, price: DecimalInput): Decimal {
  const p = dec(price);
  if (p.isZero()) return ZERO;
  return margin(cost, p).div(p).times(HUNDRED).toDecimalPlaces(4);
}

/** Round an amount to cents with the one documented rule (half-even). */
export function roundCents(amount: DecimalInput): Decimal {
  return dec(amount).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
}

/** Canonical string for storage in NUMERIC columns and for JSON: plain notation, no exponent,
 * no trailing zeros beyond what the value needs. */
export function toDbString(value: DecimalInput): string {
  const d = dec(value);
  return d.toFixed();
}

/** Display only: never feed the result back into money arithmetic. */
export function toDisplayNumber(value: DecimalInput): number {
  return dec(value).toNumber();
}

/** Format for humans, e.g. formatMoney("0.0000028", 'USD') -> "$0.0000028". Enough decimals to
 * show a per-token price; at least 2. */
export function formatMoney(value: DecimalInput, currency = 'USD', minPlaces = 2): string {
  const d = dec(value);
  const places = Math.max(minPlaces, Math.min(d.decimalPlaces(), 10));
  const fixed = d.abs().toFixed(places);
  const [intPart, frac] = fixed.split('.');
  const grouped = (intPart ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const symbol = currency === 'USD' ? '$' : `${currency} `;
  return `${d.isNegative() ? '-' : ''}${symbol}${grouped}${frac ? `.${frac}` : ''}`;
}
