/** GET /api/admin/reports/dashboard?days=30&until=YYYY-MM-DD&limit=10 — revenue, cost and margin
 * by day, top models and top tenants (from the daily aggregates, not the raw events). */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { revenueDashboard } from '@/lib/billing/dashboard';
import { parseWith } from '@/lib/billing/http';
import { dateInput } from '@/lib/billing/inputs';

export const dynamic = 'force-dynamic';

const query = z.object({
  days: z.coerce.number().int().min(1).max(366).default(30),
  until: dateInput.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
});

export const GET = adminRoute('billing.read', async ({ req }) => revenueDashboard(parseWith(query, queryOf(req))));
