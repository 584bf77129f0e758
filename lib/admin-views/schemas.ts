/**
 * Form schemas shared by the admin console's client forms and its server actions (validated on
 * both sides). Pure zod: safe to import from client components.
 */
import { z } from 'zod';
import { blank, DAY_RE, percentString } from '../platform/schemas';

export { percentString };

const reason = z.string().trim().min(5, 'Say why (at least 5 characters)').max(1000, 'At most 1000 characters');
/** An ISO instant in the future (the client turns the date picker's day into end-of-day local time). */
const futureIso = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'Not a valid date')
  .refine((v) => Date.parse(v) > Date.now(), 'The expiry must be in the future');

export const markupProposalSchema = z
  .object({
    target: z.enum(['model', 'provider']),
    modelIds: z.array(z.string().min(1).max(100)).max(200).default([]),
    providerId: z.string().max(50).optional(),
    markupPercent: percentString,
    reason,
    expiresAt: futureIso.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.target === 'model' && v.modelIds.length === 0) ctx.addIssue({ code: 'custom', path: ['modelIds'], message: 'Choose at least one model' });
    if (v.target === 'provider' && !v.providerId) ctx.addIssue({ code: 'custom', path: ['providerId'], message: 'Choose a provider' });
  });
export type MarkupProposalInput = z.input<typeof markupProposalSchema>;

export const markupPreviewSchema = z.object({
  target: z.enum(['model', 'provider']),
  modelIds: z.array(z.string().min(1).max(100)).max(200).default([]),
  providerId: z.string().max(50).optional(),
  markupPercent: percentString,
});

export const defaultMarkupSchema = z.object({
  scope: z.enum(['default_external', 'default_self_hosted']),
  markupPercent: percentString,
  reason,
});

export const clearMarkupSchema = z.object({
  scope: z.enum(['default_external', 'default_self_hosted', 'provider', 'model', 'tenant_model']),
  providerId: z.string().max(50).optional(),
  modelId: z.string().max(100).optional(),
  tenantId: z.string().uuid().optional(),
  reason,
});

export const alertActionSchema = z.object({
  alertId: z.string().uuid(),
  note: z.string().trim().max(1000).optional(),
});

const costRate = z
  .string()
  .trim()
  .regex(/^\d+(\.\d{1,12})?$/, 'A cost such as 0.0025 (dollars per 1K tokens)')
  .optional()
  .or(z.literal('').transform(() => undefined));

export const adjustCostSchema = z
  .object({
    alertId: z.string().uuid(),
    modelId: z.string().min(1).max(100),
    inputPer1k: costRate,
    outputPer1k: costRate,
    reason,
  })
  .refine((v) => v.inputPer1k !== undefined || v.outputPer1k !== undefined, { message: 'Enter at least one cost', path: ['inputPer1k'] });

export const providerToggleSchema = z.object({ providerId: z.string().min(1).max(50), enabled: z.boolean(), reason });
export const providerBaseUrlSchema = z.object({
  providerId: z.string().min(1).max(50),
  apiBaseUrl: z
    .string()
    .trim()
    .max(255)
    .refine((v) => {
      if (v === '') return true;
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
      } catch {
        return false;
      }
    }, 'An http(s) URL without credentials, or empty for the default'),
  reason,
});

export const ROUTING_ACTIONS = ['route', 'fallback', 'block', 'rate_limit'] as const;
const csvList = z
  .string()
  .trim()
  .max(2000)
  .transform((v) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const routingRuleSchema = z
  .object({
    id: z.string().uuid().optional(),
    name: z.string().trim().min(2, 'A name of at least 2 characters').max(100),
    description: z.string().trim().max(1000).optional(),
    priority: z.coerce.number().int('A whole number').min(0).max(10_000),
    enabled: z.boolean(),
    action: z.enum(ROUTING_ACTIONS),
    tenantId: z
      .string()
      .uuid()
      .optional()
      .or(z.literal('').transform(() => undefined)),
    models: csvList,
    categories: csvList,
    capabilities: csvList,
    targetProvider: z.string().trim().max(50).optional(),
    targetModel: z.string().trim().max(100).optional(),
    fallbackModels: csvList,
    rateLimitRpm: z.coerce.number().int().min(1).max(1_000_000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'route' && !v.targetModel && !v.targetProvider)
      ctx.addIssue({ code: 'custom', path: ['targetModel'], message: 'A route rule needs a target model or provider' });
    if (v.action === 'fallback' && v.fallbackModels.length === 0)
      ctx.addIssue({ code: 'custom', path: ['fallbackModels'], message: 'List at least one fallback model' });
    if (v.action === 'rate_limit' && !v.rateLimitRpm)
      ctx.addIssue({ code: 'custom', path: ['rateLimitRpm'], message: 'A rate-limit rule needs requests per minute' });
  });

export const optimizerFormSchema = z.object({
  estimatedInputTokens: z.coerce.number().int('Whole tokens').min(0).max(10_000_000),
  estimatedOutputTokens: z.coerce.number().int('Whole tokens').min(0).max(1_000_000),
  requiredCapabilities: z.array(z.string().min(1)).max(20),
  pricePreference: z.enum(['minimize', 'balance', 'ignore']),
  minQualityScore: z.coerce.number().min(0).max(100).optional(),
  includeEstimatedPricing: z.boolean(),
  canUseCaching: z.boolean(),
  cachedTokenCount: z.coerce.number().int().min(0).optional(),
  canUseBatch: z.boolean(),
  requiresToolCalls: z.boolean(),
  maxPricePerRequest: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'An amount such as 0.05')
    .optional(),
  tenantId: z.string().uuid().optional(),
});

export const USAGE_STATUS_VALUES = ['success', 'error', 'partial', 'cancelled'] as const;

/** Usage explorer filters (query string). */
export const usageFiltersSchema = z
  .object({
    tenantId: z.preprocess(blank, z.uuid('Choose a tenant from the list').optional()),
    modelId: z.preprocess(blank, z.string().max(100).optional()),
    providerId: z.preprocess(blank, z.string().max(50).optional()),
    status: z.preprocess(blank, z.enum(USAGE_STATUS_VALUES).optional()),
    from: z.preprocess(blank, z.string().regex(DAY_RE, 'Use YYYY-MM-DD').optional()),
    to: z.preprocess(blank, z.string().regex(DAY_RE, 'Use YYYY-MM-DD').optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'The start must be on or before the end', path: ['to'] })
  .refine((f) => !f.from || !f.to || Date.parse(f.to) - Date.parse(f.from) <= 366 * 86_400_000, { message: 'At most one year at a time', path: ['from'] });
export type UsageFilters = z.output<typeof usageFiltersSchema>;
