/** Portal form schemas shared by client forms and server actions (validated on both sides). */
import { z } from 'zod';

export const KEY_SCOPES = ['chat', 'embeddings', 'models'] as const;

const optionalInt = (max: number, label: string) =>
  z
    .union([z.literal(''), z.coerce.number().int(`${label} must be a whole number`).min(1, `${label} must be at least 1`).max(max, `${label} is too large`)])
    .optional()
    .transform((v) => (v === '' || v === undefined ? undefined : v));

export const createKeyFormSchema = z.object({
  name: z.string().trim().min(1, 'Give the key a name').max(100, 'At most 100 characters'),
  scopes: z.array(z.enum(KEY_SCOPES)).min(1, 'Choose at least one scope'),
  expiresInDays: optionalInt(3650, 'Expiry'),
  rateLimitRpm: optionalInt(10_000_000, 'Requests per minute'),
  rateLimitTpm: optionalInt(2_000_000_000, 'Tokens per minute'),
  monthlyBudget: z
    .string()
    .trim()
    .regex(/^(\d+(\.\d{1,2})?)?$/, 'An amount such as 250 or 99.50')
    .optional()
    .transform((v) => (v ? v : undefined)),
});
