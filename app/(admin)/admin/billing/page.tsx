import { RunsView } from '@/components/admin/billing/runs-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getRunsPage } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';
import { hasPermission } from '@/lib/governance/permissions';
import { startRunAction } from './actions';

export const metadata = { title: 'Billing runs' };

export default async function BillingRunsPage() {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await getRunsPage();
  return <RunsView data={data} canRun={hasPermission(access.ctx.role, 'billing.run')} start={startRunAction} />;
}
