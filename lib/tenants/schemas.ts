/**
 * Input schemas of the tenant screens and routes, shared by client forms, server actions and
 * /api/admin/tenants (validated on both sides). Money and percents stay strings (exact).
 */
import { z } from 'zod';
import { TENANT_USER_ROLES } from '../db/schema';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

/** An amount such as 250 or 99.50 (at most 2 decimals), kept as a string. */
export const amountString = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, 'An amount such as 250 or 99.50');
/** A percent 0..100 with at most 4 decimals (tax rates), kept as a string. */
export const taxPercentString = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, 'A percent such as 20 or 8.875')
  .refine((v) => Number.parseInt(v, 10) <= 100 && !(v.startsWith('100') && /[1-9]/.test(v.slice(4))), 'At most 100');

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'At least 2 characters')
  .max(60, 'At most 60 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Lower-case letters, digits and dashes');

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF'] as const;

export const createTenantSchema = z.object({
  name: z.string().trim().min(2, 'At least 2 characters').max(255),
  slug: slugSchema,
  billingEmail: z.email('Enter an e-mail address').trim().toLowerCase().max(255),
  currency: z.enum(CURRENCIES),
  taxRatePercent: z.preprocess((v) => blankToUndefined(v) ?? '0', taxPercentString),
  tier: z.coerce.number().int().min(1).max(5),
  monthlyBudget: z.preprocess(blankToNull, amountString.nullable()).default(null),
  notes: z.preprocess(blankToNull, z.string().trim().max(5000).nullable()).default(null),
  ownerEmail: z.email('Enter the owner’s e-mail address').trim().toLowerCase().max(255),
});
export type CreateTenantInput = z.input<typeof createTenantSchema>;

/** Direct (audited) changes: contact, budget, tax rate, notes and the options. Everything that
 * moves access or contract money (tier, status, model access, contract prices) is an approval. */
export const updateTenantSchema = z
  .object({
    name: z.string().trim().min(2).max(255).optional(),
    billingEmail: z.preprocess(blankToNull, z.email('Enter an e-mail address').trim().toLowerCase().max(255).nullable()).optional(),
    taxRatePercent: taxPercentString.optional(),
    monthlyBudget: z.preprocess(blankToNull, amountString.nullable()).optional(),
    notes: z.preprocess(blankToNull, z.string().trim().max(5000).nullable()).optional(),
    responseCacheEnabled: z.boolean().optional(),
    responseCacheTtlSeconds: z.coerce
      .number()
      .int()
      .min(10, 'At least 10 seconds')
      .max(7 * 86_400, 'At most 7 days')
      .optional(),
    requestLoggingEnabled: z.boolean().optional(),
    requestLogRetentionDays: z.coerce.number().int().min(1, 'At least 1 day').max(3650, 'At most 10 years').optional(),
    hipaaOnlyProviders: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'Nothing to change');
export type UpdateTenantInput = z.input<typeof updateTenantSchema>;

export const TENANT_STATUS_CHANGES = ['suspend', 'reactivate', 'cancel'] as const;
export const statusChangeSchema = z.object({
  tenantId: z.uuid(),
  change: z.enum(TENANT_STATUS_CHANGES),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(1000),
});

export const roleChangeSchema = z.object({ userId: z.uuid(), role: z.enum(TENANT_USER_ROLES) });
export const userIdSchema = z.object({ userId: z.uuid() });
