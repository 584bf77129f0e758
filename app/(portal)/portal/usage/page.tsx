import Link from 'next/link';
import { eq } from 'drizzle-orm';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PortalUsageView, UsageEventsTable } from '@/components/portal/usage-view';
import { PageHeader } from '@/components/ui/page';
import { cn } from '@/components/ui/cn';
import { requireTenantPage } from '@/lib/auth/session';
import { addMonths, currentPeriod } from '@/lib/billing/period';
import { apiKeys } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { plainParams } from '@/lib/lists/keyset';
import { getPortalUsage, listUsageEvents, usageEventParamsSchema } from '@/lib/portal-views/usage';

export const metadata = { title: 'Usage' };

export default async function PortalUsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { tenantId } = access.ctx;
  const values = plainParams(await searchParams);
  const params = usageEventParamsSchema.parse(values);
  const period = params.period ?? currentPeriod();
  const { usage, page, keys } = await withTenant(tenantId, async (tx) => ({
    usage: await getPortalUsage(tx, tenantId, { period }),
    page: await listUsageEvents(tx, tenantId, params),
    keys: await tx.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(apiKeys.name).limit(200),
  }));
  const periods = [0, -1, -2].map((n) => addMonths(currentPeriod(), n));
  const qs = new URLSearchParams({ ...values, period });
  qs.delete('cursor');
  return (
    <>
      <PageHeader
        title="Usage"
        description="Spend by day and by model, requests and tokens, and your budget, per calendar month (UTC). Amounts are what you are charged."
        actions={
          <nav aria-label="Month" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5">
            {periods.map((p) => (
              <Link
                key={p}
                href={`/portal/usage?period=${p}`}
                aria-current={p === period ? 'page' : undefined}
                className={cn('rounded px-2.5 py-1 text-xs font-medium', p === period ? 'bg-brand-700 text-white' : 'text-slate-700 hover:bg-slate-100')}
              >
                {p}
              </Link>
            ))}
          </nav>
        }
      />
      <PortalUsageView usage={usage} />
      <section id="requests" aria-labelledby="requests-title" className="mt-6 space-y-3">
        <h2 id="requests-title" className="text-base font-semibold text-slate-900">
          Requests in {period}
        </h2>
        <ListFilters
          values={{ ...values, period }}
          fields={[
            {
              name: 'period',
              label: 'Month',
              type: 'select',
              options: periods.includes(period) ? periods.map((p) => ({ value: p, label: p })) : [period, ...periods].map((p) => ({ value: p, label: p })),
            },
            { name: 'key', label: 'API key', type: 'select', options: keys.map((k) => ({ value: k.id, label: k.name })) },
            { name: 'model', label: 'Model', type: 'select', options: usage.byModel.map((m) => ({ value: m.modelId, label: m.displayName })) },
            { name: 'status', label: 'Status', type: 'select', options: ['success', 'error', 'partial', 'cancelled'].map((s) => ({ value: s, label: s })) },
          ]}
        />
        <UsageEventsTable page={page} sort={params.sort} dir={params.dir} csvHref={`/api/portal/usage/requests?format=csv&${qs.toString()}`} />
      </section>
    </>
  );
}
