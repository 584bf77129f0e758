/**
 * The pricing engine over the stored catalog: golden numbers, markup resolution through real
 * override rows (tenant > model > provider > default, expiry in every scope), estimated costs
 * with alerts, and the client view leaking nothing.
 */
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import {
  administrators,
  estimatedCostAlerts,
  hipaaConfig,
  markupOverrides,
  modelCostHistory,
  models,
  notifications,
  providers,
  tenantModelAccess,
} from '../../lib/db/schema';
import { seedCatalog } from '../../lib/catalog/seed';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { getAdminModelPricing, listAdminPricing, listClientPricing } from '../../lib/pricing/service';
import { assertNoCostLeak } from '../../lib/pricing/views';
import { testDb } from '../support/db';
import { pollRows } from '../support/poll';
import { createTenant } from '../support/factories';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

const DAY = 86_400_000;

/** Each test uses its own model so overrides never collide across tests or files. */
async function withOverride<T>(values: Omit<typeof markupOverrides.$inferInsert, 'reason'> & { reason?: string }, fn: () => Promise<T>): Promise<T> {
  const [row] = await withPlatform(
    (tx) =>
      tx
        .insert(markupOverrides)
        .values({ reason: 'test', ...values })
        .returning(),
    db,
  );
  try {
    return await fn();
  } finally {
    await withPlatform((tx) => tx.delete(markupOverrides).where(eq(markupOverrides.id, row!.id)), db);
  }
}

describe('admin pricing view from the database', () => {
  it('GPT-4.1 at cost $2.00/$8.00 per 1M sells at $2.80/$11.20 with the default 40%', async () => {
    const p = await withPlatform((tx) => getAdminModelPricing(tx, 'gpt-4.1'), db);
    expect(p.cost.inputPer1M).toBe('2');
    expect(p.cost.outputPer1M).toBe('8');
    expect(p.markupPercent).toBe('40');
    expect(p.markupSource).toBe('default');
    expect(p.price.inputPer1M).toBe('2.8');
    expect(p.price.outputPer1M).toBe('11.2');
    expect(p.margin.outputPer1M).toBe('3.2');
    // margin % of PRICE on the reference mix: 40/140
    expect(p.marginPercent).toBe('28.5714');
  });

  it('self-hosted models default to 75%', async () => {
    const rows = await withPlatform((tx) => listAdminPricing(tx, { selfHosted: true }), db);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const r of rows) expect([r.markupPercent, r.markupSource]).toEqual(['75', 'default']);
  });

  it('model override (25%) beats provider override (60%), which beats the default; expired ones stop applying', async () => {
    const now = new Date();
    await withOverride({ scope: 'provider', providerId: 'mistral', markupPercent: '60' }, async () => {
      const viaProvider = await withPlatform((tx) => getAdminModelPricing(tx, 'mistral-large'), db);
      expect([viaProvider.markupPercent, viaProvider.markupSource]).toEqual(['60', 'provider']);

      await withOverride({ scope: 'model', modelId: viaProvider.modelId, markupPercent: '25' }, async () => {
        const viaModel = await withPlatform((tx) => getAdminModelPricing(tx, 'mistral-large'), db);
        expect([viaModel.markupPercent, viaModel.markupSource]).toEqual(['25', 'model']);
      });
    });
    // An expired provider override (the seed forgot expiry for providers) no longer applies.
    await withOverride(
      { scope: 'provider', providerId: 'mistral', markupPercent: '60', setAt: new Date(now.getTime() - 10 * DAY), expiresAt: new Date(now.getTime() - DAY) },
      async () => {
        const p = await withPlatform((tx) => getAdminModelPricing(tx, 'mistral-large'), db);
        expect([p.markupPercent, p.markupSource]).toEqual(['40', 'default']);
      },
    );
  });

  it('filters by category, provider and estimated', async () => {
    const anthropic = await withPlatform((tx) => listAdminPricing(tx, { providerId: 'anthropic' }), db);
    expect(anthropic.length).toBeGreaterThan(0);
    expect(anthropic.every((r) => r.providerId === 'anthropic')).toBe(true);
    const images = await withPlatform((tx) => listAdminPricing(tx, { category: 'image_generation' }), db);
    expect(images.every((r) => r.pricingType === 'per_image')).toBe(true);
    const estimated = await withPlatform((tx) => listAdminPricing(tx, { estimated: true }), db);
    expect(estimated.length).toBeGreaterThanOrEqual(2);
    expect(estimated.every((r) => r.estimated?.isEstimated)).toBe(true);
  });
});

