import { ReconciliationView } from '@/components/admin/billing/reconciliation-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getReconciliationPage, periodOrDefault } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';
import { hasPermission } from '@/lib/governance/permissions';
import { createAdjustmentAction } from '../actions';

export const metadata = { title: 'Reconciliation' };

export default async function ReconciliationPage({ searchParams }: { searchParams: Promise<{ period?: string }> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await getReconciliationPage(periodOrDefault((await searchParams).period));
  return (
    <ReconciliationView key={data.overview.period} data={data} canAdjust={hasPermission(access.ctx.role, 'billing.propose')} create={createAdjustmentAction} />
  );
}
