import { ExportsView } from '@/components/admin/billing/exports-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getExportsPage } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';

export const metadata = { title: 'Exports' };

export default async function ExportsPage() {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await getExportsPage();
  return <ExportsView log={data.log} periods={data.periods} defaultPeriod={data.defaultPeriod} />;
}
