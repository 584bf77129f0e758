import Link from 'next/link';
import { notFound } from 'next/navigation';
import { InvoiceDetailView } from '@/components/admin/billing/invoice-detail-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getInvoicePage } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';
import { NotFoundError } from '@/lib/errors';
import { hasPermission } from '@/lib/governance/permissions';
import { markPaidAction, voidInvoiceAction } from '../../actions';

export const metadata = { title: 'Invoice' };

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { id } = await params;
  const inv = await getInvoicePage(id).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/billing/invoices" className="text-brand-700 hover:underline">
          ← Invoices
        </Link>
      </p>
      <h2 className="mb-4 text-xl font-semibold">
        {inv.invoiceNumber ?? 'Draft invoice'} · {inv.tenantName} · {inv.period}
      </h2>
      <InvoiceDetailView inv={inv} canManage={hasPermission(access.ctx.role, 'billing.run')} markPaid={markPaidAction} voidIt={voidInvoiceAction} />
    </>
  );
}
