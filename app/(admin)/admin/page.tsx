import { DashboardView } from '@/components/admin/dashboard';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getDashboard } from '@/lib/admin-views/dashboard';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';

export const metadata = { title: 'Dashboard' };

export default async function AdminDashboardPage() {
  const access = await requireAdminPage('usage.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await withPlatform((tx) => getDashboard(tx));
  return (
    <>
      <PageHeader title="Dashboard" description="Revenue, cost and margin from metered traffic; what needs attention." />
      <DashboardView data={data} showApprovals={hasPermission(access.ctx.role, 'approvals.read')} />
    </>
  );
}
