/** POST /api/admin/periods/:id/close { reason? } — propose the month-end close (two-person
 * approval `billing.close_period`); the period becomes `closing` until a second admin approves. */
import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { proposePeriodClose } from '@/lib/billing/proposals';

const body = z.object({ reason: z.string().trim().max(2000).optional() });

export const POST = adminRoute<{ id: string }>(
  'billing.propose',
  async ({ req, ctx, params }) => {
    const v = parseWith(body, await readJson(req));
    return proposePeriodClose({ ctx, input: { periodId: params.id, reason: v.reason } });
  },
  { status: 202 },
);
