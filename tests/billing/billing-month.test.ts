/**
 * A generated month of random usage for 20 tenants (thousands of events; chat, reasoning,
 * embeddings, free models, images, video, speech, TTS, per-request search and 3D), billed by
 * the billing run. For every tenant: invoice total == sum of lines == the exact metered prices
 * after free tier, volume discount and tax by the documented rule; the margin report's
 * revenue - cost == margin exactly and its totals equal the usage events; re-running changes
 * nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { invoiceLines, invoices } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { systemCtx } from '../../lib/platform/context';
import { getMarginReport } from '../../lib/billing/books';
import { getInvoice, type InvoiceView } from '../../lib/billing/invoices';
import { runBilling } from '../../lib/billing/runs';
import { Decimal, ZERO, dec, roundCents, sum } from '../../lib/pricing/money';
import { applyFreeTier, volumeDiscountPercent, type FreeTierLine, type FreeTierUnitKind } from '../../lib/pricing/volume';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { dayIn, insertEvents, model, randomUsage, rng, RANDOM_MONTH_MODELS, type InsertedEvent } from './helpers';

const PERIOD = '2023-04';
const TENANTS = 20;
const TAX_RATES = ['0', '8.875', '20', '0', '7.25', '19', '0', '5.5'];
const MARKUPS = ['40', '75', '55.5', '0', '12.3456', '40'];
const SCALES = [1, 1, 2, 3, 5, 8, 10, 20, 30, 50, 80, 100, 150, 200, 300, 400, 600, 1200, 4000, 12000];

let db: Db;
const tenantEvents = new Map<string, InsertedEvent[]>();
const taxByTenant = new Map<string, string>();
let allEvents: InsertedEvent[] = [];

/** The documented rule, re-derived here from the raw events (not from rollups or invoice-math). */
function expectedTotal(events: InsertedEvent[], taxRate: string): { subtotal: Decimal; credit: Decimal; discount: Decimal; tax: Decimal; total: Decimal } {
  const byModel = new Map<string, { price: Decimal; qty: Decimal }>();
  for (const e of events) {
    const m = model(e.modelId);
    const u = e.usage;
    const qty =
      m.cost.pricingType === 'per_token'
        ? dec((u.inputTokens ?? 0) + (u.outputTokens ?? 0))
        : m.cost.pricingType === 'per_image'
          ? dec(u.images ?? 0)
          : m.cost.pricingType === 'per_second'
            ? dec(u.seconds ?? 0)
            : m.cost.pricingType === 'per_minute'
              ? dec(u.minutes ?? 0)
              : m.cost.pricingType === 'per_request'
                ? dec(u.requests ?? 1)
                : dec(u.characters ?? 0);
    const cur = byModel.get(e.modelId) ?? { price: ZERO, qty: ZERO };
    byModel.set(e.modelId, { price: cur.price.plus(e.price), qty: cur.qty.plus(qty) });
  }
  let subtotal = ZERO;
  const ft: FreeTierLine[] = [];
  const centsByKind = new Map<FreeTierUnitKind, Decimal>();
  for (const [id, v] of byModel) {
    if (v.qty.isZero() && v.price.isZero()) continue;
    const cents = roundCents(v.price);
    subtotal = subtotal.plus(cents);
    const m = model(id);
    const kind: FreeTierUnitKind | null =
      m.cost.pricingType === 'per_token'
        ? m.category === 'embedding'
          ? 'embeddings'
          : 'tokens'
        : m.cost.pricingType === 'per_image'
          ? 'images'
          : m.cost.pricingType === 'per_second'
            ? 'videoSeconds'
            : m.cost.pricingType === 'per_minute'
              ? 'audioMinutes'
              : m.cost.pricingType === 'per_request'
                ? 'requests'
                : null;
    if (kind) {
      ft.push({ unitKind: kind, quantity: v.qty, amount: v.price });
      centsByKind.set(kind, (centsByKind.get(kind) ?? ZERO).plus(cents));
    }
  }
  let credit = ZERO;
  for (const [kind, c] of Object.entries(applyFreeTier(ft)) as [FreeTierUnitKind, { credit: Decimal }][]) {
    credit = credit.plus(Decimal.min(roundCents(c.credit), centsByKind.get(kind) ?? ZERO));
  }
  const net = subtotal.minus(credit);
  const discount = roundCents(net.times(volumeDiscountPercent(net)).div(100));
  const tax = roundCents(net.minus(discount).times(taxRate).div(100));
  return { subtotal, credit, discount, tax, total: net.minus(discount).plus(tax) };
}

