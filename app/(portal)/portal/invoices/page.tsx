import { Forbidden } from '@/components/shell/forbidden';
import { PortalInvoicesTable } from '@/components/portal/invoices-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { listPortalInvoices } from '@/lib/billing/portal';

export const metadata = { title: 'Invoices' };

export default async function PortalInvoicesPage() {
  const access = await requireTenantPage(['owner', 'billing']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const rows = await listPortalInvoices(access.ctx.tenantId);
  return (
    <>
      <PageHeader title="Invoices" description="Monthly invoices for your usage. Download them as PDF or CSV." />
      <PortalInvoicesTable rows={rows} />
    </>
  );
}
