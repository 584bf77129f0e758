/** POST /api/admin/metering/quarantine/:id/replay — write it to the ledger, optionally repaired
 * (`{ payload?, kind?, reason? }`); audited (billing.run). */
import { adminRoute, readJson } from '@/lib/auth/api';
import { replayQuarantined } from '@/lib/admin-views/metering';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string }>('billing.run', async ({ req, ctx, params }) => {
  const body = (await readJson(req)) as Record<string, unknown>;
  return replayQuarantined({ ctx, input: { ...body, id: params.id } });
});
