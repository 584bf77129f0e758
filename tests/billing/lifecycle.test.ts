/**
 * Invoice lifecycle: gap-free numbering through void + reissue, status transitions, and issued
 * invoices that no role can modify (app role, platform role, even the owner: triggers).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { invoiceLines, invoices } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { systemCtx } from '../../lib/platform/context';
import { getInvoice, markInvoiceFailed, markInvoicePaid, refundInvoice, voidInvoice } from '../../lib/billing/invoices';
import { runBilling } from '../../lib/billing/runs';
import { sum } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';
import { createAdmin, ctxOf } from '../governance/helpers';
import { dayIn, insertEvents, model, randomUsage, rng } from './helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}

async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'should have been refused').not.toBeNull();
  return errorText(err);
}

async function billedTenant(period: string, seed: number) {
  const t = await createTenant(db, { taxRatePercent: '10' });
  const r = rng(seed);
  await insertEvents(
    db,
    Array.from({ length: 40 }, () => {
      const m = model(r() < 0.5 ? 'openai-gpt-4-1' : 'openai-dall-e-3');
      return { tenantId: t.id, modelId: m.id, at: dayIn(period, r), usage: randomUsage(m, r, 30), markupPercent: '40' };
    }),
  );
  const run = await runBilling({ period, tenantSlug: t.slug, ctx: systemCtx('test'), db });
  expect(run.invoicesCreated).toBe(1);
  const [inv] = await withPlatform((tx) => tx.select().from(invoices).where(eq(invoices.tenantId, t.id)), db);
  return { tenant: t, invoice: inv! };
}

async function numbersOfYear(year: number): Promise<number[]> {
  const rows = await withPlatform(
    (tx) => queryRows<{ n: string }>(tx, sql`SELECT invoice_number AS n FROM invoices WHERE invoice_number LIKE ${`RAD-${year}-%`}`),
    db,
  );
  return rows.map((r) => Number(r.n.slice(-6))).sort((a, b) => a - b);
}

describe('numbering, void and reissue', () => {
  it('void + reissue keeps numbering unique and gap-free; the replacement points at the voided one', async () => {
    const admin = await createAdmin(db, 'admin');
    const { invoice } = await billedTenant('2021-05', 1);
    const res = await voidInvoice({ ctx: ctxOf(admin), input: { invoiceId: invoice.id, reason: 'wrong tax rate' }, db });
    expect(res.voided.status).toBe('void');
    expect(res.voided.voidReason).toBe('wrong tax rate');
    expect(res.voided.invoiceNumber).toBe(invoice.invoiceNumber);
    expect(res.replacement!.status).toBe('pending');
    expect(res.replacement!.replacesInvoiceId).toBe(invoice.id);
    expect(res.voided.replacedByInvoiceId).toBe(res.replacement!.id);
    expect(res.replacement!.invoiceNumber).not.toBe(invoice.invoiceNumber);
    expect(res.replacement!.total).toBe(invoice.totalAmount);

    // Billing the period again changes nothing: the replacement is the live invoice.
    const again = await runBilling({ period: '2021-05', ctx: systemCtx('test'), db });
    expect(again.invoicesCreated).toBe(0);

    const year = new Date().getUTCFullYear();
    const nums = await numbersOfYear(year);
    expect(nums.length).toBeGreaterThan(1);
    expect(new Set(nums).size).toBe(nums.length);
    expect(nums).toEqual(Array.from({ length: nums.length }, (_, i) => i + 1));
    const [counter] = await withPlatform(
      (tx) => queryRows<{ last_number: number }>(tx, sql`SELECT last_number FROM invoice_number_counters WHERE year = ${year}`),
      db,
    );
    expect(Number(counter!.last_number)).toBeGreaterThanOrEqual(nums.at(-1)!);
  });

  it('a failed issue leaves no gap: the counter rolls back with its transaction', async () => {
    const year = new Date().getUTCFullYear();
    await expect(
      withPlatform(async (tx) => {
        await tx.execute(sql`INSERT INTO invoice_number_counters (year, last_number) VALUES (${year}, 1)
                             ON CONFLICT (year) DO UPDATE SET last_number = invoice_number_counters.last_number + 1`);
        throw new Error('boom');
      }, db),
    ).rejects.toThrow('boom');
    await billedTenant('2021-06', 2);
    const nums = await numbersOfYear(year);
    expect(nums).toEqual(Array.from({ length: nums.length }, (_, i) => i + 1));
  });
});

describe('status transitions', () => {
  it('pending -> failed -> paid -> refunded; everything else is refused', async () => {
    const admin = await createAdmin(db, 'admin');
    const ctx = ctxOf(admin);
    const { invoice } = await billedTenant('2021-07', 3);
    expect((await markInvoiceFailed({ ctx, input: { invoiceId: invoice.id, note: 'card declined' }, db })).status).toBe('failed');
    const paid = await markInvoicePaid({ ctx, input: { invoiceId: invoice.id, reference: 'wire 123' }, db });
    expect(paid.status).toBe('paid');
    expect(paid.paidAt).not.toBeNull();
    await refused(voidInvoice({ ctx, input: { invoiceId: invoice.id, reason: 'x' }, db }));
    await refused(markInvoicePaid({ ctx, input: { invoiceId: invoice.id }, db }));
    expect((await refundInvoice({ ctx, input: { invoiceId: invoice.id }, db })).status).toBe('refunded');
    await refused(markInvoicePaid({ ctx, input: { invoiceId: invoice.id }, db }));
    const final = await withPlatform((tx) => getInvoice(tx, invoice.id));
    expect(final.total).toBe(invoice.totalAmount);
    expect(sum(final.lines.map((l) => l.amount)).toFixed(2)).toBe(final.total);
  });
});

describe('an issued invoice is immutable', () => {
  it('through the app role (tenant), the platform role and the owner', async () => {
    const { tenant, invoice } = await billedTenant('2021-08', 4);
    // App role: no privilege, whatever the tenant.
    await refused(withTenant(tenant.id, (tx) => tx.update(invoices).set({ totalAmount: '0.01' }).where(eq(invoices.id, invoice.id)), db));
    await refused(withTenant(tenant.id, (tx) => tx.update(invoiceLines).set({ amount: '0.01' }).where(eq(invoiceLines.invoiceId, invoice.id)), db));
    // Platform role: privileges, but the trigger refuses.
    expect(await refused(withPlatform((tx) => tx.update(invoices).set({ totalAmount: '0.01' }).where(eq(invoices.id, invoice.id)), db))).toMatch(/immutable/);
    expect(await refused(withPlatform((tx) => tx.update(invoices).set({ invoiceNumber: 'RAD-1999-000001' }).where(eq(invoices.id, invoice.id)), db))).toMatch(
      /immutable/,
    );
    expect(await refused(withPlatform((tx) => tx.update(invoiceLines).set({ amount: '0.01' }).where(eq(invoiceLines.invoiceId, invoice.id)), db))).toMatch(
      /immutable/,
    );
    expect(await refused(withPlatform((tx) => tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id)), db))).toMatch(/immutable/);
    expect(
      await refused(
        withPlatform(
          (tx) =>
            tx
              .insert(invoiceLines)
              .values({ tenantId: tenant.id, invoiceId: invoice.id, lineNo: 99, kind: 'adjustment', description: 'sneaky', amount: '-5.00' }),
          db,
        ),
      ),
    ).toMatch(/immutable/);
    expect(await refused(withPlatform((tx) => tx.delete(invoices).where(eq(invoices.id, invoice.id)), db))).toMatch(/cannot be deleted/);
    expect(await refused(withPlatform((tx) => tx.update(invoices).set({ status: 'draft' }).where(eq(invoices.id, invoice.id)), db))).toMatch(/not allowed/);
    // Status and amount together: still refused.
    expect(
      await refused(withPlatform((tx) => tx.update(invoices).set({ status: 'paid', totalAmount: '0.01' }).where(eq(invoices.id, invoice.id)), db)),
    ).toMatch(/immutable/);
    // The owner (connecting user, no role switch) is bound by the trigger too.
    expect(await refused(db.execute(sql`UPDATE invoices SET total_amount = 0 WHERE id = ${invoice.id}`))).toMatch(/immutable/);
    expect(await refused(db.execute(sql`TRUNCATE invoice_lines`))).toMatch(/append-only/);

    const after = await withPlatform((tx) => getInvoice(tx, invoice.id));
    expect(after.total).toBe(invoice.totalAmount);
    expect(after.status).toBe('pending');
  });

  it('new invoices start as drafts: inserting an issued one directly is refused', async () => {
    const t = await createTenant(db);
    expect(
      await refused(
        withPlatform(
          (tx) =>
            tx.insert(invoices).values({
              tenantId: t.id,
              period: '2021-09',
              periodStart: '2021-09-01',
              periodEnd: '2021-09-30',
              status: 'pending',
              invoiceNumber: 'RAD-2021-999999',
            }),
          db,
        ),
      ),
    ).toMatch(/drafts/);
  });
});
