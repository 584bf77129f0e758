import Link from 'next/link';
import { Pager } from '@/components/portal/jobs-view';
import { Forbidden } from '@/components/shell/forbidden';
import { StatusBadge } from '@/components/ui/badge';
import { Money } from '@/components/ui/money';
import { PageHeader, Stat, StatGrid } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { consoleJobsPage, providerJobStats } from '@/lib/gateway/jobs/views';

export const metadata = { title: 'Jobs' };

const FILTERS = ['all', 'stuck', 'failed'] as const;

export default async function AdminJobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('usage.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const filter = FILTERS.find((f) => f === one(sp.filter)) ?? 'all';
  const page = Number(one(sp.page)) || 1;
  const [data, stats] = await withPlatform((tx) => Promise.all([consoleJobsPage(tx, { page, filter }), providerJobStats(tx)]));
  return (
    <>
      <PageHeader
        title="Video & 3D jobs"
        description="Generation jobs across tenants. Stuck: open for more than 15 minutes, or three or more failed polls in a row."
      />
      <StatGrid className="mb-6">
        <Stat label="Stuck now" value={data.stuckCount} tone={data.stuckCount > 0 ? 'warn' : 'good'} />
        <Stat label="Jobs (30 days)" value={stats.reduce((a, s) => a + s.total, 0)} />
      </StatGrid>
      <h2 className="mb-2 text-lg font-medium">By provider (30 days)</h2>
      <div className="mb-8 overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Provider</th>
              <th className="px-3 py-2 text-right">Jobs</th>
              <th className="px-3 py-2 text-right">Completed</th>
              <th className="px-3 py-2 text-right">Failed / expired</th>
              <th className="px-3 py-2 text-right">Running</th>
              <th className="px-3 py-2 text-right">Success rate</th>
              <th className="px-3 py-2 text-right">Avg time to complete</th>
              <th className="px-3 py-2 text-right">p95</th>
            </tr>
          </thead>
          <tbody>
            {stats.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-4 text-center text-slate-500">
                  No jobs in the last 30 days.
                </td>
              </tr>
            ) : (
              stats.map((s) => (
                <tr key={s.providerId} className="border-t border-slate-100">
                  <td className="px-3 py-2">{s.providerId}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.total}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.completed}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.failed}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.open}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.successRate === null ? '—' : `${s.successRate}%`}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.avgSecondsToComplete === null ? '—' : `${s.avgSecondsToComplete} s`}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{s.p95SecondsToComplete === null ? '—' : `${s.p95SecondsToComplete} s`}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav aria-label="Filter" className="mb-2 flex gap-3 text-sm">
        {FILTERS.map((f) => (
          <Link
            key={f}
            href={`/admin/jobs?filter=${f}`}
            aria-current={f === filter ? 'page' : undefined}
            className={f === filter ? 'font-semibold underline' : 'underline'}
          >
            {f === 'all' ? 'All' : f === 'stuck' ? 'Stuck' : 'Failed'}
          </Link>
        ))}
      </nav>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-sm">
          <thead className="bg-slate-50 text-left text-slate-600">
            <tr>
              <th className="px-3 py-2">Job</th>
              <th className="px-3 py-2">Tenant</th>
              <th className="px-3 py-2">Model / provider</th>
              <th className="px-3 py-2">Status</th>
              <th className="px-3 py-2 text-right">Polls / errors</th>
              <th className="px-3 py-2 text-right">Price</th>
              <th className="px-3 py-2">Created</th>
              <th className="px-3 py-2">Deadline</th>
            </tr>
          </thead>
          <tbody>
            {data.rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="px-3 py-4 text-center text-slate-500">
                  Nothing here.
                </td>
              </tr>
            ) : (
              data.rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2 font-mono text-xs">{r.id}</td>
                  <td className="px-3 py-2">{r.tenantName}</td>
                  <td className="px-3 py-2">
                    {r.model}
                    <div className="text-xs text-slate-500">
                      {r.providerId} · {r.kind}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={r.status} /> {r.stuck ? <StatusBadge status="warning" label="stuck" /> : null}
                    {r.error ? <div className="mt-1 max-w-xs text-xs text-slate-600">{r.error}</div> : null}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    {r.attempts} / {r.pollErrors}
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Money value={r.price} kind="small" />
                  </td>
                  <td className="px-3 py-2">
                    <LocalTime value={r.createdAt.toISOString()} />
                  </td>
                  <td className="px-3 py-2">
                    <LocalTime value={r.deadlineAt.toISOString()} />
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <Pager page={data.page} pages={data.pages} total={data.total} base={`/admin/jobs?filter=${filter}`} />
    </>
  );
}
