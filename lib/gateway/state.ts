/**
 * The gateway's cached view of configuration, so the hot path makes no database round trip:
 *
 *  - CatalogSnapshot: models (enabled or not), providers (with credentials' locations), the
 *    platform markup overrides and the enabled routing rules. Loaded on the platform path,
 *    refreshed every `configTtlMs` in the background (requests keep using the previous snapshot
 *    meanwhile, and keep using it while the database is unreachable), reloaded at once on
 *    invalidation (admin changes, or a Redis broadcast from another instance).
 *  - TenantConfig per tenant: tenant_model_access (enablement, per-model limits, tenant+model
 *    markups), HIPAA provider restriction and the request-log retention. Loaded through
 *    withTenant (RLS), same refresh rules.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { hipaaOnlyFrom, tenantMayUse } from '../catalog/visibility';
import { dataRetentionPolicies, hipaaConfig, providers, routingRules, tenantModelAccess } from '../db/schema';
import { withPlatform, withTenant } from '../db/tenant';
import { loadCatalog, loadPlatformOverrides, loadTenantOverrides } from '../catalog/repository';
import type { CatalogModel, WireFormat } from '../catalog/types';
import type { MarkupOverride, ResolvedMarkup } from '../pricing/markup';
import { resolveMarkup } from '../pricing/markup';
import { gatewayLog } from './log';

export type ThermalStateName = 'OFF' | 'COLD' | 'WARM' | 'HOT' | 'AUTOMATIC';

export interface GatewayModel extends CatalogModel {
  thermalState: ThermalStateName | null;
  thermalUpdatedAt: Date | null;
}

export interface GatewayProvider {
  id: string;
  displayName: string;
  wireFormat: WireFormat;
  isSelfHosted: boolean;
  enabled: boolean;
  apiBaseUrl: string | null;
  apiKeyEnv: string | null;
  authType: string;
  encryptedApiKey: string | null;
  compliance: string[];
}

/** The fields of a provider row (or catalog entry) the gateway keeps. */
export function toGatewayProvider(p: GatewayProvider): GatewayProvider {
  return {
    id: p.id,
    displayName: p.displayName,
    wireFormat: p.wireFormat,
    isSelfHosted: p.isSelfHosted,
    enabled: p.enabled,
    apiBaseUrl: p.apiBaseUrl,
    apiKeyEnv: p.apiKeyEnv,
    authType: p.authType,
    encryptedApiKey: p.encryptedApiKey,
    compliance: p.compliance,
  };
}

export interface RuleConditions {
  tenantIds?: string[];
  models?: string[];
  categories?: string[];
  capabilities?: string[];
}

export interface GatewayRule {
  id: string;
  tenantId: string | null;
  name: string;
  priority: number;
  conditions: RuleConditions;
  action: 'route' | 'fallback' | 'block' | 'rate_limit';
  targetProvider: string | null;
  targetModel: string | null;
  fallbackModels: string[];
  rateLimitRpm: number | null;
}

export class CatalogSnapshot {
  readonly byId = new Map<string, GatewayModel>();
  private readonly byName = new Map<string, GatewayModel>();
  private readonly byLowerName = new Map<string, GatewayModel>();
  /** Earliest future expiry among platform overrides (markup memo invalidation). */
  readonly nextOverrideExpiry: number;

  constructor(
    readonly version: number,
    readonly models: GatewayModel[],
    readonly providers: Map<string, GatewayProvider>,
    readonly platformOverrides: MarkupOverride[],
    readonly rules: GatewayRule[],
    readonly loadedAt = Date.now(),
  ) {
    for (const m of models) {
      this.byId.set(m.id, m);
      for (const n of [m.name, ...m.aliases]) {
        if (!this.byName.has(n)) this.byName.set(n, m);
        const l = n.toLowerCase();
        if (!this.byLowerName.has(l)) this.byLowerName.set(l, m);
      }
    }
    this.nextOverrideExpiry = nextExpiry(platformOverrides, loadedAt);
  }

  private readonly rulesByTenant = new Map<string, GatewayRule[]>();

