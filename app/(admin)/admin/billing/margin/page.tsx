import { MarginView } from '@/components/admin/billing/margin-view';
import { Forbidden } from '@/components/shell/forbidden';
import { getMarginPage, periodOrDefault } from '@/lib/admin-views/billing';
import { requireAdminPage } from '@/lib/auth/session';

export const metadata = { title: 'Margin report' };

export default async function MarginPage({ searchParams }: { searchParams: Promise<{ period?: string; groupBy?: string }> }) {
  const access = await requireAdminPage('billing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const sp = await searchParams;
  const data = await getMarginPage(periodOrDefault(sp.period), sp.groupBy ?? 'provider');
  return <MarginView report={data.report} periods={data.periods} groups={data.groups} />;
}
