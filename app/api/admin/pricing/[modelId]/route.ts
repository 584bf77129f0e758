import { adminRoute, queryOf } from '@/lib/auth/api';
import { withPlatform } from '@/lib/db/tenant';
import { adminPricingQuerySchema, getAdminModelPricing } from '@/lib/pricing/service';

export const dynamic = 'force-dynamic';

/** One model's admin pricing view, by catalog id or client name (`?tenantId=` for a tenant's). */
export const GET = adminRoute<{ modelId: string }>('pricing.read', async ({ req, params }) => {
  const filters = adminPricingQuerySchema.parse(queryOf(req));
  return withPlatform((tx) => getAdminModelPricing(tx, decodeURIComponent(params.modelId), filters));
});
