/** Billing form schemas, shared by the client forms and the server actions (validated on both sides). */
import { z } from 'zod';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

export const startRunSchema = z.object({ period: z.string().regex(PERIOD, 'Choose a month'), tenantSlug: z.string().max(100).optional() });

export const voidSchema = z.object({
  invoiceId: z.uuid(),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(1000),
  reissue: z.boolean(),
});

export const markPaidSchema = z.object({ invoiceId: z.uuid(), reference: z.string().trim().max(200).optional() });

export const closeSchema = z.object({ periodId: z.uuid(), reason: z.string().trim().max(1000).optional() });

export const adjustmentFormSchema = z.object({
  period: z.string().regex(PERIOD, 'Choose a month'),
  tenantId: z.uuid().optional(),
  providerId: z.string().max(50).optional(),
  amount: z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d{1,10})?$/, 'An amount such as 12.50 or -3.20')
    .refine((v) => !/^-?0+(\.0+)?$/.test(v), 'Cannot be zero'),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters)').max(2000),
});
