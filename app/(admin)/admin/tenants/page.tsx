import { CreateTenantDialog } from '@/components/admin/tenant-forms';
import { TenantsTable } from '@/components/admin/tenants-view';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { listTenantsPage, tenantListParamsSchema } from '@/lib/admin-views/tenants';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';
import { plainParams } from '@/lib/lists/keyset';
import { createTenantAction } from './actions';

export const metadata = { title: 'Tenants' };

export default async function TenantsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('tenants.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const values = plainParams(await searchParams);
  const params = tenantListParamsSchema.parse(values);
  const page = await withPlatform((tx) => listTenantsPage(tx, params));
  const qs = new URLSearchParams({ ...values });
  qs.delete('cursor');
  return (
    <>
      <PageHeader
        title="Tenants"
        description="Customers with their tier, status, spend this month (at price) and monthly budget."
        actions={hasPermission(access.ctx.role, 'tenants.manage') ? <CreateTenantDialog action={createTenantAction} /> : null}
      />
      <div className="space-y-3">
        <ListFilters
          values={values}
          fields={[
            { name: 'q', label: 'Search', type: 'search', placeholder: 'Name, slug or billing e-mail' },
            { name: 'status', label: 'Status', type: 'select', options: ['active', 'suspended', 'cancelled'].map((s) => ({ value: s, label: s })) },
            {
              name: 'tier',
              label: 'Tier',
              type: 'select',
              options: ['Seed', 'Startup', 'Growth', 'Scale', 'Enterprise'].map((l, i) => ({ value: String(i + 1), label: `${i + 1} · ${l}` })),
            },
          ]}
        />
        <TenantsTable page={page} sort={params.sort} dir={params.dir} csvHref={`/api/admin/tenants?format=csv&${qs.toString()}`} />
      </div>
    </>
  );
}
