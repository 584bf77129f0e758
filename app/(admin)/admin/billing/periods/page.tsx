import { PeriodsView } from '@/components/admin/billing/periods-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getPeriodsPage } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';
import { hasPermission } from '@/lib/governance/permissions';
import { proposeCloseAction } from '../actions';

export const metadata = { title: 'Accounting periods' };

export default async function PeriodsPage() {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { periods } = await getPeriodsPage();
  return <PeriodsView periods={periods} canClose={hasPermission(access.ctx.role, 'billing.propose')} propose={proposeCloseAction} />;
}
