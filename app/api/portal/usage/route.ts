/** GET /api/portal/usage?period=YYYY-MM — the tenant's spend by day and by model, requests,
 * tokens, budget and remaining (prices only; default: the current month). */
import { z } from 'zod';
import { queryOf } from '@/lib/auth/api';
import { parseWith, portalRoute } from '@/lib/http/route';
import { getPortalUsage } from '@/lib/billing/portal';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('usage.read', async ({ req, ctx }) =>
  getPortalUsage(ctx.tenantId, { period: parseWith(z.object({ period: periodSchema.optional() }), queryOf(req)).period }),
);
