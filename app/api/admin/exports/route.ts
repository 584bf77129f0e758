/** GET /api/admin/exports?period&limit — the export log (who exported what, row count, SHA-256). */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listExports } from '@/lib/billing/exports';
import { parseWith } from '@/lib/http/route';
import { optionalLimitParam, periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({ period: periodSchema.optional(), limit: optionalLimitParam(500) });

export const GET = adminRoute('billing.read', async ({ req }) => listExports(parseWith(query, queryOf(req))));