describe('estimated costs', () => {
  it('models without a published cost carry a weighted-average estimate, a confidence and an alert', async () => {
    const estimated = await withPlatform((tx) => listAdminPricing(tx, { estimated: true }), db);
    for (const e of estimated) {
      expect(e.costSource).toBe('estimated_average');
      expect(e.estimated!.confidence).toBeGreaterThan(0);
      expect(e.estimated!.confidence).toBeLessThanOrEqual(1);
      expect(e.estimated!.sourceModels.length).toBeGreaterThan(0);
      expect(e.price.inputPer1M).not.toBeNull();
      const alerts = await withPlatform((tx) => tx.select().from(estimatedCostAlerts).where(eq(estimatedCostAlerts.modelId, e.modelId)), db);
      expect(alerts).toHaveLength(1);
      const c = e.estimated!.confidence!;
      expect(alerts[0]!.severity).toBe(c > 0.8 ? 'info' : c > 0.5 ? 'warning' : 'critical');
      expect(alerts[0]!.status).toBe('pending');
    }
  });
});

describe('estimated-cost alerts reach the administrators', () => {
  it('a newly estimated model raises an alert and an in-app notification by severity', async () => {
    // Someone who may act on it (operators propose pricing changes).
    await withPlatform(
      (tx) =>
        tx.insert(administrators).values({ email: `pricing-${crypto.randomUUID()}@alerts.test`, name: 'Pricing operator', role: 'operator', status: 'active' }),
      db,
    );
    // A (disabled, so invisible elsewhere) copy of an estimated model that has no estimate yet.
    const id = `test-estimated-${crypto.randomUUID().slice(0, 8)}`;
    const [src] = await withPlatform((tx) => tx.select().from(models).where(eq(models.id, 'google-gemini-2-flash-thinking-exp')), db);
    const { createdAt: _c, updatedAt: _u, ...rest } = src!;
    await withPlatform(
      (tx) =>
        tx
          .insert(models)
          .values({ ...rest, id, name: id, displayName: `Alert test ${id}`, providerModelId: id, litellmId: `test/${id}`, estimate: null, enabled: false }),
      db,
    );
    try {
      const res = await seedCatalog(db);
      expect(res.estimated).toContain(id);
      const [alert] = await withPlatform((tx) => tx.select().from(estimatedCostAlerts).where(eq(estimatedCostAlerts.modelId, id)), db);
      expect(alert).toBeDefined();
      const rows = await pollRows(() =>
        withPlatform(
          (tx) =>
            tx
              .select()
              .from(notifications)
              .where(and(eq(notifications.event, 'estimated_cost.alert'), eq(notifications.title, `Estimated cost (${alert!.severity}): Alert test ${id}`))),
          db,
        ),
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]!.severity).toBe(alert!.severity);
      expect(rows[0]!.body).toContain('estimated from similar models with confidence');
      // Seeding again raises nothing new for it (one open alert per model).
      await seedCatalog(db);
      const again = await withPlatform((tx) => tx.select().from(estimatedCostAlerts).where(eq(estimatedCostAlerts.modelId, id)), db);
      expect(again).toHaveLength(1);
    } finally {
      await withPlatform(async (tx) => {
        await tx.delete(estimatedCostAlerts).where(eq(estimatedCostAlerts.modelId, id));
        await tx.delete(modelCostHistory).where(eq(modelCostHistory.modelId, id));
        await tx.delete(models).where(eq(models.id, id));
      }, db);
    }
  });
});

