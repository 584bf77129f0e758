import { AlertsView } from '@/components/admin/alerts-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getAlertsPage } from '@/lib/admin-views/alerts';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';
import { acknowledgeAlertAction, adjustCostAction, resolveAlertAction } from './actions';

export const metadata = { title: 'Estimated costs' };

export default async function AlertsPage() {
  const access = await requireAdminPage('pricing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { rows, adjustAvailable } = await withPlatform((tx) => getAlertsPage(tx));
  return (
    <>
      <PageHeader
        title="Estimated-cost alerts"
        description="Models whose cost is not published are priced from similar models. Low confidence raises an alert: acknowledge it, propose a real cost (through approval), or resolve it."
      />
      <AlertsView
        rows={rows}
        canAct={hasPermission(access.ctx.role, 'pricing.propose')}
        adjustAvailable={adjustAvailable}
        acknowledge={acknowledgeAlertAction}
        resolve={resolveAlertAction}
        adjust={adjustCostAction}
      />
    </>
  );
}
