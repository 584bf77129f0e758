/**
 * Billing runs: issue the invoices of a period for every tenant with usage (or one tenant), with
 * progress in billing_runs (processed/total) for the admin screen and the CLI.
 *
 * Safe to start from several places at once: a partial unique index (migration 0005_billing_integrity) allows one
 * queued/running run per (period, tenant scope); a second start gets a ConflictError. Each
 * tenant is billed in its own transaction (billTenant), so a run can be re-started after a crash
 * and continues where it stopped: tenants already invoiced are `unchanged`.
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { billingRuns, tenants } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError, isAppError } from '@/lib/errors';
import { adminIdOf, type OperatorContext } from '../platform/context';
import { auditFields, writeAudit } from '@/lib/platform/audit';
import { billTenant, issueInvoices } from './invoices';
import { hasEnded, periodRange } from './period';
import { ensurePeriod } from './periods';
import { rollupUsage } from './rollups';
import { notifyBillingRun } from '@/lib/notifications/hooks';
import { getLogger } from '@/lib/observability/logger';

export type BillingRunRow = typeof billingRuns.$inferSelect;

/** A running run whose progress has not moved for this long is considered dead. */
export const STALE_RUN_MS = 30 * 60_000;

/** Tenants issued per transaction by a run: a few statements per chunk instead of per tenant. */
export const BILLING_CHUNK = 50;

