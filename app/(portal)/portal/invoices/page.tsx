import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PortalInvoicesTable } from '@/components/portal/invoices-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { invoiceListParamsSchema, listInvoicesPage } from '@/lib/billing/invoice-list';
import { withTenant } from '@/lib/db/tenant';
import { plainParams } from '@/lib/lists/keyset';

export const metadata = { title: 'Invoices' };

const STATUSES = ['pending', 'paid', 'failed', 'void', 'refunded'] as const;

export default async function PortalInvoicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage(['owner', 'billing']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const tenantId = access.ctx.tenantId;
  const values = plainParams(await searchParams);
  const params = invoiceListParamsSchema.parse(values);
  const page = await withTenant(tenantId, (tx) => listInvoicesPage(tx, tenantId, params));
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  return (
    <>
      <PageHeader title="Invoices" description="Monthly invoices for your usage. Download them as PDF or CSV." />
      <div className="space-y-3">
        <ListFilters
          values={values}
          fields={[
            { name: 'q', label: 'Invoice number', type: 'search', placeholder: 'RAD-…' },
            { name: 'status', label: 'Status', type: 'select', options: STATUSES.map((s) => ({ value: s, label: s })) },
          ]}
        />
        <PortalInvoicesTable page={page} sort={params.sort} dir={params.dir} csvHref={`/api/portal/invoices?format=csv&${qs.toString()}`} />
      </div>
    </>
  );
}
