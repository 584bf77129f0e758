/**
 * Markups screen: the two defaults (external / self-hosted) as in force now, and every override
 * (provider, model, tenant+model) with who set it, when, why and when it expires. Overrides that
 * expire within EXPIRING_SOON_DAYS are flagged. Platform path.
 */
import { eq, isNotNull } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { administrators, markupOverrides, models, providers, tenantModelAccess, tenants } from '../db/schema';
import { DEFAULT_MARKUP_PERCENT, isOverrideActive, type MarkupOverrideScope } from '../pricing/markup';
import { decStr, isoOrNull } from '../db/sql-util';

export const EXPIRING_SOON_DAYS = 14;

export interface MarkupRow {
  id: string;
  scope: MarkupOverrideScope;
  target: string;
  targetId: string | null;
  tenant: string | null;
  tenantId: string | null;
  markupPercent: string;
  reason: string;
  setBy: string | null;
  setAt: string | null;
  expiresAt: string | null;
  status: 'active' | 'expiring_soon' | 'expired';
  daysLeft: number | null;
}

export interface MarkupsData {
  defaults: Array<{
    scope: 'default_external' | 'default_self_hosted';
    label: string;
    markupPercent: string;
    source: 'override' | 'built-in';
    override: MarkupRow | null;
  }>;
  overrides: MarkupRow[];
  expiringSoon: number;
}

function status(expiresAt: Date | null, now: Date): { status: MarkupRow['status']; daysLeft: number | null } {
  if (!expiresAt) return { status: 'active', daysLeft: null };
  const days = (expiresAt.getTime() - now.getTime()) / 86_400_000;
  if (!isOverrideActive({ expiresAt } as never, now)) return { status: 'expired', daysLeft: Math.floor(days) };
  return { status: days < EXPIRING_SOON_DAYS ? 'expiring_soon' : 'active', daysLeft: Math.floor(days) };
}

export async function listMarkups(q: Queryable, now = new Date()): Promise<MarkupsData> {
  const [platform, tenantRows] = await Promise.all([
    q
      .select({
        id: markupOverrides.id,
        scope: markupOverrides.scope,
        providerId: markupOverrides.providerId,
        providerName: providers.displayName,
        modelId: markupOverrides.modelId,
        modelName: models.displayName,
        markupPercent: markupOverrides.markupPercent,
        reason: markupOverrides.reason,
        setBy: administrators.name,
        setByEmail: administrators.email,
        setAt: markupOverrides.setAt,
        expiresAt: markupOverrides.expiresAt,
      })
      .from(markupOverrides)
      .leftJoin(providers, eq(providers.id, markupOverrides.providerId))
      .leftJoin(models, eq(models.id, markupOverrides.modelId))
      .leftJoin(administrators, eq(administrators.id, markupOverrides.setBy)),
    q
      .select({
        id: tenantModelAccess.id,
        tenantId: tenantModelAccess.tenantId,
        tenant: tenants.name,
        modelId: tenantModelAccess.modelId,
        modelName: models.displayName,
        markupPercent: tenantModelAccess.markupPercent,
        reason: tenantModelAccess.markupReason,
        setBy: administrators.name,
        setAt: tenantModelAccess.markupSetAt,
        expiresAt: tenantModelAccess.markupExpiresAt,
      })
      .from(tenantModelAccess)
      .innerJoin(tenants, eq(tenants.id, tenantModelAccess.tenantId))
      .innerJoin(models, eq(models.id, tenantModelAccess.modelId))
      .leftJoin(administrators, eq(administrators.id, tenantModelAccess.markupSetBy))
      .where(isNotNull(tenantModelAccess.markupPercent)),
  ]);

  const rows: MarkupRow[] = [
    ...platform.map((p) => ({
      id: p.id,
      scope: p.scope,
      target:
        p.scope === 'provider'
          ? (p.providerName ?? p.providerId ?? '')
          : p.scope === 'model'
            ? (p.modelName ?? p.modelId ?? '')
            : p.scope === 'default_external'
              ? 'Default (external providers)'
              : 'Default (self-hosted)',
      targetId: p.providerId ?? p.modelId ?? null,
      tenant: null,
      tenantId: null,
      markupPercent: decStr(p.markupPercent),
      reason: p.reason,
      setBy: p.setBy ?? p.setByEmail ?? null,
      setAt: isoOrNull(p.setAt),
      expiresAt: isoOrNull(p.expiresAt),
      ...status(p.expiresAt, now),
    })),
    ...tenantRows.map((t) => ({
      id: t.id,
      scope: 'tenant_model' as const,
      target: t.modelName,
      targetId: t.modelId,
      tenant: t.tenant,
      tenantId: t.tenantId,
      markupPercent: decStr(t.markupPercent),
      reason: t.reason ?? '',
      setBy: t.setBy ?? null,
      setAt: isoOrNull(t.setAt),
      expiresAt: isoOrNull(t.expiresAt),
      ...status(t.expiresAt, now),
    })),
  ];

  const def = (scope: 'default_external' | 'default_self_hosted', label: string, builtIn: string) => {
    const o = rows.find((r) => r.scope === scope && r.status !== 'expired') ?? null;
    return { scope, label, markupPercent: o ? o.markupPercent : builtIn, source: o ? ('override' as const) : ('built-in' as const), override: o };
  };

  const order: Record<string, number> = { default_external: 0, default_self_hosted: 1, provider: 2, model: 3, tenant_model: 4 };
  const overrides = rows.sort((a, b) => (order[a.scope] ?? 9) - (order[b.scope] ?? 9) || a.target.localeCompare(b.target));
  return {
    defaults: [
      def('default_external', 'External providers', DEFAULT_MARKUP_PERCENT.external),
      def('default_self_hosted', 'Self-hosted models', DEFAULT_MARKUP_PERCENT.selfHosted),
    ],
    overrides,
    expiringSoon: overrides.filter((o) => o.status === 'expiring_soon').length,
  };
}
