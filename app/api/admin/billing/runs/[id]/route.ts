/** GET /api/admin/billing/runs/:id — one run's progress (processed/total, invoices created). */
import { adminRoute } from '@/lib/auth/api';
import { getBillingRun } from '@/lib/billing/runs';

export const dynamic = 'force-dynamic';

export const GET = adminRoute<{ id: string }>('billing.read', async ({ params }) => getBillingRun(params.id));
