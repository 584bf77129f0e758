/** Shared zod pieces for billing inputs: exact money in, periods, dates. */
import { z } from 'zod';
import { dec, toDbString } from '@/lib/pricing/money';
import { PERIOD_RE } from './period';

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** An exact amount: a decimal string (or a JSON number, taken through its shortest decimal
 * form, never float arithmetic). Out: canonical decimal string. */
export const moneySchema = z
  .union([z.string().trim(), z.number().finite()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .refine((s) => DECIMAL_RE.test(s), 'must be a decimal amount like 12.50')
  .refine((s) => (s.split('.')[1]?.length ?? 0) <= 10, 'at most 10 decimal places')
  .transform((s) => toDbString(dec(s)));

export const periodInput = z.string().trim().regex(PERIOD_RE, 'period must be YYYY-MM');

export const dateInput = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real date');
