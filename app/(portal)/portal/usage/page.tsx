import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { PortalUsageView } from '@/components/portal/usage-view';
import { PageHeader } from '@/components/ui/page';
import { cn } from '@/components/ui/cn';
import { requireTenantPage } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { getPortalUsage } from '@/lib/portal-views/usage';

export const metadata = { title: 'Usage' };

const RANGES = [7, 30, 90] as const;

export default async function PortalUsagePage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { tenantId } = access.ctx;
  const asked = Number((await searchParams).days);
  const days = (RANGES as readonly number[]).includes(asked) ? asked : 30;
  const usage = await withTenant(tenantId, (tx) => getPortalUsage(tx, tenantId, { days }));
  return (
    <>
      <PageHeader
        title="Usage"
        description="Spend by day and by model, requests and tokens, and your budget. Amounts are what you are charged."
        actions={
          <nav aria-label="Range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
            {RANGES.map((d) => (
              <Link
                key={d}
                href={`/portal/usage?days=${d}`}
                aria-current={d === days ? 'page' : undefined}
                className={cn('rounded px-2.5 py-1 text-xs font-medium', d === days ? 'bg-brand-700 text-white' : 'text-slate-700 hover:bg-slate-100')}
              >
                {d} days
              </Link>
            ))}
          </nav>
        }
      />
      <PortalUsageView usage={usage} />
    </>
  );
}
