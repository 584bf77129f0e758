/**
 * One decision of which models a tenant may see and buy (lib/catalog/visibility.ts): a
 * HIPAA-only tenant's portal price list and the console's optimizer for that tenant hold no model
 * of a non-HIPAA provider, and the optimizer offers exactly the price list's models.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Db } from '../../lib/db/client';
import { hipaaConfig, models, providers, tenantModelAccess } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { listClientPricing } from '../../lib/pricing/service';
import { runOptimizer } from '../../lib/admin-views/optimizer';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

const form = (tenantId?: string) => ({
  estimatedInputTokens: 1000,
  estimatedOutputTokens: 200,
  requiredCapabilities: [],
  pricePreference: 'minimize',
  includeEstimatedPricing: true,
  canUseCaching: false,
  canUseBatch: false,
  requiresToolCalls: false,
  ...(tenantId ? { tenantId } : {}),
});

describe('tenant model visibility', () => {
  it('a HIPAA-only tenant sees no non-HIPAA model in its prices or in the optimizer', async () => {
    const restricted = await createTenant(db);
    await withPlatform((tx) => tx.insert(hipaaConfig).values({ tenantId: restricted.id, enabled: true, restrictToHipaaProviders: true }), db);
    const provs = await withPlatform((tx) => tx.select({ id: providers.id, compliance: providers.compliance }).from(providers), db);
    const hipaa = new Set(provs.filter((p) => (p.compliance as string[]).includes('HIPAA')).map((p) => p.id));
    const all = await withPlatform((tx) => tx.select({ id: models.id, name: models.name, providerId: models.providerId }).from(models), db);
    const providerOfName = new Map(all.map((m) => [m.name, m.providerId]));

    const prices = await withTenant(restricted.id, (tx) => listClientPricing(tx, restricted.id), db);
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.filter((p) => !hipaa.has(providerOfName.get(p.model)!))).toEqual([]);

    const forTenant = await withPlatform((tx) => runOptimizer(tx, form(restricted.id)), db);
    const open = await withPlatform((tx) => runOptimizer(tx, form()), db);
    if (!forTenant.ok || !open.ok) throw new Error('optimizer found nothing');
    expect(forTenant.result.candidates.filter((c) => !hipaa.has(c.providerId)).map((c) => c.name)).toEqual([]);
    expect(hipaa.has(forTenant.result.selected.providerId)).toBe(true);
    // Without a tenant the playground still ranks non-HIPAA providers' models (the filter is the tenant's).
    expect(open.result.candidates.some((c) => !hipaa.has(c.providerId))).toBe(true);
    // The optimizer's eligible set is a subset of the price list (nothing the tenant cannot buy).
    const priced = new Set(prices.map((p) => p.model));
    expect(forTenant.result.candidates.filter((c) => !priced.has(c.name)).map((c) => c.name)).toEqual([]);
  });

  it('a model the tenant has disabled is neither priced nor optimized for it', async () => {
    const t = await createTenant(db);
    const open = await withPlatform((tx) => runOptimizer(tx, form(t.id)), db);
    if (!open.ok) throw new Error('optimizer found nothing');
    const cheapest = open.result.selected;
    await withPlatform((tx) => tx.insert(tenantModelAccess).values({ tenantId: t.id, modelId: cheapest.modelId, enabled: false }), db);
    const after = await withPlatform((tx) => runOptimizer(tx, form(t.id)), db);
    if (!after.ok) throw new Error('optimizer found nothing');
    expect(after.result.candidates.map((c) => c.modelId)).not.toContain(cheapest.modelId);
    expect(after.result.excluded.find((e) => e.modelId === cheapest.modelId)?.reasons).toContain('unavailable');
    const prices = await withTenant(t.id, (tx) => listClientPricing(tx, t.id), db);
    expect(prices.map((p) => p.model)).not.toContain(cheapest.name);
  });
});