beforeAll(async () => {
  db = (await testDb()).db;
  const r = rng(20230401);
  for (let i = 0; i < TENANTS; i++) {
    const tax = TAX_RATES[i % TAX_RATES.length]!;
    const t = await createTenant(db, { taxRatePercent: tax, billingEmail: `billing-${i}@example.test` });
    const users = [await createUser(db, t.id), await createUser(db, t.id)];
    taxByTenant.set(t.id, tax);
    const n = 80 + Math.floor(r() * 220);
    const scale = SCALES[i]!;
    const specs = Array.from({ length: n }, () => {
      const m = model(RANDOM_MONTH_MODELS[Math.floor(r() * RANDOM_MONTH_MODELS.length)]!);
      return {
        tenantId: t.id,
        modelId: m.id,
        at: dayIn(PERIOD, r),
        usage: randomUsage(m, r, m.cost.pricingType === 'per_token' ? scale : 1),
        markupPercent: MARKUPS[Math.floor(r() * MARKUPS.length)]!,
        status: (r() < 0.03 ? 'error' : 'success') as 'error' | 'success',
        userId: r() < 0.5 ? users[Math.floor(r() * users.length)]!.id : null,
      };
    });
    const events = await insertEvents(db, specs);
    tenantEvents.set(t.id, events);
    allEvents = allEvents.concat(events);
  }
}, 120_000);

async function snapshot(period: string) {
  return withPlatform(async (tx) => {
    const inv = await tx.select().from(invoices).where(eq(invoices.period, period)).orderBy(invoices.invoiceNumber);
    const lines = await tx
      .select()
      .from(invoiceLines)
      .where(sql`${invoiceLines.invoiceId} IN (SELECT id FROM invoices WHERE period = ${period})`)
      .orderBy(invoiceLines.invoiceId, invoiceLines.lineNo);
    return JSON.stringify({ inv, lines });
  }, db);
}

