/** GET /api/portal/invoices — the signed-in tenant's issued invoices (prices only). */
import { portalRoute } from '@/lib/http/route';
import { listPortalInvoices } from '@/lib/billing/portal';

export const dynamic = 'force-dynamic';

export const GET = portalRoute('invoices.read', async ({ ctx }) => ({ items: await listPortalInvoices(ctx.tenantId) }));
