/** GET /api/portal/usage?period=YYYY-MM — the tenant's spend by day and by model, requests,
 * tokens, budget and remaining (prices only; default: the current month). The same read module
 * as the portal's Overview and Usage pages (lib/portal-views/usage.ts). */
import { z } from 'zod';
import { queryOf } from '@/lib/auth/api';
import { withTenant } from '@/lib/db/tenant';
import { parseWith, portalRoute } from '@/lib/http/route';
import { getPortalUsage } from '@/lib/portal-views/usage';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('usage.read', async ({ req, ctx }) => {
  const { period } = parseWith(z.object({ period: periodSchema.optional() }), queryOf(req));
  return withTenant(ctx.tenantId, (tx) => getPortalUsage(tx, ctx.tenantId, { period }));
});
