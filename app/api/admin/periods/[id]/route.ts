/** GET /api/admin/periods/:id — one period (by id or YYYY-MM) with its figures. */
import { adminRoute } from '@/lib/auth/api';
import { getPeriod } from '@/lib/billing/periods';

export const dynamic = 'force-dynamic';

export const GET = adminRoute<{ id: string }>('billing.read', async ({ params }) => getPeriod(params.id));
