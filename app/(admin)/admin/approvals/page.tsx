import Link from 'next/link';
import { ApprovalStatusBadge, RiskBadge } from '@/components/governance/badges';
import { Forbidden } from '@/components/shell/forbidden';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { LocalTime } from '@/components/ui/time';
import { requireAdminPage } from '@/lib/auth/session';
import { APPROVAL_STATUSES } from '@/lib/db/schema';
import { listRequests } from '@/lib/governance/approvals';
import { APPROVAL_TYPES, hasPermission, RISK_LEVELS } from '@/lib/governance/permissions';

export const metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

const PAGE = 50;
type SP = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<SP> }) {
  const access = await requireAdminPage('approvals.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { ctx } = access;
  const sp = await searchParams;
  const view = one(sp.view) === 'history' ? 'history' : 'pending';
  const status = view === 'pending' ? 'pending' : one(sp.status);
  const type = one(sp.type);
  const risk = one(sp.risk);
  const mine = one(sp.mine) === '1';
  const offset = Math.max(0, Number(one(sp.offset) ?? 0) || 0);
  const { items, hasMore } = await listRequests({
    ctx,
    input: {
      ...(status && (APPROVAL_STATUSES as readonly string[]).includes(status) ? { status: status as never } : {}),
      ...(type && (APPROVAL_TYPES as readonly string[]).includes(type) ? { type: type as never } : {}),
      ...(risk && (RISK_LEVELS as readonly string[]).includes(risk) ? { risk: risk as never } : {}),
      ...(mine ? { initiatedBy: ctx.adminId } : {}),
      limit: PAGE,
      offset,
    },
  });
  const qs = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    const all = { view, status: view === 'history' ? status : undefined, type, risk, mine: mine ? '1' : undefined, ...extra };
    for (const [k, v] of Object.entries(all)) if (v) p.set(k, v);
    return `?${p.toString()}`;
  };
  const tab = (id: 'pending' | 'history', label: string) => (
    <Link
      href={`?view=${id}`}
      aria-current={view === id ? 'page' : undefined}
      className={`border-b-2 px-3 py-2 text-sm font-medium ${view === id ? 'border-brand-700 text-brand-900' : 'border-transparent text-slate-600 hover:text-slate-900'}`}
    >
      {label}
    </Link>
  );

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Risky changes wait here until a different administrator with the right role approves them (two-person rule). Approval applies the change; requests expire after 24 hours."
        actions={
          hasPermission(ctx.role, 'approvals.propose') ? (
            <Link href="/admin/approvals/new" className={buttonClasses('primary')}>
              Propose a change
            </Link>
          ) : null
        }
      />
      <nav aria-label="Approval views" className="mb-4 flex gap-2 border-b border-slate-200">
        {tab('pending', 'Pending queue')}
        {tab('history', 'History')}
      </nav>
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter requests">
        <input type="hidden" name="view" value={view} />
        {view === 'history' ? (
          <label className="text-sm">
            <span className="block text-xs font-medium text-slate-700">Status</span>
            <select name="status" defaultValue={status ?? ''} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
              <option value="">Any</option>
              {APPROVAL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">Type</span>
          <select name="type" defaultValue={type ?? ''} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
            <option value="">Any</option>
            {APPROVAL_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-700">Risk</span>
          <select name="risk" defaultValue={risk ?? ''} className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
            <option value="">Any</option>
            {RISK_LEVELS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" name="mine" value="1" defaultChecked={mine} className="size-4" /> Proposed by me
        </label>
        <button type="submit" className={buttonClasses('secondary')}>
          Filter
        </button>
      </form>
      {items.length === 0 ? (
        <EmptyState title={view === 'pending' ? 'Nothing waits for approval' : 'No requests match'} description="Proposed changes appear here." />
      ) : (
        <Card className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-left text-xs text-slate-600">
                <th scope="col" className="px-4 py-2 font-medium">
                  Request
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Type
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Risk
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Proposed by
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  {view === 'pending' ? 'Expires' : 'Decided by'}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((r) => (
                <tr key={r.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2">
                    <Link href={`/admin/approvals/${r.id}`} className="font-medium text-brand-700 hover:underline">
                      {r.title}
                    </Link>
                    <div className="text-xs text-slate-600">
                      <code>{r.action}</code> · <LocalTime value={r.createdAt} mode="relative" />
                    </div>
                  </td>
                  <td className="px-4 py-2 text-slate-700">{r.type.replace(/_/g, ' ')}</td>
                  <td className="px-4 py-2">
                    <RiskBadge risk={r.riskLevel} />
                  </td>
                  <td className="px-4 py-2">
                    <ApprovalStatusBadge status={r.status} />
                  </td>
                  <td className="px-4 py-2 text-slate-700">
                    {r.initiatedBy?.email ?? '—'}
                    {r.initiatedBy?.id === ctx.adminId ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
                  </td>
                  <td className="px-4 py-2 text-slate-700">
                    {view === 'pending' ? <LocalTime value={r.expiresAt} mode="relative" /> : (r.approvedBy?.email ?? r.rejectedBy?.email ?? '—')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      <nav aria-label="Pages" className="mt-4 flex gap-3 text-sm">
        {offset > 0 ? (
          <Link className="text-brand-700 underline" href={qs({ offset: String(Math.max(0, offset - PAGE)) })}>
            ← Newer
          </Link>
        ) : null}
        {hasMore ? (
          <Link className="text-brand-700 underline" href={qs({ offset: String(offset + PAGE) })}>
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
