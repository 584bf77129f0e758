/** GET /api/admin/reports/dashboard?days=30&until=YYYY-MM-DD&limit=10 — revenue, cost and margin
 * by day, top models and top tenants (from the daily aggregates, not the raw events). */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { revenueDashboard } from '@/lib/billing/dashboard';
import { parseWith } from '@/lib/http/route';
import { daySchema, limitParam } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  until: daySchema.optional(),
  limit: limitParam(100, 10),
});

export const GET = adminRoute('billing.read', async ({ req }) => revenueDashboard(parseWith(query, queryOf(req))));