describe(`a random month (${PERIOD}, ${TENANTS} tenants)`, () => {
  let byTenant: Map<string, InvoiceView>;

  it('bills every tenant: total == sum of lines == metered prices after free tier, discount and tax', async () => {
    const progress: number[] = [];
    const run = await runBilling({ period: PERIOD, ctx: systemCtx('test'), db, onProgress: (p) => progress.push(p.processed) });
    expect(run.status).toBe('succeeded');
    expect(run.totalTenants).toBeGreaterThanOrEqual(TENANTS);
    expect(run.invoicesCreated).toBe(run.totalTenants);
    expect(progress.at(-1)).toBe(run.totalTenants);

    const ids = await withPlatform((tx) => tx.select({ id: invoices.id, tenantId: invoices.tenantId }).from(invoices).where(eq(invoices.period, PERIOD)), db);
    byTenant = new Map();
    for (const { id, tenantId } of ids) byTenant.set(tenantId, await withPlatform((tx) => getInvoice(tx, id)));

    const rows: string[] = [];
    let grandTotal = ZERO;
    const tiersSeen = new Set<string>();
    for (const [tenantId, events] of tenantEvents) {
      const inv = byTenant.get(tenantId)!;
      expect(inv, `invoice for ${tenantId}`).toBeDefined();
      expect(inv.status).toBe('pending');
      expect(inv.invoiceNumber).toMatch(/^RAD-\d{4}-\d{6}$/);
      const lines = sum(inv.lines.map((l) => l.amount));
      expect(lines.toFixed(2)).toBe(inv.total);
      for (const l of inv.lines) expect(dec(l.amount).decimalPlaces()).toBeLessThanOrEqual(2);
      // Usage lines carry the exact metered prices.
      const usageExact = sum(inv.lines.filter((l) => l.kind === 'usage').map((l) => l.exactAmount));
      expect(usageExact.equals(sum(events.map((e) => e.price)))).toBe(true);
      const exp = expectedTotal(events, taxByTenant.get(tenantId)!);
      expect(inv.subtotal).toBe(exp.subtotal.toFixed(2));
      expect(inv.freeTierCredit).toBe(exp.credit.toFixed(2));
      expect(inv.discountAmount).toBe(exp.discount.toFixed(2));
      expect(inv.taxAmount).toBe(exp.tax.toFixed(2));
      expect(inv.total).toBe(exp.total.toFixed(2));
      tiersSeen.add(dec(inv.discountPercent).toFixed());
      grandTotal = grandTotal.plus(inv.total);
      rows.push(
        `| ${inv.invoiceNumber} | ${events.length} | ${inv.subtotal} | ${inv.freeTierCredit} | ${dec(inv.discountPercent).toFixed()}% ${inv.discountAmount} | ${dec(inv.taxRatePercent).toFixed()}% ${inv.taxAmount} | ${inv.total} |`,
      );
    }
    expect(tiersSeen.size).toBe(6); // 0, 5, 10, 15, 20 and 25%
    console.log(
      [
        `random month ${PERIOD}: ${allEvents.length} events, ${TENANTS} tenants, invoiced total ${grandTotal.toFixed(2)}`,
        '| invoice | events | subtotal | free tier | discount | tax | total |',
        '|---|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
  });

  it('margin report: revenue - cost == margin exactly, and it reconciles with usage_events', async () => {
    const revenue = sum(allEvents.map((e) => e.price));
    const cost = sum(allEvents.map((e) => e.cost));
    for (const groupBy of ['provider', 'model', 'tenant'] as const) {
      const rep = await getMarginReport({ period: PERIOD, groupBy, reconcile: true, db });
      for (const r of rep.rows) expect(dec(r.revenue).minus(r.cost).equals(r.margin)).toBe(true);
      expect(dec(rep.totals.revenue).minus(rep.totals.cost).equals(rep.totals.margin)).toBe(true);
      expect(sum(rep.rows.map((r) => r.revenue)).equals(rep.totals.revenue)).toBe(true);
      expect(dec(rep.totals.revenue).equals(revenue)).toBe(true);
      expect(dec(rep.totals.cost).equals(cost)).toBe(true);
      expect(rep.usageEvents!.matches).toBe(true);
      expect(rep.usageEvents!.events).toBe(allEvents.length);
      expect(rep.books!.matchesUsage).toBe(true);
      expect(rep.totals.requests).toBe(allEvents.length);
      if (groupBy === 'tenant') {
        expect(rep.rows).toHaveLength(TENANTS);
        for (const r of rep.rows) expect(dec(r.revenue).equals(sum(tenantEvents.get(r.key)!.map((e) => e.price)))).toBe(true);
        console.log(
          `margin ${PERIOD}: revenue ${rep.totals.revenue} - cost ${rep.totals.cost} = margin ${rep.totals.margin} (${rep.totals.marginPercent}% of revenue); usage_events: ${rep.usageEvents!.events} events, revenue ${rep.usageEvents!.revenue}, cost ${rep.usageEvents!.cost}; invoiced ${rep.invoiced.total}`,
        );
      }
    }
  });

  it('re-running the billing run changes nothing', async () => {
    const before = await snapshot(PERIOD);
    const run = await runBilling({ period: PERIOD, ctx: systemCtx('test'), db });
    expect(run.status).toBe('succeeded');
    expect(run.invoicesCreated).toBe(0);
    expect(run.unchanged).toBe(run.totalTenants);
    expect(await snapshot(PERIOD)).toBe(before);
    const [counts] = await withPlatform((tx) => queryRows<{ n: string | number }>(tx, sql`SELECT count(*) AS n FROM invoices WHERE period = ${PERIOD}`), db);
    expect(Number(counts!.n)).toBe(TENANTS);
  });
});
