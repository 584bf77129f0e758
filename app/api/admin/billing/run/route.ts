/**
 * POST /api/admin/billing/run { period: "YYYY-MM", tenantSlug?, wait? } — issue the period's
 * invoices for every tenant with usage (or one). Answers 202 with the run as soon as it has
 * started (follow it at GET /api/admin/billing/runs/:id); `wait: true` answers when it is done.
 * 409 when a run for the same period is already going.
 */
import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { parseWith } from '@/lib/http/route';
import { runBilling, startBillingRunInBackground } from '@/lib/billing/runs';
import { periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const body = z.object({
  period: periodSchema,
  tenantSlug: z.string().trim().min(1).max(100).optional(),
  wait: z.boolean().default(false),
});

export const POST = adminRoute(
  'billing.run',
  async ({ req, ctx }) => {
    const v = parseWith(body, await readJson(req));
    const input = { period: v.period, tenantSlug: v.tenantSlug, ctx };
    return v.wait ? runBilling(input) : startBillingRunInBackground(input);
  },
  { status: 202 },
);
