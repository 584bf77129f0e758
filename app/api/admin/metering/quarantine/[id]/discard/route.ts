/** POST /api/admin/metering/quarantine/:id/discard — never bill it (`{ reason }`); audited (billing.run). */
import { adminRoute, readJson } from '@/lib/auth/api';
import { discardQuarantined } from '@/lib/admin-views/metering';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string }>('billing.run', async ({ req, ctx, params }) => {
  const body = (await readJson(req)) as Record<string, unknown>;
  return discardQuarantined({ ctx, input: { ...body, id: params.id } });
});
