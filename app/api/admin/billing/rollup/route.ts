/** POST /api/admin/billing/rollup — fold pending usage events into the rollups and books now
 * (the scheduler does it every few minutes). GET — how many events are pending. */
import { adminRoute } from '@/lib/auth/api';
import { pendingRollupCount, rollupUsage } from '@/lib/billing/rollups';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('billing.read', async () => ({ pendingEvents: await pendingRollupCount() }));
export const POST = adminRoute('billing.run', async () => rollupUsage());