describe('client pricing view', () => {
  it("a HIPAA-restricted tenant's price list holds only HIPAA providers' models, as the gateway decides", async () => {
    const restricted = await createTenant(db);
    const open = await createTenant(db);
    await withPlatform((tx) => tx.insert(hipaaConfig).values({ tenantId: restricted.id, enabled: true, restrictToHipaaProviders: true }), db);
    const provs = await withPlatform((tx) => tx.select({ id: providers.id, compliance: providers.compliance, enabled: providers.enabled }).from(providers), db);
    const hipaaProviders = new Set(provs.filter((p) => (p.compliance as string[]).includes('HIPAA')).map((p) => p.id));
    const all = await withPlatform((tx) => tx.select({ name: models.name, providerId: models.providerId }).from(models), db);
    const providerOf = new Map(all.map((m) => [m.name, m.providerId]));

    const forRestricted = await withTenant(restricted.id, (tx) => listClientPricing(tx, restricted.id), db);
    const forOpen = await withTenant(open.id, (tx) => listClientPricing(tx, open.id), db);
    expect(forRestricted.length).toBeGreaterThan(0);
    expect(forRestricted.every((m) => hipaaProviders.has(providerOf.get(m.model)!))).toBe(true);
    // The unrestricted tenant still sees non-HIPAA providers' models.
    expect(forOpen.some((m) => !hipaaProviders.has(providerOf.get(m.model)!))).toBe(true);
    expect(forRestricted.length).toBeLessThan(forOpen.length);
  });

  it('applies the tenant+model override for that tenant only, hides disabled models, and leaks no cost', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const model = await withPlatform(async (tx) => (await tx.select().from(models).where(eq(models.name, 'gpt-4.1-mini')))[0]!, db);
    const hidden = await withPlatform(async (tx) => (await tx.select().from(models).where(eq(models.name, 'gpt-4.1-nano')))[0]!, db);
    await withPlatform(
      (tx) =>
        tx.insert(tenantModelAccess).values([
          { tenantId: a.id, modelId: model.id, markupPercent: '10', markupReason: 'deal', markupSetAt: new Date() },
          { tenantId: a.id, modelId: hidden.id, enabled: false },
        ]),
      db,
    );
    const forA = await withTenant(a.id, (tx) => listClientPricing(tx, a.id), db);
    const forB = await withTenant(b.id, (tx) => listClientPricing(tx, b.id), db);
    const miniA = forA.find((m) => m.model === 'gpt-4.1-mini')!;
    const miniB = forB.find((m) => m.model === 'gpt-4.1-mini')!;
    // cost 0.0004 / 0.0016 per 1K = $0.40 / $1.60 per 1M
    expect(miniA.prices.inputPer1M).toBe('0.44');
    expect(miniB.prices.inputPer1M).toBe('0.56');
    expect(forA.some((m) => m.model === 'gpt-4.1-nano')).toBe(false);
    expect(forB.some((m) => m.model === 'gpt-4.1-nano')).toBe(true);
    expect(forA.some((m) => m.estimated?.badge)).toBe(true);

    // No cost, markup or margin in any key or value: each model's view is scanned for that
    // model's own cost and margin figures (across models a price may equal another's cost).
    const admin = await withPlatform((tx) => listAdminPricing(tx, { tenantId: a.id }), db);
    const adminById = new Map(admin.map((r) => [r.name, r]));
    for (const view of forA) {
      const r = adminById.get(view.model)!;
      const forbidden = [
        r.cost.inputPer1M,
        r.cost.outputPer1M,
        r.cost.inputPer1k,
        r.cost.perImage,
        r.cost.perSecond,
        r.margin.inputPer1M,
        r.margin.outputPer1M,
        r.markupPercent,
      ].filter((v): v is string => !!v && v !== '0');
      assertNoCostLeak(view, forbidden);
    }
    for (const view of [forA, forB]) expect(JSON.stringify(view)).not.toMatch(/cost|markup|margin/i);
  });

  it('tenant sessions cannot read another tenant model access rows', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const model = await withPlatform(async (tx) => (await tx.select().from(models).limit(1))[0]!, db);
    await withPlatform((tx) => tx.insert(tenantModelAccess).values({ tenantId: b.id, modelId: model.id, enabled: false }), db);
    const seen = await withTenant(
      a.id,
      (tx) =>
        tx
          .select()
          .from(tenantModelAccess)
          .where(and(eq(tenantModelAccess.tenantId, b.id))),
      db,
    );
    expect(seen).toHaveLength(0);
  });
});
