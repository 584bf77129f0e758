import { adminRoute, queryOf } from '@/lib/auth/api';
import { withPlatform } from '@/lib/db/tenant';
import { adminPricingQuerySchema, listAdminPricing } from '@/lib/pricing/service';

export const dynamic = 'force-dynamic';

/** Admin pricing view of every model: cost, markup % and its source, price, margin, estimates.
 * Filters: category, provider, estimated, selfHosted, tenantId (resolve that tenant's overrides). */
export const GET = adminRoute('pricing.read', async ({ req }) => {
  const filters = adminPricingQuerySchema.parse(queryOf(req));
  return { items: await withPlatform((tx) => listAdminPricing(tx, filters)) };
});
