/**
 * Tenants read only their own invoices and usage (RLS through radiant_app), and what they get
 * (JSON, CSV, PDF) carries prices only: no cost, markup or margin keys or values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { type Db } from '../../lib/db/client';
import { invoices } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { systemCtx } from '../../lib/platform/context';
import { invoiceToCsv, renderInvoicePdf } from '../../lib/billing/documents';
import { getPortalInvoice, listPortalInvoices } from '../../lib/billing/portal';
import { getPortalUsage } from '../../lib/portal-views/usage';
import { runBilling } from '../../lib/billing/runs';
import { parseCsv } from '../../lib/billing/csv';
import { ZERO, dec, sum, toDbString } from '../../lib/pricing/money';
import { NON_MONEY_KEYS, assertNoCostLeak } from '../../lib/pricing/views';
import { NotFoundError } from '../../lib/errors';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';
import { dayIn, insertEvents, model, randomUsage, rng, RANDOM_MONTH_MODELS, type InsertedEvent } from './helpers';

const PERIOD = '2019-03';
const COUNT_KEYS = [
  ...NON_MONEY_KEYS,
  'requests',
  'tokens',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'totalTokens',
  'images',
  'characters',
  'lineNo',
  'quantity',
  'percentUsed',
];

let db: Db;
const tenants: { id: string; events: InsertedEvent[] }[] = [];

/** Our cost and margin figures for a tenant: none of them may appear in what the tenant sees. */
function forbidden(events: InsertedEvent[]): string[] {
  const out = new Set<string>();
  let cost = ZERO;
  let price = ZERO;
  const byModel = new Map<string, { cost: ReturnType<typeof dec>; price: ReturnType<typeof dec> }>();
  for (const e of events) {
    cost = cost.plus(e.cost);
    price = price.plus(e.price);
    const m = byModel.get(e.modelId) ?? { cost: ZERO, price: ZERO };
    byModel.set(e.modelId, { cost: m.cost.plus(e.cost), price: m.price.plus(e.price) });
  }
  out.add(toDbString(cost));
  out.add(toDbString(price.minus(cost)));
  for (const m of byModel.values()) {
    out.add(toDbString(m.cost));
    out.add(toDbString(m.price.minus(m.cost)));
  }
  return [...out].filter((v) => !dec(v).isZero());
}

beforeAll(async () => {
  db = (await testDb()).db;
  const r = rng(31);
  for (let i = 0; i < 2; i++) {
    const t = await createTenant(db, { monthlyBudget: '5000', billingEmail: `t${i}@example.test` });
    const events = await insertEvents(
      db,
      Array.from({ length: 60 }, () => {
        const m = model(RANDOM_MONTH_MODELS[Math.floor(r() * RANDOM_MONTH_MODELS.length)]!);
        return { tenantId: t.id, modelId: m.id, at: dayIn(PERIOD, r), usage: randomUsage(m, r, 20), markupPercent: '55.5' };
      }),
    );
    tenants.push({ id: t.id, events });
  }
  await runBilling({ period: PERIOD, ctx: systemCtx('test'), db });
}, 60_000);

describe('tenant isolation', () => {
  it('a tenant lists and reads only its own invoices', async () => {
    const [a, b] = tenants as [(typeof tenants)[0], (typeof tenants)[0]];
    const listA = await listPortalInvoices(a.id);
    expect(listA.length).toBe(1);
    const [invB] = await withPlatform((tx) => tx.select().from(invoices).where(eq(invoices.tenantId, b.id)), db);
    await expect(getPortalInvoice(a.id, invB!.id)).rejects.toBeInstanceOf(NotFoundError);
    const seen = await withTenant(a.id, (tx) => tx.select({ id: invoices.id, tenantId: invoices.tenantId }).from(invoices), db);
    expect(seen.every((x) => x.tenantId === a.id)).toBe(true);
    const own = await getPortalInvoice(a.id, listA[0]!.id);
    expect(own.lines.length).toBeGreaterThan(0);
  });

  it('the app role cannot read our cost columns at all', async () => {
    const a = tenants[0]!;
    await expect(withTenant(a.id, (tx) => tx.execute(sql`SELECT cost FROM usage_rollups`), db)).rejects.toThrow();
    await expect(withTenant(a.id, (tx) => tx.execute(sql`SELECT cost_basis, markup_amount FROM revenue_entries`), db)).rejects.toThrow();
    await expect(withTenant(a.id, (tx) => tx.execute(sql`SELECT amount FROM cost_entries`), db)).rejects.toThrow();
  });

  it('usage is the tenant’s own, price only', async () => {
    for (const t of tenants) {
      const usage = await withTenant(t.id, (tx) => getPortalUsage(tx, t.id, { period: PERIOD }), db);
      expect(dec(usage.totals.spend).equals(sum(t.events.map((e) => e.price)))).toBe(true);
      expect(usage.totals.requests).toBe(t.events.length);
      expect(sum(usage.byDay.map((d) => d.spend)).equals(usage.totals.spend)).toBe(true);
      expect(sum(usage.byModel.map((m) => m.spend)).equals(usage.totals.spend)).toBe(true);
      expect(usage.budget.monthlyBudget).toBe('5000');
      expect(dec(usage.budget.remaining!).equals(dec('5000').minus(usage.totals.spend))).toBe(true);
      assertNoCostLeak(usage, forbidden(t.events), { ignoreKeys: COUNT_KEYS });
      const other = tenants.find((x) => x.id !== t.id)!;
      expect(dec(usage.totals.spend).equals(sum(other.events.map((e) => e.price)))).toBe(false);
    }
  });
});

describe('tenant-facing documents carry prices only', () => {
  it('invoice JSON, CSV and PDF', async () => {
    for (const t of tenants) {
      const [summary] = await listPortalInvoices(t.id);
      const inv = await getPortalInvoice(t.id, summary!.id);
      const f = forbidden(t.events);
      assertNoCostLeak(summary, f, { ignoreKeys: COUNT_KEYS });
      assertNoCostLeak(inv, f, { ignoreKeys: COUNT_KEYS });
      expect(sum(inv.lines.map((l) => l.amount)).toFixed(2)).toBe(inv.total);
      const csv = invoiceToCsv(inv);
      const rows = parseCsv(csv);
      expect(rows[0]).toContain('amount');
      expect(rows.slice(1).length).toBe(inv.lines.length);
      expect(sum(rows.slice(1).map((r) => r[r.length - 1]!)).toFixed(2)).toBe(inv.total);
      const header = rows[0]!;
      expect(header.some((h) => /cost|markup|margin/i.test(h))).toBe(false);
      const objects = rows.slice(1).map((r) => Object.fromEntries(r.map((c, i) => [header[i]!, c])));
      assertNoCostLeak(objects, f, { ignoreKeys: [...COUNT_KEYS, 'line_no', 'invoice_number', 'period'] });
      const pdf = await renderInvoicePdf(inv);
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(1500);
    }
  });
});
