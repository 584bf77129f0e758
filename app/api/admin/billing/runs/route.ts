/** GET /api/admin/billing/runs?period&limit — billing runs with their progress, newest first. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { parseWith } from '@/lib/billing/http';
import { periodInput } from '@/lib/billing/inputs';
import { listBillingRuns } from '@/lib/billing/runs';

export const dynamic = 'force-dynamic';

const query = z.object({ period: periodInput.optional(), limit: z.coerce.number().int().min(1).max(200).optional() });

export const GET = adminRoute('billing.read', async ({ req }) => listBillingRuns(parseWith(query, queryOf(req))));
