/**
 * Money for jobs, on the gateway's one budget system (lib/gateway/limits/budget.ts):
 *  - at creation the job's full PRICE (requested seconds x price per second, or the per-request
 *    price) is RESERVED on the tenant's and the key's monthly caps (admitted only if it fits,
 *    atomically, as for chat), then kept as a HOLD: the ledger counts it as spend and the job row
 *    keeps it in `reserved_amount`, so the hold survives restarts and is seen by every instance
 *    (the sources below count open jobs' holds when a ledger seeds a scope from the database);
 *  - at completion the hold is replaced by the price of what was produced; on failure, on a
 *    cancellation the provider did not charge, and at the deadline it is released (price 0).
 * Amounts are exact decimals (Decimal) in the database and integer nano-dollars in the ledger.
 */
import { sql } from 'drizzle-orm';
import type { ModelCost } from '../../catalog/types';
import { queryRows, type Db } from '../../db/client';
import { withPlatform } from '../../db/tenant';
import { Decimal, dec } from '../../pricing/money';
import { priceUsage } from '../../pricing/price';
import { toNano, type BudgetLedger, type BudgetScope, type BudgetSources } from '../limits/budget';

/** What was captured at creation so completion bills the quoted rates. */
export interface JobPricing {
  cost: ModelCost;
  markupPercent: string;
  markupSource: string;
}

export interface JobUnits {
  seconds: string | null;
  requests: number;
}

export function priceJob(p: JobPricing, units: JobUnits): { cost: Decimal; price: Decimal } {
  // priceUsage takes a number of seconds; seconds here are small decimals ("5.1") parsed once,
  // and the money arithmetic inside stays Decimal.
  const seconds = units.seconds === null ? 0 : dec(units.seconds).toNumber();
  const r = priceUsage({ cost: p.cost, usage: { seconds, requests: units.requests }, markupPercent: p.markupPercent });
  return { cost: r.cost.total, price: r.price };
}

/** The units billed for a finished job: never more seconds than were quoted. */
export function billedUnits(kind: 'video' | '3d', requested: string | null, produced: string | null): JobUnits {
  if (kind === '3d') return { seconds: null, requests: 1 };
  const req = requested === null ? null : dec(requested);
  const prod = produced === null ? req : dec(produced);
  const s = prod === null ? new Decimal(0) : req !== null && prod.greaterThan(req) ? req : prod;
  return { seconds: s.toFixed(), requests: 1 };
}

export interface BudgetOwner {
  tenantId: string;
  tenantMonthlyBudget: string | null;
  apiKeyId: string | null;
  keyMonthlyBudget: string | null;
}

export function jobBudgetScopes(o: BudgetOwner): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (o.tenantMonthlyBudget !== null) {
    scopes.push({
      id: `t:${o.tenantId}`,
      kind: 'tenant',
      tenantId: o.tenantId,
      keyId: null,
      capNano: toNano(o.tenantMonthlyBudget),
      cap: o.tenantMonthlyBudget,
    });
  }
  if (o.apiKeyId && o.keyMonthlyBudget !== null) {
    scopes.push({ id: `k:${o.apiKeyId}`, kind: 'key', tenantId: o.tenantId, keyId: o.apiKeyId, capNano: toNano(o.keyMonthlyBudget), cap: o.keyMonthlyBudget });
  }
  return scopes;
}

/** Spend of a scope as the database knows it: usage events plus the holds of open jobs. */
export function jobAwareBudgetSources(db: () => Promise<Db>, pending: (s: BudgetScope) => bigint = () => 0n): BudgetSources {
  return {
    async loadSpent(scope, since) {
      const d = await db();
      const [r] = await withPlatform(
        (tx) =>
          queryRows<{ total: string | number | null }>(
            tx,
            scope.kind === 'tenant'
              ? sql`SELECT (coalesce((SELECT sum(price) FROM usage_events WHERE tenant_id = ${scope.tenantId} AND created_at >= ${since.toISOString()}), 0)
                  + coalesce((SELECT sum(reserved_amount) FROM generation_jobs WHERE tenant_id = ${scope.tenantId} AND status IN ('queued', 'in_progress') AND created_at >= ${since.toISOString()}), 0))::text AS total`
              : sql`SELECT (coalesce((SELECT sum(price) FROM usage_events WHERE api_key_id = ${scope.keyId} AND created_at >= ${since.toISOString()}), 0)
                  + coalesce((SELECT sum(reserved_amount) FROM generation_jobs WHERE api_key_id = ${scope.keyId} AND status IN ('queued', 'in_progress') AND created_at >= ${since.toISOString()}), 0))::text AS total`,
          ),
        d,
      );
      return toNano(String(r?.total ?? '0'));
    },
    pendingSpent: pending,
  };
}

/** Reserve the job's price (throws BudgetExceededError); `keep()` once the job row exists turns
 * the reservation into the hold, `drop()` gives it back if the job could not be recorded. */
export async function reserveJobPrice(
  ledger: BudgetLedger,
  scopes: BudgetScope[],
  price: Decimal,
  jobId: string,
  at: Date,
): Promise<{ keep(): void; drop(): void }> {
  if (scopes.length === 0) return { keep: () => {}, drop: () => {} };
  const amount = toNano(price);
  const r = await ledger.reserve(scopes, amount, `job:${jobId}`, at);
  return { keep: () => ledger.settle(r, amount), drop: () => ledger.settle(r, 0n) };
}

/** Replace a hold by the final price (0 = release). */
export function settleJobHold(ledger: BudgetLedger, scopes: BudgetScope[], held: Decimal, createdAt: Date, finalPrice: Decimal, at: Date, jobId: string): void {
  ledger.adjust(scopes, -toNano(held), createdAt, `job:${jobId}:release`);
  ledger.adjust(scopes, toNano(finalPrice), at, `job:${jobId}:charge`);
}
