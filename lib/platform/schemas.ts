/**
 * The shared zod primitives: money, percent, period, day, uuid and pagination. Every input and
 * response schema in lib/ and app/ builds on these instead of writing its own regex. Pure zod
 * (plus the Decimal helpers): safe to import from client components.
 */
import { z } from 'zod';
import { dec, toDbString } from '../pricing/money';

/** '' and null (an empty form field or query parameter) read as "not given". */
export const blank = (v: unknown) => (v === '' || v === null ? undefined : v);

/** An optional uuid where an empty field means "none". */
export const optionalUuid = z.preprocess(blank, z.uuid().optional());

// ---- money ---------------------------------------------------------------------------------

export const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** A decimal string as NUMERIC columns and our responses carry it ("12.5", "-0.0001"). */
export const decimalString = z.string().regex(DECIMAL_RE, 'a decimal string');
/** A non-negative decimal string (prices and costs in responses). */
export const nonNegativeDecimalString = z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative canonical decimal string');

/** An exact amount as INPUT: a decimal string (or a JSON number, taken through its shortest
 * decimal form, never float arithmetic). Out: canonical decimal string. */
export const moneySchema = z
  .union([z.string().trim(), z.number().finite()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .refine((s) => DECIMAL_RE.test(s), 'must be a decimal amount like 12.50')
  .refine((s) => (s.split('.')[1]?.length ?? 0) <= 10, 'at most 10 decimal places')
  .transform((s) => toDbString(dec(s)));

/** A non-negative decimal in any notation Decimal accepts; out: its plain decimal string. */
export const nonNegativeDecimalInput = z
  .string()
  .trim()
  .refine((v) => {
    try {
      return !dec(v).isNegative();
    } catch {
      return false;
    }
  }, 'must be a non-negative decimal')
  .transform((v) => dec(v).toFixed());

// ---- percent -------------------------------------------------------------------------------

const PERCENT_RE = /^\d{1,4}(\.\d{1,4})?$/;

/** A percent typed by a person: "40", "37.5" (at most 4 decimals, at most 1000). */
export const percentString = z
  .string()
  .trim()
  .min(1, 'Enter a percent')
  .regex(PERCENT_RE, 'A percent such as 40 or 37.5 (at most 4 decimals)')
  // Checks run on even after one failed: only a well-formed percent is compared (dec('') throws).
  .refine((v) => !PERCENT_RE.test(v) || dec(v).lte(1000), 'At most 1000%');

// ---- calendar ------------------------------------------------------------------------------

/** Billing periods are calendar months in UTC, written YYYY-MM. */
export const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const periodSchema = z.string().trim().regex(PERIOD_RE, 'period must be YYYY-MM');

export const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar day, YYYY-MM-DD. */
export const daySchema = z
  .string()
  .trim()
  .regex(DAY_RE, 'date must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real date');

// ---- pagination ----------------------------------------------------------------------------

/** `limit` for a list: 1..max, `def` when absent or blank. */
export function limitParam(max: number, def: number) {
  return z.preprocess(blank, z.coerce.number().int().min(1).max(max).default(def));
}

/** `limit` left undefined when absent or blank (the verb decides). */
export function optionalLimitParam(max: number) {
  return z.preprocess(blank, z.coerce.number().int().min(1).max(max).optional());
}

/** `offset` for a list: >= 0, 0 when absent or blank. */
export const offsetParam = z.preprocess(blank, z.coerce.number().int().min(0).default(0));
/** `offset` left undefined when absent (the verb decides). */
export const optionalOffsetParam = z.preprocess(blank, z.coerce.number().int().min(0).optional());

/**
 * Paging parameters of a list: `limit`, and either `offset` or an opaque `cursor` (lib/platform/cursor.ts: what the
 * last page returned as `nextCursor`), and `sort` (one of the given keys, "-key" for descending).
 *
 *   const q = pagination({ max: 200, def: 50, sort: ['createdAt', 'name'] }).parse(query);
 */
export function pagination<const K extends string>(opts: { max: number; def: number; sort?: readonly [K, ...K[]] }) {
  const keys = opts.sort ?? [];
  const sortValues = keys.flatMap((k) => [k, `-${k}`]);
  return z.object({
    limit: limitParam(opts.max, opts.def),
    offset: offsetParam,
    cursor: z.preprocess(blank, z.string().max(500).optional()),
    sort: z.preprocess(
      blank,
      z
        .string()
        .refine((s) => sortValues.includes(s), {
          message: sortValues.length ? `sort must be one of ${sortValues.join(', ')}` : 'sorting is not supported here',
        })
        .transform((s) => ({ key: s.replace(/^-/, '') as K, desc: s.startsWith('-') }))
        .optional(),
    ),
  });
}
