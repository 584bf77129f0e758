import { InvoicesView } from '@/components/admin/billing/invoices-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getInvoicesPage, INVOICE_STATUS_VALUES } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';

export const metadata = { title: 'Invoices' };

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const data = await getInvoicesPage(raw);
  return <InvoicesView key={JSON.stringify(data.filters)} data={data} statuses={INVOICE_STATUS_VALUES} />;
}
