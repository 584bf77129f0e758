import { ListFilters } from '@/components/data-table/server-table';
import { RequestLogTable } from '@/components/portal/request-log-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { plainParams } from '@/lib/lists/keyset';
import { listRequestLogs, requestLogParamsSchema } from '@/lib/tenants/request-logs';

export const metadata = { title: 'Request logs' };

/** Tenants' logged requests across tenants (permission request_logs.read). */
export default async function AdminRequestLogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('request_logs.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const values = plainParams(await searchParams);
  const params = requestLogParamsSchema.parse(values);
  const page = await withPlatform((tx) => listRequestLogs(tx, null, params));
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  return (
    <>
      <PageHeader
        title="Request logs"
        description="Prompts and answers of tenants that turned request logging on, newest first. Reading them is limited to super admins and auditors."
      />
      <div className="space-y-3">
        <ListFilters
          values={values}
          fields={[
            { name: 'q', label: 'Search', type: 'search', placeholder: 'Prompt, answer or request id' },
            { name: 'tenant', label: 'Tenant id', type: 'search', placeholder: 'uuid' },
            { name: 'model', label: 'Model', type: 'search', placeholder: 'exact model name' },
            { name: 'status', label: 'Status', type: 'select', options: ['success', 'error', 'partial', 'cancelled'].map((s) => ({ value: s, label: s })) },
            { name: 'from', label: 'From', type: 'date' },
            { name: 'to', label: 'To', type: 'date' },
          ]}
        />
        <RequestLogTable page={page} basePath="/admin/requests" showTenant dir={params.dir} csvHref={`/api/admin/request-logs?format=csv&${qs.toString()}`} />
      </div>
    </>
  );
}
