import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Forbidden } from '@/components/shell/forbidden';
import { PortalInvoiceDetail } from '@/components/portal/invoices-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { getPortalInvoice } from '@/lib/billing/portal';
import { NotFoundError } from '@/lib/errors';

export const metadata = { title: 'Invoice' };

export default async function PortalInvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireTenantPage(['owner', 'billing']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { id } = await params;
  const inv = await getPortalInvoice(access.ctx.tenantId, id).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/portal/invoices" className="text-brand-700 hover:underline">
          ← Invoices
        </Link>
      </p>
      <PageHeader title={`Invoice ${inv.invoiceNumber ?? ''}`} description={`Period ${inv.period}`} />
      <PortalInvoiceDetail inv={inv} />
    </>
  );
}
