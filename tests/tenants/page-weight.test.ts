/**
 * What the console's models and billing-runs pages hand to the browser (their RSC data): only the
 * columns the table draws, and never every tenant. With the whole catalog's AdminPricingRow (three
 * blocks of some twenty rates) the models page was 350 KB; with every tenant for a <select> the
 * billing page was 821 KB at 5,000 tenants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/client';
import { withPlatform } from '../../lib/db/tenant';
import { getModelsPage } from '../../lib/admin-views/models';
import { getRunsPage } from '../../lib/admin-views/billing';
import { listAdminPricing } from '../../lib/pricing/service';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

describe('page data', () => {
  it('models: one compact row per model with the headline cost and price of its own unit', async () => {
    const [page, full] = await withPlatform(async (tx) => [await getModelsPage(tx), await listAdminPricing(tx)] as const, db);
    expect(page.rows).toHaveLength(full.length);
    const tokenModel = full.find((r) => r.pricingType === 'per_token')!;
    const row = page.rows.find((r) => r.modelId === tokenModel.modelId)!;
    expect(row).toMatchObject({
      costIn: tokenModel.cost.inputPer1M,
      costOut: tokenModel.cost.outputPer1M,
      priceIn: tokenModel.price.inputPer1M,
      priceOut: tokenModel.price.outputPer1M,
      unitA: '1M in',
      markupPercent: tokenModel.markupPercent,
      marginPercent: tokenModel.marginPercent,
    });
    const image = full.find((r) => r.pricingType === 'per_image');
    if (image) expect(page.rows.find((r) => r.modelId === image.modelId)).toMatchObject({ priceIn: image.price.perImage, priceOut: null, unitA: 'image' });
    const perRow = JSON.stringify(page.rows).length / page.rows.length;
    const perFullRow = JSON.stringify(full).length / full.length;
    // Measured: ~0.45 KB a row instead of ~2.5 KB.
    expect(perRow).toBeLessThan(perFullRow / 3);
    expect(JSON.stringify(page.rows)).not.toMatch(/inputPer1k|longContext|batchInput/);
  });

  it('billing runs: names only for the tenants the listed runs were scoped to, not every tenant', async () => {
    for (let i = 0; i < 30; i++) await createTenant(db);
    const data = await getRunsPage();
    const scoped = new Set(data.runs.map((r) => r.tenantId).filter(Boolean));
    expect(data.tenantNames.length).toBe(scoped.size);
    expect(data).not.toHaveProperty('tenants');
  });
});
