/** GET /api/admin/exports?period&limit — the export log (who exported what, row count, SHA-256). */
import { z } from 'zod';
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listExports } from '@/lib/billing/exports';
import { parseWith } from '@/lib/billing/http';
import { periodInput } from '@/lib/billing/inputs';

export const dynamic = 'force-dynamic';

const query = z.object({ period: periodInput.optional(), limit: z.coerce.number().int().min(1).max(500).optional() });

export const GET = adminRoute('billing.read', async ({ req }) => listExports(parseWith(query, queryOf(req))));
