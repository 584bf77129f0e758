/** GET /api/admin/periods?limit — accounting periods (newest first) with their figures; the
 * current and previous month are created on first look. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { parseWith } from '@/lib/billing/http';
import { listPeriods } from '@/lib/billing/periods';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: z.coerce.number().int().min(1).max(240).optional() });

export const GET = adminRoute('billing.read', async ({ req }) => listPeriods(parseWith(query, queryOf(req))));
