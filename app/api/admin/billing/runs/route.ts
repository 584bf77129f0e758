/** GET /api/admin/billing/runs?period&limit — billing runs with their progress, newest first. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { listBillingRuns } from '@/lib/billing/runs';
import { optionalLimitParam, periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({ period: periodSchema.optional(), limit: optionalLimitParam(200) });

export const GET = adminRoute('billing.read', async ({ req }) => listBillingRuns(parseWith(query, queryOf(req))));
