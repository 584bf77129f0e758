import Link from 'next/link';
import { AdminInvoiceList } from '@/components/admin/invoice-list';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { requireAdminPage } from '@/lib/auth/session';
import { INVOICE_STATUSES, tenants } from '@/lib/db/schema';
import { addMonths, currentPeriod } from '@/lib/billing/period';
import { invoiceListParamsSchema, listInvoicesPage } from '@/lib/billing/invoice-list';
import { withPlatform } from '@/lib/db/tenant';
import { plainParams } from '@/lib/lists/keyset';
import { eq } from 'drizzle-orm';

export const metadata = { title: 'Invoices' };

export default async function InvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const values = plainParams(await searchParams);
  // Links from older screens used tenantId=.
  if (values.tenantId && !values.tenant) values.tenant = values.tenantId;
  const params = invoiceListParamsSchema.parse(values);
  const { page, tenantName } = await withPlatform(async (tx) => ({
    page: await listInvoicesPage(tx, null, params),
    tenantName: params.tenant ? ((await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, params.tenant)))[0]?.name ?? null) : null,
  }));
  const periods = Array.from({ length: 13 }, (_, i) => addMonths(currentPeriod(), -i));
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  qs.delete('tenantId');
  return (
    <>
      <div className="space-y-3">
        {tenantName ? (
          <p className="text-sm text-slate-700">
            Tenant: <strong>{tenantName}</strong>{' '}
            <Link
              className="text-brand-700 underline"
              href={`/admin/billing/invoices?${new URLSearchParams([...qs].filter(([k]) => k !== 'tenant')).toString()}`}
            >
              show all tenants
            </Link>
          </p>
        ) : null}
        <ListFilters
          values={values}
          fields={[
            { name: 'q', label: 'Number or tenant', type: 'search', placeholder: 'RAD-2026-… or a name' },
            { name: 'period', label: 'Period', type: 'select', options: periods.map((p) => ({ value: p, label: p })) },
            { name: 'status', label: 'Status', type: 'select', options: INVOICE_STATUSES.map((s) => ({ value: s, label: s })) },
          ]}
        />
        <AdminInvoiceList page={page} sort={params.sort} dir={params.dir} csvHref={`/api/admin/invoices?format=csv&${qs.toString()}`} />
      </div>
    </>
  );
}
