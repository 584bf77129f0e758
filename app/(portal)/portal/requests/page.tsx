import { eq } from 'drizzle-orm';
import { ListFilters } from '@/components/data-table/server-table';
import { RequestLogTable } from '@/components/portal/request-log-view';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { apiKeys, tenants } from '@/lib/db/schema';
import { withTenant } from '@/lib/db/tenant';
import { plainParams } from '@/lib/lists/keyset';
import { listRequestLogs, requestLogModels, requestLogParamsSchema } from '@/lib/tenants/request-logs';

export const metadata = { title: 'Request log' };

export default async function RequestLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const tenantId = access.ctx.tenantId;
  const values = plainParams(await searchParams);
  const params = requestLogParamsSchema.parse(values);
  const { page, models, keys, logging } = await withTenant(tenantId, async (tx) => {
    const [page, models, keys, t] = await Promise.all([
      listRequestLogs(tx, tenantId, params),
      requestLogModels(tx, tenantId),
      tx.select({ id: apiKeys.id, name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(apiKeys.name).limit(200),
      tx.select({ logging: tenants.requestLoggingEnabled }).from(tenants).where(eq(tenants.id, tenantId)),
    ]);
    return { page, models, keys, logging: t[0]?.logging ?? false };
  });
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  return (
    <>
      <PageHeader title="Request log" description="Your logged requests with their prompt and answer, newest first. Prices as billed." />
      <div className="space-y-3">
        {!logging ? (
          <Alert tone="info" title="Request logging is off">
            New requests are not being logged. Ask your account manager to turn it on.
          </Alert>
        ) : null}
        <ListFilters
          values={values}
          fields={[
            { name: 'q', label: 'Search', type: 'search', placeholder: 'Prompt, answer or request id' },
            { name: 'model', label: 'Model', type: 'select', options: models.map((m) => ({ value: m, label: m })) },
            { name: 'key', label: 'Key', type: 'select', options: keys.map((k) => ({ value: k.id, label: k.name })) },
            { name: 'status', label: 'Status', type: 'select', options: ['success', 'error', 'partial', 'cancelled'].map((s) => ({ value: s, label: s })) },
            { name: 'from', label: 'From', type: 'date' },
            { name: 'to', label: 'To', type: 'date' },
          ]}
        />
        <RequestLogTable page={page} basePath="/portal/requests" dir={params.dir} csvHref={`/api/portal/requests?format=csv&${qs.toString()}`} />
      </div>
    </>
  );
}