  /** Rules that can apply to a tenant (global ones and its own), in priority order; memoised. */
  rulesFor(tenantId: string): GatewayRule[] {
    let r = this.rulesByTenant.get(tenantId);
    if (!r) {
      r = this.rules.filter((x) => x.tenantId === null || x.tenantId === tenantId);
      if (this.rulesByTenant.size > 10_000) this.rulesByTenant.clear();
      this.rulesByTenant.set(tenantId, r);
    }
    return r;
  }

  /** A model by client name, alias or catalog id (exact, then case-insensitive). */
  find(nameOrAlias: string): GatewayModel | undefined {
    return this.byName.get(nameOrAlias) ?? this.byId.get(nameOrAlias) ?? this.byLowerName.get(nameOrAlias.trim().toLowerCase());
  }
}

export interface ModelAccess {
  enabled: boolean;
  rpm: number | null;
  tpm: number | null;
}

export class TenantConfig {
  /** Memo of resolved markups per model for one snapshot version. */
  private readonly markups = new Map<string, ResolvedMarkup>();
  private memoVersion = -1;
  private memoValidUntil = 0;
  /** Per-snapshot memo slots for expensive derived views (e.g. the /v1/models list). */
  readonly memo = new Map<string, { version: number; value: unknown; until: number }>();

  constructor(
    readonly tenantId: string,
    readonly access: Map<string, ModelAccess>,
    readonly overrides: MarkupOverride[],
    readonly hipaaOnly: boolean,
    readonly requestLogRetentionDays: number,
    readonly loadedAt = Date.now(),
  ) {}

  /** May this tenant use the model at all (tenant_model_access row with enabled = false blocks). */
  allows(model: GatewayModel, snap: CatalogSnapshot): boolean {
    return tenantMayUse(model, snap.providers.get(model.providerId), this, this.access.get(model.id));
  }

  /** The markup in force for this tenant and model at `at` (memoised until an override expires
   * or the snapshot changes). */
  markupFor(model: GatewayModel, snap: CatalogSnapshot, at: number): ResolvedMarkup {
    if (this.memoVersion !== snap.version || at >= this.memoValidUntil) {
      this.markups.clear();
      this.memoVersion = snap.version;
      this.memoValidUntil = Math.min(snap.nextOverrideExpiry, nextExpiry(this.overrides, at));
    }
    let m = this.markups.get(model.id);
    if (!m) {
      m = resolveMarkup({
        model: { id: model.id, providerId: model.providerId, isSelfHosted: model.isSelfHosted },
        tenantId: this.tenantId,
        overrides: this.overrides.length ? [...snap.platformOverrides, ...this.overrides] : snap.platformOverrides,
        at: new Date(at),
      });
      this.markups.set(model.id, m);
    }
    return m;
  }
}

function nextExpiry(overrides: MarkupOverride[], after: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const o of overrides) {
    const t = o.expiresAt?.getTime();
    if (t !== undefined && t > after && t < next) next = t;
  }
  return next;
}

const THERMAL = new Set(['OFF', 'COLD', 'WARM', 'HOT', 'AUTOMATIC']);

export async function loadCatalogSnapshot(db: Db, version: number): Promise<CatalogSnapshot> {
  return withPlatform(async (tx) => {
    const [cat, providerRows, overrides, ruleRows] = await Promise.all([
      loadCatalog(tx),
      tx.select().from(providers),
      loadPlatformOverrides(tx),
      tx.select().from(routingRules).where(eq(routingRules.enabled, true)),
    ]);
    const thermal = new Map(cat.modelRows.map((r) => [r.id, r]));
    const models: GatewayModel[] = cat.models.map((m) => {
      const row = thermal.get(m.id);
      const st = row?.thermalState ?? null;
      return { ...m, thermalState: st && THERMAL.has(st) ? (st as ThermalStateName) : null, thermalUpdatedAt: row?.thermalUpdatedAt ?? null };
    });
    const provs = new Map<string, GatewayProvider>(providerRows.map((p) => [p.id, toGatewayProvider(p)]));
    const rules: GatewayRule[] = ruleRows
      .map((r) => ({
        id: r.id,
        tenantId: r.tenantId,
        name: r.name,
        priority: r.priority,
        conditions: normalizeConditions(r.conditions),
        action: r.action,
        targetProvider: r.targetProvider,
        targetModel: r.targetModel,
        fallbackModels: r.fallbackModels ?? [],
        rateLimitRpm: r.rateLimitRpm,
      }))
      .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
    return new CatalogSnapshot(version, models, provs, overrides, rules);
  }, db);
}

