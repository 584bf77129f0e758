/**
 * Stage: admission. Rate limits (tenant, key, tenant+model, routing-rule rpm; tokens per minute
 * charged with an estimate first and corrected once the real usage is known), then the monthly
 * budget reservation on the tenant and the key (an upper estimate of the price, settled on the
 * real price by the meter stage). 429 with Retry-After and rate-limit headers when refused.
 */
import { BudgetExceededError, RateLimitedError } from '../../errors';
import { Decimal } from '../../pricing/money';
import { priceUsage } from '../../pricing/price';
import type { UsageInput } from '../../pricing/usage';
import { TIER_LIMITS, type TenantTier } from '../../pricing/volume';
import { recordBudgetRejection, recordRateLimited, type RateLimitScope } from '../../observability/metrics';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import { toNano, type BudgetScope, type Reservation } from '../limits/budget';
import { rateLimitHeaders, type LimitCheck, type LimitDecision } from '../limits/limiter';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { RoutePlan } from '../router';
import type { CatalogSnapshot, GatewayModel, TenantConfig } from '../state';

/** What a request was admitted with; the meter stage settles it (or the endpoint releases it). */
export class Admission {
  reservation: Reservation | null = null;
  constructor(
    private readonly gw: GatewayServices,
    readonly decision: LimitDecision,
    readonly checks: LimitCheck[],
    /** Tokens charged against the per-minute token limits at admission. */
    readonly tokenCost: number,
  ) {}

  /** Replaces the admission's token estimate by what was really used. */
  settleTokens(used: number): void {
    this.adjust(used - this.tokenCost);
  }

  /** Gives back every token charged at admission (a cache hit, a request that got no answer). */
  refundTokens(): void {
    this.adjust(-this.tokenCost);
  }

  /** Settles the budget reservation on the real price (nano-dollars; 0 releases it). */
  settleSpend(priceNano: bigint): void {
    if (this.reservation) this.gw.budget.settle(this.reservation, priceNano);
    this.reservation = null;
  }

  private adjust(delta: number): void {
    if (delta === 0) return;
    for (const c of this.checks) {
      if (c.kind === 'tokens') this.gw.limiter.adjust(c.key, this.decision.windowIndex, Math.max(-c.cost, delta));
    }
  }
}

/**
 * Metering admission (docs/gateway.md, "Metering"): while the writer could lose events (journal
 * down and more than RADIANT_METERING_MAX_UNJOURNALED held only in memory) a paid request is
 * refused with 503 + Retry-After rather than served unbilled. Part of every admission (admitRate).
 */
function admitMetering(gw: GatewayServices): void {
  if (!gw.writer.acceptingPaidRequests) {
    throw new GatewayError(503, 'service_unavailable', 'The gateway cannot record usage right now; retry shortly.', { headers: { 'retry-after': '5' } });
  }
}

/** Metering admission, then rate limits. Throws RateLimitedError (429); sets the rate-limit headers
 * either way. Every paid endpoint admits its requests here. */
export async function admitRate(
  gw: GatewayServices,
  ctx: RequestContext,
  key: KeyRecord,
  tenant: TenantConfig,
  plan: RoutePlan,
  tokenCost: number,
): Promise<Admission> {
  admitMetering(gw);
  const checks = limitChecks(key, tenant, plan, tokenCost);
  const decision = await gw.limiter.consume(checks, ctx.start);
  Object.assign(ctx.headers, rateLimitHeaders(decision.states));
  if (!decision.allowed) {
    const v = decision.violated!;
    recordRateLimited(limitScope(v.check.key));
    const what = v.check.kind === 'requests' ? 'requests' : 'tokens';
    throw new RateLimitedError(
      `Rate limit reached for ${what} per minute (limit ${v.check.limit}, used ${Math.floor(v.used)}). Retry after ${decision.retryAfterSeconds}s.`,
      decision.retryAfterSeconds,
      {},
    );
  }
  gw.keyUsage.touch(key.keyId, ctx.start);
  return new Admission(gw, decision, checks, tokenCost);
}

/** Reserves `estimate` (price) on the tenant's and the key's monthly budgets, where they have one.
 * Over budget: 429 insufficient_quota, and the admission's tokens are given back. */
export async function reserveBudget(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, admission: Admission, estimate: () => Decimal): Promise<void> {
  const scopes = budgetScopes(key);
  if (scopes.length === 0) return;
  try {
    admission.reservation = await gw.budget.reserve(scopes, toNano(estimate()), ctx.requestId, new Date(ctx.start));
  } catch (err) {
    if (err instanceof BudgetExceededError) {
      recordBudgetRejection(err.scope);
      admission.refundTokens();
      throw err;
    }
    throw new GatewayError(503, 'service_unavailable', 'Spend limits cannot be checked right now; retry shortly.', { cause: err });
  }
}