export interface BillingRunView {
  id: string;
  period: string;
  tenantId: string | null;
  status: BillingRunRow['status'];
  totalTenants: number;
  processedTenants: number;
  invoicesCreated: number;
  startedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toRunView(r: BillingRunRow): BillingRunView {
  return {
    id: r.id,
    period: r.period,
    tenantId: r.tenantId,
    status: r.status,
    totalTenants: r.totalTenants,
    processedTenants: r.processedTenants,
    invoicesCreated: r.invoicesCreated,
    startedBy: r.startedBy,
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export interface RunBillingInput {
  period: string;
  tenantSlug?: string;
  /** Admin who started it (null for the scheduler/CLI without an admin). */
  startedBy?: string | null;
  ctx: OperatorContext;
  onProgress?: (p: { processed: number; total: number; created: number; tenantSlug?: string }) => void;
  /** Called once the run row exists (before any tenant is billed). */
  onStarted?: (run: BillingRunView) => void;
  /** Tenants per transaction (default BILLING_CHUNK). */
  chunkSize?: number;
  /** Allow billing a month that has not ended yet (tests/demo only). */
  allowOpenMonth?: boolean;
  db?: Db;
}

export interface RunBillingResult extends BillingRunView {
  unchanged: number;
  failures: { tenantId: string; error: string }[];
  ms: number;
}

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

/** Creates the run row (status running) or throws ConflictError when one is active. */
export async function startBillingRun(input: {
  period: string;
  tenantId: string | null;
  startedBy: string | null;
  ctx: OperatorContext;
  db?: Db;
}): Promise<BillingRunRow> {
  try {
    return await withPlatform(async (tx) => {
      // Reap runs that died without finishing (their process is gone; progress stopped moving).
      await tx
        .update(billingRuns)
        .set({ status: 'failed', error: 'abandoned: no progress for 30 minutes', finishedAt: new Date(), updatedAt: new Date() })
        .where(and(inArray(billingRuns.status, ['queued', 'running']), lt(billingRuns.updatedAt, new Date(Date.now() - STALE_RUN_MS))));
      const now = new Date();
      const [row] = await tx
        .insert(billingRuns)
        .values({ period: input.period, tenantId: input.tenantId, status: 'running', startedBy: input.startedBy, startedAt: now })
        .returning();
      await writeAudit(tx, {
        ...auditFields(input.ctx),
        action: 'billing.run.started',
        resourceType: 'billing_run',
        resourceId: row!.id,
        tenantId: input.tenantId,
        newValues: { period: input.period, tenantId: input.tenantId },
      });
      return row!;
    }, input.db);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError(`a billing run for ${input.period} is already running`);
    throw err;
  }
}

export async function runBilling(input: RunBillingInput): Promise<RunBillingResult> {
  const started = Date.now();
  const range = periodRange(input.period);
  if (!input.allowOpenMonth && !hasEnded(input.period)) {
    throw new ValidationError(`period ${input.period} has not ended yet`, [{ path: 'period', message: 'bill a past month' }]);
  }
  let tenantId: string | null = null;
  if (input.tenantSlug) {
    const [t] = await withPlatform((tx) => tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, input.tenantSlug!)), input.db);
    if (!t) throw new NotFoundError(`tenant ${input.tenantSlug} not found`);
    tenantId = t.id;
  }
  const run = await startBillingRun({ period: input.period, tenantId, startedBy: input.startedBy ?? adminIdOf(input.ctx), ctx: input.ctx, db: input.db });
  input.onStarted?.(toRunView(run));
  const failures: { tenantId: string; error: string }[] = [];
  let created = 0;
  let unchanged = 0;
  let processed = 0;
  let total = 0;
  const update = (set: Partial<typeof billingRuns.$inferInsert>) =>
    withPlatform(
      (tx) =>
        tx
          .update(billingRuns)
          .set({ ...set, updatedAt: new Date() })
          .where(eq(billingRuns.id, run.id)),
      input.db,
    );
  const scope = tenantId ? sql`AND tenant_id = ${tenantId}` : sql``;
  const inMonth = sql`rollup_date >= ${range.start}::date AND rollup_date < ${range.nextStart}::date`;
  /** Tenants with usage booked to the month and no issued invoice for it yet. */
  const pending = () =>
    withPlatform(
      (tx) =>
        queryRows<{ tenant_id: string; slug: string }>(
          tx,
          sql`SELECT u.tenant_id::text AS tenant_id, t.slug
                FROM (SELECT DISTINCT tenant_id FROM usage_rollups WHERE ${inMonth} ${scope}) u
                JOIN tenants t ON t.id = u.tenant_id
               WHERE NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = u.tenant_id AND i.period = ${input.period}
                                   AND i.status NOT IN ('draft', 'void'))
               ORDER BY t.slug`,
        ),
      input.db,
    );
  try {
    // Fold in everything metered so far (waiting for events a concurrent rollup worker holds), so
    // the invoices see every event booked to the month.
    await rollupUsage({ db: input.db, waitForLocked: true });
    const status = await withPlatform((tx) => ensurePeriod(tx, input.period), input.db);
    if (status.status === 'closed') throw new InvalidStateError(`accounting period ${input.period} is closed`);

    const [all] = await withPlatform(
      (tx) => queryRows<{ n: string | number }>(tx, sql`SELECT count(DISTINCT tenant_id) AS n FROM usage_rollups WHERE ${inMonth} ${scope}`),
      input.db,
    );
    total = Number(all?.n ?? 0);
    let targets = await pending();
    // Tenants invoiced before (a re-run) count as processed and unchanged.
    unchanged = Math.max(0, total - targets.length);
    processed = unchanged;
    await update({ totalTenants: total, processedTenants: processed });
    input.onProgress?.({ processed, total, created: 0 });

    const chunkSize = input.chunkSize ?? BILLING_CHUNK;
    const seen = new Set<string>();
    let lastWrite = Date.now();
    // A second sweep picks up a tenant whose first usage of the month was folded in (by a
    // concurrent rollup) while the first sweep ran.
    for (let sweep = 0; sweep < 3 && targets.length > 0; sweep++) {
      for (const t of targets) seen.add(t.tenant_id);
      for (let i = 0; i < targets.length; i += chunkSize) {
        const chunk = targets.slice(i, i + chunkSize);
        let results: { outcome: 'created' | 'unchanged' }[] | null = null;
        try {
          results = await withPlatform(
            (tx) => issueInvoices(tx, input.ctx, { period: input.period, tenantIds: chunk.map((t) => t.tenant_id), billingRunId: run.id }),
            input.db,
          );
        } catch (err) {
          // One bad tenant must not stop the others: retry this chunk one tenant at a time.
          getLogger().error({ err, period: input.period, chunk: chunk.length }, 'billing: a chunk failed, retrying tenant by tenant');
        }
        if (results) {
          for (const r of results) {
            if (r.outcome === 'created') created++;
            else unchanged++;
          }
          processed += chunk.length;
          input.onProgress?.({ processed, total, created, tenantSlug: chunk.at(-1)!.slug });
        } else {
          for (const t of chunk) {
            try {
              const res = await withPlatform(
                (tx) => billTenant(tx, input.ctx, { tenantId: t.tenant_id, period: input.period, billingRunId: run.id }),
                input.db,
              );
              if (res.outcome === 'created') created++;
              else unchanged++;
            } catch (err) {
              failures.push({ tenantId: t.tenant_id, error: isAppError(err) ? err.message : 'internal error (see the server log)' });
              getLogger().error({ err, period: input.period, tenant: t.slug }, 'billing: tenant failed');
            }
            processed++;
            input.onProgress?.({ processed, total, created, tenantSlug: t.slug });
          }
        }
        if (Date.now() - lastWrite > 500 || i + chunkSize >= targets.length) {
          await update({ processedTenants: processed, invoicesCreated: created });
          lastWrite = Date.now();
        }
      }
      targets = (await pending()).filter((t) => !seen.has(t.tenant_id));
      if (targets.length) {
        total += targets.length;
        await update({ totalTenants: total });
      }
    }
    await update({
      status: failures.length ? 'failed' : 'succeeded',
      processedTenants: processed,
      invoicesCreated: created,
      finishedAt: new Date(),
      error: failures.length ? `${failures.length} tenant(s) failed; re-run the period to retry them` : null,
    });
  } catch (err) {
    const error = isAppError(err) ? err.message : 'billing run failed (see the server log)';
    await update({ status: 'failed', processedTenants: processed, invoicesCreated: created, finishedAt: new Date(), error });
    notifyBillingRun({ ...toRunView(run), status: 'failed', processedTenants: processed, totalTenants: total, invoicesCreated: created, error });
    throw err;
  }
  const [final] = await withPlatform((tx) => tx.select().from(billingRuns).where(eq(billingRuns.id, run.id)), input.db);
  const view = toRunView(final!);
  // After the run's last write has committed; delivery is queued and never delays the run.
  notifyBillingRun(view);
  return { ...view, unchanged, failures, ms: Date.now() - started };
}

export async function listBillingRuns(opts: { period?: string; limit?: number; db?: Db } = {}): Promise<BillingRunView[]> {
  return withPlatform(async (tx) => {
    const rows = await tx
      .select()
      .from(billingRuns)
      .where(opts.period ? eq(billingRuns.period, opts.period) : undefined)
      .orderBy(desc(billingRuns.createdAt))
      .limit(Math.min(opts.limit ?? 50, 200));
    return rows.map(toRunView);
  }, opts.db);
}

export async function getBillingRun(id: string): Promise<BillingRunView> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('billing run not found');
  const [row] = await withPlatform((tx) => tx.select().from(billingRuns).where(eq(billingRuns.id, id)));
  if (!row) throw new NotFoundError('billing run not found');
  return toRunView(row);
}

/** Has a run for all tenants of this period already succeeded? (the scheduler skips then) */
export async function periodAlreadyBilled(period: string): Promise<boolean> {
  const rows = await withPlatform((tx) =>
    tx
      .select({ id: billingRuns.id })
      .from(billingRuns)
      .where(and(eq(billingRuns.period, period), sql`${billingRuns.tenantId} IS NULL`, eq(billingRuns.status, 'succeeded')))
      .limit(1),
  );
  return rows.length > 0;
}

/**
 * Start a run and return as soon as its row exists; the run continues in this process and its
 * progress is read from billing_runs (GET /api/admin/billing/runs/:id). Validation and "already
 * running" errors are thrown here, before anything starts.
 */
export async function startBillingRunInBackground(input: Omit<RunBillingInput, 'onStarted'>): Promise<BillingRunView> {
  return new Promise<BillingRunView>((resolve, reject) => {
    let started = false;
    runBilling({
      ...input,
      onStarted: (run) => {
        started = true;
        resolve(run);
      },
    }).catch((err: unknown) => {
      if (!started) reject(err);
      else getLogger().error({ err, period: input.period }, 'billing: background run failed');
    });
  });
}
