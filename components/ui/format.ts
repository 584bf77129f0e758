/**
 * Display formatting for money, percents and counts. DISPLAY ONLY: the inputs are exact decimal
 * strings from lib/pricing; nothing here feeds back into money arithmetic.
 */
import { Decimal, dec, formatMoney } from '@/lib/pricing/money';

type Amount = string | number | Decimal | null | undefined;

function parse(v: Amount): Decimal | null {
  if (v === null || v === undefined || v === '') return null;
  try {
    return dec(v);
  } catch {
    return null;
  }
}

/** A rate or price with every significant decimal (at least 2, at most 10): "$0.0000028", "$2.50". */
export function formatRate(v: Amount, currency = 'USD'): string {
  const d = parse(v);
  return d === null ? '—' : formatMoney(d, currency, 2);
}

/** An amount rounded for display to `places` decimals (half-even): "$1,234.57". */
export function formatAmount(v: Amount, currency = 'USD', places = 2): string {
  const d = parse(v);
  if (d === null) return '—';
  return formatMoney(d.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN), currency, places);
}

/** A per-request/per-event amount: enough decimals to be non-zero when tiny (up to 6). */
export function formatSmallAmount(v: Amount, currency = 'USD'): string {
  const d = parse(v);
  if (d === null) return '—';
  if (d.isZero() || d.abs().greaterThanOrEqualTo(1)) return formatAmount(d, currency, 2);
  return formatMoney(d.toSignificantDigits(3, Decimal.ROUND_HALF_EVEN).toDecimalPlaces(8), currency, 2);
}

export function formatPercent(v: Amount, places = 1): string {
  const d = parse(v);
  return d === null ? '—' : `${d.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed(places)}%`;
}

export function formatCount(v: number | string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? new Intl.NumberFormat('en-US').format(n) : String(v);
}

export function formatCompact(n: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

/** A decimal string as a JS number, for chart axes and CSV only. */
export function displayNumber(v: Amount): number {
  const d = parse(v);
  return d === null ? 0 : d.toNumber();
}

export function humanize(s: string): string {
  return s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