export function budgetScopes(key: KeyRecord): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (key.tenant.monthlyBudget !== null) {
    scopes.push({
      id: `t:${key.tenantId}`,
      kind: 'tenant',
      tenantId: key.tenantId,
      keyId: null,
      capNano: toNano(key.tenant.monthlyBudget),
      cap: key.tenant.monthlyBudget,
    });
  }
  if (key.monthlyBudget !== null) {
    scopes.push({ id: `k:${key.keyId}`, kind: 'key', tenantId: key.tenantId, keyId: key.keyId, capNano: toNano(key.monthlyBudget), cap: key.monthlyBudget });
  }
  return scopes;
}

/** The tenant's rpm/tpm: its tier's (TIER_LIMITS), unless tenants.settings.rateLimits sets a
 * contract-specific { rpm, tpm } (either may be given). */
export function tenantLimits(key: KeyRecord): { rpm: number; tpm: number } {
  const tier = TIER_LIMITS[(key.tenant.tier in TIER_LIMITS ? key.tenant.tier : 1) as TenantTier];
  const custom = key.tenant.settings.rateLimits as { rpm?: unknown; tpm?: unknown } | undefined;
  return { rpm: positiveInt(custom?.rpm) ?? tier.rpm, tpm: positiveInt(custom?.tpm) ?? tier.tpm };
}

const positiveInt = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : null);

/** What a key's limit checks share across its requests: the limits and the counter keys. */
interface KeyLimits {
  rpm: number;
  tpm: number;
  tenantRpmKey: string;
  tenantTpmKey: string;
  keyRpmKey: string;
  keyTpmKey: string;
}

/** Per key record (the key cache replaces the record when the key or its tenant changes, so the
 * memo never outlives what it was derived from): the hot path builds no key strings. */
const keyLimitsMemo = new WeakMap<KeyRecord, KeyLimits>();

function keyLimits(key: KeyRecord): KeyLimits {
  let k = keyLimitsMemo.get(key);
  if (!k) {
    const { rpm, tpm } = tenantLimits(key);
    const t = key.tenantId;
    k = { rpm, tpm, tenantRpmKey: `t:${t}:rpm`, tenantTpmKey: `t:${t}:tpm`, keyRpmKey: `k:${key.keyId}:rpm`, keyTpmKey: `k:${key.keyId}:tpm` };
    keyLimitsMemo.set(key, k);
  }
  return k;
}

function limitChecks(key: KeyRecord, tenant: TenantConfig, plan: RoutePlan, tokenCost: number): LimitCheck[] {
  const k = keyLimits(key);
  const checks: LimitCheck[] = [
    { key: k.tenantRpmKey, kind: 'requests', limit: k.rpm, cost: 1 },
    { key: k.tenantTpmKey, kind: 'tokens', limit: k.tpm, cost: tokenCost },
  ];
  if (key.rpm) checks.push({ key: k.keyRpmKey, kind: 'requests', limit: key.rpm, cost: 1 });
  if (key.tpm) checks.push({ key: k.keyTpmKey, kind: 'tokens', limit: key.tpm, cost: tokenCost });
  if (tenant.access.size > 0) {
    const access = tenant.access.get(plan.primary.id);
    const t = key.tenantId;
    if (access?.rpm) checks.push({ key: `tm:${t}:${plan.primary.id}:rpm`, kind: 'requests', limit: access.rpm, cost: 1 });
    if (access?.tpm) checks.push({ key: `tm:${t}:${plan.primary.id}:tpm`, kind: 'tokens', limit: access.tpm, cost: tokenCost });
  }
  for (const r of plan.rateRules) checks.push({ key: `r:${r.id}:${key.tenantId}:rpm`, kind: 'requests', limit: r.rateLimitRpm!, cost: 1 });
  return checks;
}

function limitScope(key: string): RateLimitScope {
  return key.startsWith('t:') ? 'tenant' : key.startsWith('k:') ? 'key' : key.startsWith('tm:') ? 'model' : 'rule';
}

/** Upper estimate of a request's price for the budget reservation: the most expensive model of the
 * chain for the usage the request may produce (`usageFor` each model). */
export function upperPriceEstimate(
  gw: GatewayServices,
  plan: RoutePlan,
  tenant: TenantConfig,
  snap: CatalogSnapshot,
  at: number,
  usageFor: (m: GatewayModel, coldStart: boolean) => UsageInput,
): Decimal {
  let max = new Decimal(0);
  for (const m of plan.chain) {
    const cold = m.isSelfHosted && COLD_STATES.has(gw.thermal.state(m.id, at));
    const p = priceUsage({ cost: m.cost, usage: usageFor(m, cold), markupPercent: tenant.markupFor(m, snap, at).markupPercent }).price;
    if (p.greaterThan(max)) max = p;
  }
  return max;
}

const COLD_STATES = new Set(['OFF', 'COLD']);
