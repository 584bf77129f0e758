/** Small helpers for the raw aggregate queries of the admin/portal views (PGlite vs postgres.js
 * return bigints and numerics differently; normalise once here). */

/** A NUMERIC/bigint aggregate as a canonical decimal string ("0" for null). Never a float. */
export function decStr(v: unknown): string {
  if (v === null || v === undefined) return '0';
  const s = String(v).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return '0';
  // strip trailing zeros of the fraction
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') || '0' : s;
}

/** A count (bigint) as a number. */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function isoOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** 'YYYY-MM-DD' of a date value (date columns come back as strings or Dates). */
export function dayStr(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

/** A timestamp parameter for raw SQL: an ISO string the query casts with ::timestamptz.
 * (postgres.js refuses a JS Date bound to an untyped raw parameter; PGlite accepts both.) */
export function tsParam(d: Date): string {
  return d.toISOString();
}

export function startOfUtcMonth(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}
