/** GET /api/admin/metering/quarantine — usage events the database refused (billing.read);
 * `?status=open|replayed|discarded&limit=&page=` (server-side pages; `total` counts them all). */
import { adminRoute, queryOf } from '@/lib/auth/api';
import { listQuarantine } from '@/lib/admin-views/metering';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('billing.read', async ({ req }) => listQuarantine(queryOf(req)));
