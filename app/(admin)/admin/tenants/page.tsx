import { TenantsTable } from '@/components/admin/tenants-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { listTenants } from '@/lib/admin-views/tenants';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';

export const metadata = { title: 'Tenants' };

export default async function TenantsPage() {
  const access = await requireAdminPage('tenants.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const rows = await withPlatform((tx) => listTenants(tx));
  return (
    <>
      <PageHeader title="Tenants" description="Customers with their tier, status, spend this month (at price) and monthly budget." />
      <TenantsTable rows={rows} />
    </>
  );
}
