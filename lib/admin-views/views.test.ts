/**
 * The admin/portal view queries against a real (migrated, catalog-loaded) database: exact sums,
 * the markup preview's resolution rules, the portal's price-only usage, and the audited routing
 * rule edits.
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../tests/support/db';
import { anyChatModel, createTenant } from '../../tests/support/factories';
import type { Db } from '../db/client';
import { markupOverrides, models, usageEvents } from '../db/schema';
import { withPlatform, withTenant } from '../db/tenant';

import { dec } from '../pricing/money';
import { assertNoCostLeak } from '../pricing/views';
import { getPortalUsage } from '../portal-views/usage';
import { previewMarkupChange } from './models';

import { listTenants } from './tenants';
import { exploreUsage } from './usage';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

async function addUsage(tenantId: string, modelId: string, providerId: string, rows: Array<{ cost: string; price: string; status?: 'success' | 'error' }>) {
  await withPlatform(
    (tx) =>
      tx.insert(usageEvents).values(
        rows.map((r) => ({
          tenantId,
          requestId: `t-${crypto.randomUUID()}`,
          modelId,
          providerId,
          inputTokens: 1000,
          outputTokens: 200,
          cost: r.cost,
          markupPercent: '40',
          markupSource: 'default',
          price: r.price,
          status: r.status ?? 'success',
        })),
      ),
    db,
  );
}

describe('admin views', () => {
  it('previews a provider markup: models with their own override keep it, prices are exact, nothing is written', async () => {
    const m = await anyChatModel(db);
    const siblings = await withPlatform((tx) => tx.select().from(models).where(eq(models.providerId, m.providerId)), db);
    const pinned = siblings.find((s) => s.id !== m.id && s.pricingType === 'per_token');
    if (pinned) {
      await withPlatform(
        (tx) => tx.insert(markupOverrides).values({ scope: 'model', modelId: pinned.id, markupPercent: '12', reason: 'test pin' }).onConflictDoNothing(),
        db,
      );
    }
    const before = await withPlatform((tx) => tx.select().from(markupOverrides).where(eq(markupOverrides.scope, 'provider')), db);
    const preview = await withPlatform((tx) => previewMarkupChange(tx, { target: 'provider', providerId: m.providerId, markupPercent: '50' }), db);
    const after = await withPlatform((tx) => tx.select().from(markupOverrides).where(eq(markupOverrides.scope, 'provider')), db);
    expect(after.length).toBe(before.length);

    const row = preview.rows.find((r) => r.modelId === m.id)!;
    expect(row.proposed.markupPercent).toBe('50');
    expect(row.proposed.source).toBe('provider');
    const costPer1M = dec(m.inputCostPer1k!).times(1000);
    expect(dec(row.proposed.inputPer1M!).equals(costPer1M.times('1.5'))).toBe(true);
    if (pinned) {
      const p = preview.rows.find((r) => r.modelId === pinned.id)!;
      expect(p.proposed.markupPercent).toBe('12');
      expect(p.changes).toBe(false);
      expect(p.note).toMatch(/Keeps its own model markup/);
    }
  });

  it('sums usage exactly and lists tenants with month-to-date spend', async () => {
    const t = await createTenant(db, { monthlyBudget: '10' });
    const m = await anyChatModel(db);
    await addUsage(t.id, m.id, m.providerId, [
      { cost: '0.1000000001', price: '0.1400000001' },
      { cost: '0.2', price: '0.28' },
      { cost: '0', price: '0', status: 'error' },
    ]);
    const u = await withPlatform((tx) => exploreUsage(tx, { tenantId: t.id }), db);
    expect(u.totals.requests).toBe(3);
    expect(u.totals.errors).toBe(1);
    expect(u.totals.revenue).toBe('0.4200000001');
    expect(u.totals.cost).toBe('0.3000000001');
    expect(u.totals.margin).toBe('0.12');
    const tenants = await withPlatform((tx) => listTenants(tx), db);
    const mine = tenants.find((x) => x.id === t.id)!;
    expect(mine.monthToDateSpend).toBe('0.4200000001');
    expect(mine.budgetUsedPercent).toBe('4.2');
  });

  it('refuses invalid usage filters', async () => {
    await expect(withPlatform((tx) => exploreUsage(tx, { from: '2026-02-01', to: '2026-01-01' }), db)).rejects.toThrow();
  });
});

describe('portal usage is price only', () => {
  it("returns the tenant's spend and budget, and no cost, markup or margin", async () => {
    const t = await createTenant(db, { monthlyBudget: '100' });
    const other = await createTenant(db);
    const m = await anyChatModel(db);
    await addUsage(t.id, m.id, m.providerId, [
      { cost: '0.0123456', price: '0.01728384' },
      { cost: '0.0200001', price: '0.02800014' },
    ]);
    await addUsage(other.id, m.id, m.providerId, [{ cost: '5', price: '7' }]);
    const usage = await withTenant(t.id, (tx) => getPortalUsage(tx, t.id), db);
    expect(usage.totals.spend).toBe('0.04528398');
    expect(usage.totals.requests).toBe(2);
    expect(usage.budget.remaining).toBe('99.95471602');
    expect(() => assertNoCostLeak(usage, ['0.0123456', '0.0200001', '0.0323457', '40'])).not.toThrow();
    expect(JSON.stringify(usage)).not.toMatch(/cost|markup|margin/i);
  });
});