function strArray(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : undefined;
}

function normalizeConditions(c: unknown): RuleConditions {
  if (!c || typeof c !== 'object') return {};
  const o = c as Record<string, unknown>;
  const out: RuleConditions = {};
  const t = strArray(o.tenantIds ?? o.tenant_ids ?? o.tenants);
  const m = strArray(o.models ?? o.model);
  const cat = strArray(o.categories ?? o.category);
  const cap = strArray(o.capabilities ?? o.capability);
  if (t) out.tenantIds = t;
  if (m) out.models = m;
  if (cat) out.categories = cat;
  if (cap) out.capabilities = cap;
  return out;
}

export const DEFAULT_REQUEST_LOG_RETENTION_DAYS = 30;

export async function loadTenantConfig(db: Db, tenantId: string): Promise<TenantConfig> {
  return withTenant(
    tenantId,
    async (tx) => {
      const [access, overrides, hipaa, retention] = await Promise.all([
        tx.select().from(tenantModelAccess).where(eq(tenantModelAccess.tenantId, tenantId)),
        loadTenantOverrides(tx, tenantId),
        tx.select().from(hipaaConfig).where(eq(hipaaConfig.tenantId, tenantId)),
        tx
          .select()
          .from(dataRetentionPolicies)
          .where(and(eq(dataRetentionPolicies.tenantId, tenantId), eq(dataRetentionPolicies.dataType, 'request_logs'))),
      ]);
      const h = hipaa[0];
      const r = retention[0];
      return new TenantConfig(
        tenantId,
        new Map(access.map((a) => [a.modelId, { enabled: a.enabled, rpm: a.rateLimitRpm, tpm: a.rateLimitTpm }])),
        overrides,
        hipaaOnlyFrom(h),
        r && r.enabled && r.retentionDays > 0 ? r.retentionDays : DEFAULT_REQUEST_LOG_RETENTION_DAYS,
      );
    },
    db,
  );
}

/**
 * Cache with background refresh: `get()` answers from memory when fresh; when stale it starts a
 * refresh and answers with the stale value (or waits when there is none). A failed refresh keeps
 * the last value (the database may be down; the gateway keeps serving).
 */
export class RefreshingValue<T> {
  private value: T | null = null;
  private at = 0;
  private gen = 0;
  private inflight: Promise<T> | null = null;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly label: string,
  ) {}

  peek(): T | null {
    return this.value;
  }

  get(now = Date.now()): Promise<T> | T {
    if (this.value !== null) {
      if (now - this.at > this.ttlMs && !this.inflight) void this.refresh().catch(() => {});
      return this.value;
    }
    return this.refresh();
  }

  refresh(): Promise<T> {
    return this.inflight ?? this.start();
  }

  /** Reload now; requests keep the previous value until the new one is loaded. */
  invalidate(): Promise<T> {
    this.at = 0;
    return this.start();
  }

  private start(): Promise<T> {
    const g = ++this.gen;
    const p: Promise<T> = this.load()
      .then((v) => {
        if (g === this.gen) {
          this.value = v;
          this.at = Date.now();
        }
        return v;
      })
      .catch((err: unknown) => {
        gatewayLog.warn({ what: this.label, err: String(err) }, 'config refresh failed; keeping the previous value');
        if (this.value !== null) {
          // Try again in about 2 s, not on every request.
          this.at = Date.now() - this.ttlMs + 2000;
          return this.value;
        }
        throw err;
      })
      .finally(() => {
        if (this.inflight === p) this.inflight = null;
      });
    this.inflight = p;
    return p;
  }
}
