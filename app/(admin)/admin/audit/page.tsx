import Link from 'next/link';
import { Forbidden } from '@/components/shell/forbidden';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Alert, EmptyState } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireAdminPage } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';
import { listAudit } from '@/lib/governance/audit';

export const metadata = { title: 'Audit log' };
export const dynamic = 'force-dynamic';

const PAGE = 100;
const FILTERS = ['actor', 'action', 'resourceType', 'resourceId', 'from', 'to'] as const;
type SP = Record<string, string | string[] | undefined>;

function compact(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SP> }) {
  const access = await requireAdminPage('audit.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const sp = await searchParams;
  const filters: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = sp[k];
    if (typeof v === 'string' && v.trim()) filters[k] = v.trim();
  }
  const offset = Math.max(0, Number(typeof sp.offset === 'string' ? sp.offset : 0) || 0);
  let rows: Awaited<ReturnType<typeof listAudit>>['rows'] = [];
  let hasMore = false;
  let problem: string | null = null;
  try {
    ({ rows, hasMore } = await listAudit({ ctx: access.ctx, input: { ...filters, limit: PAGE, offset } }));
  } catch (err) {
    if (err instanceof ValidationError || (err as { name?: string }).name === 'ZodError') problem = 'Some filters are not valid (dates as YYYY-MM-DD).';
    else throw err;
  }
  const qs = new URLSearchParams(filters);
  const csvHref = `/api/admin/audit?${new URLSearchParams({ ...filters, format: 'csv' }).toString()}`;
  const page = (o: number) => `?${new URLSearchParams({ ...filters, offset: String(o) }).toString()}`;
  const input = 'h-9 rounded-md border border-slate-300 bg-white px-2 text-sm';

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every administrator action, sign-in and approval step, append-only. Times are shown in your timezone."
        actions={
          <a href={csvHref} className={buttonClasses('secondary')} download>
            Download CSV
          </a>
        }
      />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter the audit log">
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">Actor (e-mail or id)</span>
          <input name="actor" defaultValue={filters.actor ?? ''} className={input} />
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">Action (e.g. approval.*)</span>
          <input name="action" defaultValue={filters.action ?? ''} className={input} />
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">Resource type</span>
          <input name="resourceType" defaultValue={filters.resourceType ?? ''} className={input} />
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">From</span>
          <input type="date" name="from" defaultValue={filters.from ?? ''} className={input} />
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">To</span>
          <input type="date" name="to" defaultValue={filters.to ?? ''} className={input} />
        </label>
        <button type="submit" className={buttonClasses('secondary')}>
          Filter
        </button>
        {qs.toString() ? (
          <Link href="/admin/audit" className="text-sm text-brand-700 underline">
            Clear
          </Link>
        ) : null}
      </form>
      {problem ? <Alert tone="warning">{problem}</Alert> : null}
      {rows.length === 0 ? (
        <EmptyState title="No audit entries match" />
      ) : (
        <Card className="overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Audit entries">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Actor
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Action
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Resource
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Old → new
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  From
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 align-top">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="px-3 py-2 whitespace-nowrap text-slate-700">
                    <LocalTime value={r.createdAt} />
                  </td>
                  <td className="px-3 py-2">
                    <div className="text-slate-900">{r.actorEmail ?? '—'}</div>
                    <div className="text-xs text-slate-500">{r.actorType}</div>
                  </td>
                  <td className="px-3 py-2">
                    <code className="text-slate-900">{r.action}</code>
                  </td>
                  <td className="px-3 py-2">
                    <div className="text-slate-900">{r.resourceType}</div>
                    {r.resourceId ? (
                      r.resourceType === 'approval_request' ? (
                        <Link href={`/admin/approvals/${r.resourceId}`} className="text-xs text-brand-700 underline">
                          {r.resourceId}
                        </Link>
                      ) : (
                        <div className="text-xs break-all text-slate-500">{r.resourceId}</div>
                      )
                    ) : null}
                  </td>
                  <td className="min-w-72 max-w-md px-3 py-2 font-mono text-xs break-words">
                    {r.oldValues !== null ? <div className="text-red-800">− {compact(r.oldValues)}</div> : null}
                    {r.newValues !== null ? <div className="text-emerald-800">+ {compact(r.newValues)}</div> : null}
                  </td>
                  <td className="px-3 py-2 text-xs text-slate-600">
                    <div>{r.ipAddress ?? ''}</div>
                    <div className="max-w-40 truncate" title={r.userAgent ?? ''}>
                      {r.userAgent ?? ''}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-3 text-sm">
        {offset > 0 ? (
          <Link className="text-brand-700 underline" href={page(Math.max(0, offset - PAGE))}>
            ← Newer
          </Link>
        ) : null}
        {hasMore ? (
          <Link className="text-brand-700 underline" href={page(offset + PAGE)}>
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
