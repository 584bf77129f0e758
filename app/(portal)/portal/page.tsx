import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { BudgetCard } from '@/components/portal/usage-view';
import { TimeSeriesChart } from '@/components/charts/charts';
import { buttonClasses } from '@/components/ui/button';
import { Card, CardBody } from '@/components/ui/card';
import { displayNumber, formatAmount, formatCount } from '@/components/ui/format';
import { PageHeader, Stat, StatGrid } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { getPortalUsage } from '@/lib/portal-views/usage';

export const metadata = { title: 'Overview' };

export default async function PortalHome() {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { tenantId } = access.ctx;
  const usage = await withTenant(tenantId, (tx) => getPortalUsage(tx, tenantId));
  const m = usage.totals;
  return (
    <>
      <PageHeader
        title="Overview"
        description="Your spend, usage and budget at a glance."
        actions={
          <>
            <Link className={buttonClasses('secondary')} href="/portal/prices">
              See prices
            </Link>
            <Link className={buttonClasses()} href="/portal/keys">
              API keys
            </Link>
          </>
        }
      />
      <div className="space-y-6">
        <StatGrid>
          <Stat label="Spend this month" value={formatAmount(m.spend, usage.currency)} />
          <Stat label="Requests this month" value={formatCount(m.requests)} />
          <Stat label="Tokens this month" value={formatCount(m.totalTokens)} />
          <Stat label="Budget left" value={usage.budget.remaining !== null ? formatAmount(usage.budget.remaining, usage.currency) : 'no cap'} />
        </StatGrid>
        <div className="grid gap-6 lg:grid-cols-3">
          <Card className="lg:col-span-2">
            <CardBody>
              <TimeSeriesChart
                title="Spend per day this month"
                data={usage.byDay.map((d) => ({ day: d.date, spend: displayNumber(d.spend) }))}
                xKey="day"
                series={[{ key: 'spend', label: 'Spend' }]}
              />
            </CardBody>
          </Card>
          <BudgetCard usage={usage} />
        </div>
      </div>
    </>
  );
}
