/**
 * Markup resolution: which markup percent turns a model's COST into the PRICE a tenant pays.
 *
 * Markup is stored and passed as a PERCENT (40 means price = cost x 1.40), never as a
 * multiplier. Resolution order, most specific first (docs/pricing.md):
 *
 *   1. tenant_model  (tenant_model_access row for this tenant and model)
 *   2. model         (markup_overrides scope 'model')
 *   3. provider      (markup_overrides scope 'provider')
 *   4. default       (default_self_hosted / default_external row if present, else 75% / 40%)
 *
 * An override with `expiresAt <= at` does not apply, in EVERY scope (the seed let provider
 * overrides live forever). If several live rows match the same scope (the database keeps one per
 * target, so this is defensive), the most recently set one wins; equal `setAt` -> the later one
 * in the input array.
 */
import { z } from 'zod';
import { ValidationError } from '@/lib/errors';
import { type Decimal, dec } from './money';

export const MARKUP_OVERRIDE_SCOPES = ['tenant_model', 'model', 'provider', 'default_external', 'default_self_hosted'] as const;
export type MarkupOverrideScope = (typeof MARKUP_OVERRIDE_SCOPES)[number];

export type MarkupSource = 'tenant_model' | 'model' | 'provider' | 'default';

export interface MarkupOverride {
  scope: MarkupOverrideScope;
  tenantId?: string;
  modelId?: string;
  providerId?: string;
  /** Canonical decimal string, e.g. "25" or "37.5". */
  markupPercent: string;
  setBy: string;
  setAt: Date;
  reason: string;
  expiresAt: Date | null;
}

export const DEFAULT_MARKUP_PERCENT = { external: '40', selfHosted: '75' } as const;

export const MAX_MARKUP_PERCENT = '1000';

/**
 * A markup percent as admins enter it: 0..1000 inclusive, at most 4 decimals (NUMERIC(9,4)),
 * as a string ("40", "37.5") or a number (40). Output: the canonical decimal string ("37.5").
 * Negative markups (selling below cost) are refused.
 */
export const markupPercentSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  let d: Decimal;
  try {
    d = dec(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'markup percent must be a decimal number' });
    return z.NEVER;
  }
  if (d.lessThan(0)) {
    ctx.addIssue({ code: 'custom', message: 'markup percent cannot be negative' });
    return z.NEVER;
  }
  if (d.greaterThan(MAX_MARKUP_PERCENT)) {
    ctx.addIssue({ code: 'custom', message: `markup percent cannot exceed ${MAX_MARKUP_PERCENT}` });
    return z.NEVER;
  }
  if (d.decimalPlaces() > 4) {
    ctx.addIssue({ code: 'custom', message: 'markup percent has at most 4 decimal places' });
    return z.NEVER;
  }
  // decimal.js keeps the sign of -0; canonicalise it to "0".
  return d.isZero() ? '0' : d.toFixed();
});

/** Validation for a whole override row as submitted by an admin (scope-specific targets). */
export const markupOverrideSchema = z
  .object({
    scope: z.enum(MARKUP_OVERRIDE_SCOPES),
    tenantId: z.string().min(1).optional(),
    modelId: z.string().min(1).optional(),
    providerId: z.string().min(1).optional(),
    markupPercent: markupPercentSchema,
    setBy: z.string().min(1),
    setAt: z.date(),
    reason: z.string().trim().min(1, 'a reason is required'),
    expiresAt: z.date().nullable(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const need = (field: 'tenantId' | 'modelId' | 'providerId', present: boolean) => {
      if (present && !o[field]) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is required for scope ${o.scope}` });
      if (!present && o[field]) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is not allowed for scope ${o.scope}` });
    };
    need('tenantId', o.scope === 'tenant_model');
    need('modelId', o.scope === 'tenant_model' || o.scope === 'model');
    need('providerId', o.scope === 'provider');
    if (o.expiresAt !== null && o.expiresAt.getTime() <= o.setAt.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'expiresAt must be after setAt' });
    }
  });

export interface ResolveMarkupInput {
  model: { id: string; providerId: string; isSelfHosted: boolean };
  tenantId?: string | null;
  overrides: readonly MarkupOverride[];
  defaults?: { external: string | number; selfHosted: string | number };
  /** The moment the price is for (usually now; for a usage event, its time). */
  at: Date;
}

export interface ResolvedMarkup {
  markupPercent: Decimal;
  source: MarkupSource;
  /** The row that decided it (absent when the built-in default applied). */
  override?: MarkupOverride;
}

/** Is this override in force at `at`? Expired means expiresAt <= at (every scope). */
export function isOverrideActive(o: MarkupOverride, at: Date): boolean {
  return o.expiresAt === null || o.expiresAt.getTime() > at.getTime();
}

function parsePercent(value: string | number, where: string): Decimal {
  const r = markupPercentSchema.safeParse(value);
  if (!r.success) {
    throw new ValidationError(`invalid markup percent in ${where}`, [
      { path: 'markupPercent', message: r.error.issues[0]?.message ?? 'invalid markup percent' },
    ]);
  }
  return dec(r.data);
}

function latest(rows: MarkupOverride[]): MarkupOverride | undefined {
  let best: MarkupOverride | undefined;
  for (const r of rows) {
    if (!best || r.setAt.getTime() >= best.setAt.getTime()) best = r;
  }
  return best;
}

/** Resolve the markup for a model (and optionally a tenant) at a moment. */
export function resolveMarkup(input: ResolveMarkupInput): ResolvedMarkup {
  const { model, overrides, at } = input;
  const tenantId = input.tenantId ?? null;
  const live = overrides.filter((o) => isOverrideActive(o, at));

  const candidates: Array<[MarkupSource, MarkupOverride | undefined]> = [
    [
      'tenant_model',
      tenantId === null ? undefined : latest(live.filter((o) => o.scope === 'tenant_model' && o.tenantId === tenantId && o.modelId === model.id)),
    ],
    ['model', latest(live.filter((o) => o.scope === 'model' && o.modelId === model.id))],
    ['provider', latest(live.filter((o) => o.scope === 'provider' && o.providerId === model.providerId))],
    ['default', latest(live.filter((o) => o.scope === (model.isSelfHosted ? 'default_self_hosted' : 'default_external')))],
  ];
  for (const [source, o] of candidates) {
    if (o) return { markupPercent: parsePercent(o.markupPercent, `${o.scope} override`), source, override: o };
  }
  const defaults = input.defaults ?? DEFAULT_MARKUP_PERCENT;
  const value = model.isSelfHosted ? defaults.selfHosted : defaults.external;
  return { markupPercent: parsePercent(value, 'default markup'), source: 'default' };
}
