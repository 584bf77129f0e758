/**
 * Accounting periods: closing needs a two-person approval; a closed period refuses new entries
 * (app and database); late usage goes to the next open period with a reconciliation entry;
 * adjustments above the threshold need an approval; provider invoices reconcile; exports log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { accountingPeriods, costEntries, reconciliationEntries, revenueEntries, revenueExportLog } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { approveRequest } from '../../lib/governance/approvals';
import { systemCtx } from '../../lib/platform/context';
import { createCostEntry, createRevenueEntry, getMarginReport } from '../../lib/billing/books';
import { exportCsv, listExports } from '../../lib/billing/exports';
import { sha256Hex } from '../../lib/billing/csv';
import { voidInvoice } from '../../lib/billing/invoices';
import { getPeriod, listPeriods } from '../../lib/billing/periods';
import { createAdjustment, proposePeriodClose } from '../../lib/billing/proposals';
import { getReconciliation, importProviderInvoices } from '../../lib/billing/reconciliation';
import { rollupUsage } from '../../lib/billing/rollups';
import { runBilling } from '../../lib/billing/runs';
import { dec, sum } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';
import { createAdmin, ctxOf, type AdminRow } from '../governance/helpers';
import { dayIn, insertEvents, model, randomUsage, rng } from './helpers';

let db: Db;
let operator: AdminRow;
let admin: AdminRow;
let admin2: AdminRow;

beforeAll(async () => {
  db = (await testDb()).db;
  operator = await createAdmin(db, 'operator');
  admin = await createAdmin(db, 'admin');
  admin2 = await createAdmin(db, 'admin');
});

async function tenantWithUsage(period: string, seed: number, n = 20) {
  const t = await createTenant(db);
  const r = rng(seed);
  const events = await insertEvents(
    db,
    Array.from({ length: n }, () => {
      const m = model('anthropic-claude-sonnet-4-5');
      return { tenantId: t.id, modelId: m.id, at: dayIn(period, r), usage: randomUsage(m, r, 10), markupPercent: '40' };
    }),
  );
  return { tenant: t, events };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'should have been refused').not.toBeNull();
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}

describe('closing a period', () => {
  it('needs billing first, then a second administrator; a closed period refuses new entries', async () => {
    const { tenant } = await tenantWithUsage('2020-02', 1);
    await rollupUsage({ db, waitForLocked: true });
    const p = await getPeriod('2020-02');
    expect(p.status).toBe('open');
    expect(p.tenantsNotInvoiced).toBe(1);
    expect(await refusal(proposePeriodClose({ ctx: ctxOf(operator), input: { periodId: p.id } }))).toMatch(/run billing first/);

    await runBilling({ period: '2020-02', tenantSlug: tenant.slug, ctx: systemCtx('test'), db });
    const proposed = await proposePeriodClose({ ctx: ctxOf(operator), input: { periodId: p.id, reason: 'month end' } });
    expect(proposed.period.status).toBe('closing');
    expect(proposed.period.closeApprovalStatus).toBe('pending');
    // The proposer cannot approve; an operator cannot approve; a second admin can.
    await expect(approveRequest({ ctx: ctxOf(operator), input: { id: proposed.approvalId } })).rejects.toThrow();
    await approveRequest({ ctx: ctxOf(admin), input: { id: proposed.approvalId } });
    const closed = await getPeriod(p.id);
    expect(closed.status).toBe('closed');
    expect(closed.closedBy).toBe(admin.id);
    expect(closed.totals).toMatchObject({ invoicesIssued: 1 });

    // The app refuses new entries...
    const entryDate = '2020-02-15';
    expect(
      await refusal(
        createRevenueEntry({ ctx: ctxOf(admin), input: { tenantId: tenant.id, kind: 'subscription', amount: '10', entryDate, description: 'late sub' }, db }),
      ),
    ).toMatch(/closed/);
    expect(
      await refusal(createCostEntry({ ctx: ctxOf(admin), input: { kind: 'infrastructure', amount: '10', entryDate, description: 'servers' }, db })),
    ).toMatch(/closed/);
    expect(await refusal(createAdjustment({ ctx: ctxOf(admin), input: { period: '2020-02', amount: '5', reason: 'fix' }, db }))).toMatch(/closed/);
    const [inv] = await queryRows<{ id: string }>(db, sql`SELECT id FROM invoices WHERE tenant_id = ${tenant.id}`);
    expect(await refusal(voidInvoice({ ctx: ctxOf(admin), input: { invoiceId: inv!.id, reason: 'x' }, db }))).toMatch(/closed/);
    // ...and so does the database, whatever the path.
    expect(
      await refusal(
        withPlatform((tx) => tx.insert(revenueEntries).values({ tenantId: tenant.id, period: '2020-02', entryDate, kind: 'credit', amount: '-1' }), db),
      ),
    ).toMatch(/closed/);
    expect(await refusal(withPlatform((tx) => tx.insert(costEntries).values({ period: '2020-02', entryDate, kind: 'other', amount: '1' }), db))).toMatch(
      /closed/,
    );
    expect(await refusal(withPlatform((tx) => tx.update(revenueEntries).set({ amount: '0' }).where(eq(revenueEntries.period, '2020-02')), db))).toMatch(
      /closed/,
    );
    // (the books' guard runs once per statement over the rows it touched, drizzle/0023)
    expect(await refusal(withPlatform((tx) => tx.delete(revenueEntries).where(eq(revenueEntries.period, '2020-02')), db))).toMatch(/closed/);
    expect(await refusal(withPlatform((tx) => tx.delete(costEntries).where(eq(costEntries.period, '2020-02')), db))).toMatch(/closed/);
    expect(
      await refusal(
        withPlatform((tx) => tx.insert(reconciliationEntries).values({ period: '2020-02', kind: 'manual_adjustment', amount: '1', reason: 'r' }), db),
      ),
    ).toMatch(/closed/);
    expect(await refusal(withPlatform((tx) => tx.update(accountingPeriods).set({ status: 'open' }).where(eq(accountingPeriods.id, p.id)), db))).toMatch(
      /closed/,
    );
  });

  it('late usage for a closed period lands in the next open period with a reconciliation entry', async () => {
    const { tenant } = await tenantWithUsage('2020-06', 2);
    await runBilling({ period: '2020-06', tenantSlug: tenant.slug, ctx: systemCtx('test'), db });
    const pr = await proposePeriodClose({ ctx: ctxOf(operator), input: { periodId: '2020-06' } });
    await approveRequest({ ctx: ctxOf(admin2), input: { id: pr.approvalId } });
    const marginBefore = await getMarginReport({ period: '2020-06', db });

    const r = rng(99);
    const late = await insertEvents(
      db,
      Array.from({ length: 5 }, () => ({
        tenantId: tenant.id,
        modelId: 'openai-gpt-4-1',
        at: dayIn('2020-06', r),
        usage: randomUsage(model('openai-gpt-4-1'), r),
        markupPercent: '40',
      })),
    );
    await rollupUsage({ db, today: '2020-07-20', waitForLocked: true });

    const rows = await queryRows<{ booked_period: string }>(
      db,
      sql`SELECT booked_period FROM usage_events WHERE request_id IN ${sql`(${sql.join(
        late.map((e) => sql`${e.requestId}`),
        sql`, `,
      )})`}`,
    );
    expect(rows.map((x) => x.booked_period)).toEqual(Array(5).fill('2020-07'));
    const rec = await getReconciliation('2020-07');
    const entry = rec.entries.find((e) => e.kind === 'late_usage' && e.tenantId === tenant.id)!;
    expect(entry).toBeDefined();
    expect(dec(entry.amount).equals(sum(late.map((e) => e.price)))).toBe(true);
    expect(entry.metadata).toMatchObject({ originalPeriod: '2020-06', events: 5 });
    // The closed month did not move; the next one carries the late usage (and its books).
    const after = await getMarginReport({ period: '2020-06', db });
    expect(after.totals).toEqual(marginBefore.totals);
    const july = await getMarginReport({ period: '2020-07', groupBy: 'tenant', reconcile: true, db });
    expect(dec(july.rows.find((x) => x.key === tenant.id)!.revenue).equals(sum(late.map((e) => e.price)))).toBe(true);
    expect(july.usageEvents!.matches).toBe(true);
    expect(july.books!.matchesUsage).toBe(true);
    const [day] = await queryRows<{ d: string }>(
      db,
      sql`SELECT rollup_date::text AS d FROM usage_rollups WHERE tenant_id = ${tenant.id} AND rollup_date >= '2020-07-01'`,
    );
    // Dated "today" clamped into the booked month (2020-07-20 here; on a shared test server another
    // file's rollup worker may fold them first with the real date, clamped to 2020-07-31).
    expect(['2020-07-20', '2020-07-31']).toContain(day!.d);
  });

  it('usage arriving after a tenant was invoiced (period still open) moves to the next period too', async () => {
    const { tenant } = await tenantWithUsage('2020-09', 3);
    await runBilling({ period: '2020-09', tenantSlug: tenant.slug, ctx: systemCtx('test'), db });
    const late = await insertEvents(db, [
      {
        tenantId: tenant.id,
        modelId: 'openai-gpt-4-1',
        at: new Date('2020-09-30T23:59:59Z'),
        usage: { inputTokens: 1000, outputTokens: 10, requests: 1 },
        markupPercent: '40',
      },
    ]);
    await rollupUsage({ db, today: '2020-10-02', waitForLocked: true });
    const [ev] = await queryRows<{ booked_period: string }>(db, sql`SELECT booked_period FROM usage_events WHERE request_id = ${late[0]!.requestId}`);
    expect(ev!.booked_period).toBe('2020-10');
    const rec = await getReconciliation('2020-10');
    expect(rec.entries.some((e) => e.kind === 'late_usage' && e.tenantId === tenant.id)).toBe(true);
    // Its October invoice carries it.
    await runBilling({ period: '2020-10', tenantSlug: tenant.slug, ctx: systemCtx('test'), db });
    const [inv] = await queryRows<{ subtotal: string }>(db, sql`SELECT subtotal::text FROM invoices WHERE tenant_id = ${tenant.id} AND period = '2020-10'`);
    expect(inv).toBeDefined();
  });

  it('lists periods with their figures', async () => {
    const list = await listPeriods({ db, limit: 500 });
    const cur = new Date().toISOString().slice(0, 7);
    expect(list.some((p) => p.period === cur && p.status === 'open')).toBe(true);
    const feb = list.find((p) => p.period === '2020-02');
    expect(feb?.status).toBe('closed');
  });
});

describe('reconciliation adjustments', () => {
  it('apply at once up to the threshold (default $50); above it they wait for a second administrator', async () => {
    const small = await createAdjustment({ ctx: ctxOf(admin), input: { period: '2020-11', amount: '49.99', reason: 'FX difference' }, db });
    expect(small.entry.status).toBe('applied');
    expect(small.approval).toBeNull();
    const exact = await createAdjustment({ ctx: ctxOf(admin), input: { period: '2020-11', amount: '-50', reason: 'at the threshold' }, db });
    expect(exact.entry.status).toBe('applied');

    const big = await createAdjustment({ ctx: ctxOf(admin), input: { period: '2020-11', amount: '50.01', reason: 'provider credit note' }, db });
    expect(big.entry.status).toBe('pending_approval');
    expect(big.approval!.action).toBe('billing.reconciliation_adjustment');
    await expect(approveRequest({ ctx: ctxOf(admin), input: { id: big.approval!.id } })).rejects.toThrow();
    await approveRequest({ ctx: ctxOf(admin2), input: { id: big.approval!.id } });

    // An operator cannot apply directly even below the threshold.
    const op = await createAdjustment({ ctx: ctxOf(operator), input: { period: '2020-11', amount: '1', reason: 'rounding' }, db });
    expect(op.entry.status).toBe('pending_approval');

    const rec = await getReconciliation('2020-11');
    const byId = new Map(rec.entries.map((e) => [e.id, e]));
    expect(byId.get(big.entry.id)!.status).toBe('applied');
    expect(byId.get(big.entry.id)!.createdBy).toBe(admin.id);
    expect(rec.adjustments.applied).toBe('50');
    expect(rec.adjustments.pending).toBe('1');
  });
});

describe('provider reconciliation', () => {
  it('compares an imported provider invoice total with the metered cost', async () => {
    const { events } = await tenantWithUsage('2020-12', 5, 10);
    await rollupUsage({ db, waitForLocked: true });
    const metered = sum(events.map((e) => e.cost));
    const invoiced = metered.plus('12.5').toFixed(2);
    const imported = await importProviderInvoices({
      ctx: ctxOf(admin),
      input: { csv: `provider,period,amount\r\nanthropic,2020-12,${invoiced}\r\nopenai,2020-12,0\r\n` },
      db,
    });
    expect(imported).toHaveLength(2);
    const a = imported.find((x) => x.providerId === 'anthropic')!;
    expect(dec(a.meteredCost).equals(metered)).toBe(true);
    expect(dec(a.difference).equals(dec(invoiced).minus(metered))).toBe(true);
    const rows = (await getReconciliation('2020-12')).providers;
    expect(rows.find((x) => x.providerId === 'anthropic')!.invoicedCost).toBe(dec(invoiced).toFixed());
    expect(await refusal(importProviderInvoices({ ctx: ctxOf(admin), input: { csv: 'nosuchprovider,2020-12,1' }, db }))).toMatch(/unknown provider/);
    expect(await refusal(importProviderInvoices({ ctx: ctxOf(admin), input: { csv: 'anthropic,2020-13,1' }, db }))).toMatch(/invalid provider invoice CSV/);
  });
});

describe('exports', () => {
  it('every CSV export is logged with who, what, row count and the checksum of the exact bytes', async () => {
    for (const type of ['invoices', 'revenue', 'cost', 'margin'] as const) {
      const ex = await exportCsv({ ctx: ctxOf(admin), input: { type, period: '2020-02', groupBy: 'model' }, db });
      expect(ex.checksum).toBe(sha256Hex(ex.csv));
      expect(ex.csv.trim().split('\r\n')).toHaveLength(ex.rowCount + 1);
      const [log] = await withPlatform((tx) => tx.select().from(revenueExportLog).where(eq(revenueExportLog.id, ex.exportId)), db);
      expect(log).toMatchObject({ exportType: type, period: '2020-02', rowCount: ex.rowCount, checksum: ex.checksum, exportedBy: admin.id });
    }
    const list = await listExports({ period: '2020-02', db });
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(list[0]!.exportedByEmail).toBe(admin.email);
  });
});
