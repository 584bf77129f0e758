import Link from 'next/link';
import { AuditTable } from '@/components/governance/audit-table';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { auditFilterSchema, listAuditPage, toAuditListItem } from '@/lib/governance/audit';
import { plainParams } from '@/lib/lists/keyset';

export const metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('audit.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const values = plainParams(await searchParams);
  const parsed = auditFilterSchema.safeParse(values);
  const params = parsed.success ? parsed.data : auditFilterSchema.parse({});
  const page = parsed.success ? await withPlatform((tx) => listAuditPage(tx, params)) : { rows: [], next: null, limit: params.limit };
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  qs.set('format', 'csv');
  return (
    <>
      <PageHeader title="Audit log" description="Every administrator action, sign-in and approval step, append-only. Times are shown in your timezone." />
      <div className="space-y-3">
        <ListFilters
          values={values}
          fields={[
            { name: 'actor', label: 'Actor (e-mail or id)', type: 'search' },
            { name: 'action', label: 'Action (e.g. approval.*)', type: 'search' },
            { name: 'resourceType', label: 'Resource type', type: 'search' },
            { name: 'from', label: 'From', type: 'date' },
            { name: 'to', label: 'To', type: 'date' },
          ]}
        />
        {Object.keys(values).some((k) => k !== 'sort' && k !== 'dir' && k !== 'cursor' && k !== 'limit') ? (
          <Link href="/admin/audit" className="text-sm text-brand-700 underline">
            Clear filters
          </Link>
        ) : null}
        {parsed.success ? null : <Alert tone="warning">Some filters are not valid (dates as YYYY-MM-DD).</Alert>}
        <AuditTable page={{ ...page, rows: page.rows.map(toAuditListItem) }} dir={params.dir} csvHref={`/api/admin/audit?${qs.toString()}`} />
      </div>
    </>
  );
}
