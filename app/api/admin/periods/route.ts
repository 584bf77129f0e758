/** GET /api/admin/periods?limit — accounting periods (newest first) with their figures; the
 * current and previous month are created on first look. */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { listPeriods } from '@/lib/billing/periods';
import { optionalLimitParam } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: optionalLimitParam(240) });

export const GET = adminRoute('billing.read', async ({ req }) => listPeriods(parseWith(query, queryOf(req))));
