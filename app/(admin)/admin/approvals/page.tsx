import Link from 'next/link';
import { ApprovalsTable } from '@/components/governance/approvals-table';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page';
import { requireAdminPage } from '@/lib/auth/session';
import { APPROVAL_STATUSES } from '@/lib/db/schema';
import { listInputSchema, listRequests } from '@/lib/governance/approvals';
import { APPROVAL_TYPES, hasPermission, RISK_LEVELS } from '@/lib/governance/permissions';
import { plainParams } from '@/lib/lists/keyset';

export const metadata = { title: 'Approvals' };
export const dynamic = 'force-dynamic';

export default async function ApprovalsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('approvals.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { ctx } = access;
  const values = plainParams(await searchParams);
  const view = values.view === 'history' ? 'history' : 'pending';
  // Unknown filter values read as "any" (a shared link from an older version still opens).
  const parsed = listInputSchema.safeParse(values);
  const base = parsed.success
    ? parsed.data
    : listInputSchema.parse({ sort: values.sort, dir: values.dir, cursor: values.cursor, limit: values.limit, q: values.q });
  const page = await listRequests({
    ctx,
    input: { ...base, status: view === 'pending' ? 'pending' : base.status, initiatedBy: values.mine === '1' ? ctx.adminId : undefined },
  });
  const rows = page.rows.map((r) => ({
    id: r.id,
    type: r.type,
    action: r.action,
    title: r.title,
    riskLevel: r.riskLevel,
    status: r.status,
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    initiatedBy: r.initiatedBy ? { id: r.initiatedBy.id, email: r.initiatedBy.email } : null,
    decidedBy: r.approvedBy?.email ?? r.rejectedBy?.email ?? null,
  }));
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
      <div className="space-y-3">
        <ListFilters
          values={values}
          keep={['view']}
          fields={[
            { name: 'q', label: 'Search', type: 'search', placeholder: 'Words of the title' },
            ...(view === 'history'
              ? [{ name: 'status', label: 'Status', type: 'select' as const, options: APPROVAL_STATUSES.map((s) => ({ value: s, label: s })) }]
              : []),
            { name: 'type', label: 'Type', type: 'select', options: APPROVAL_TYPES.map((t) => ({ value: t, label: t.replace(/_/g, ' ') })) },
            { name: 'risk', label: 'Risk', type: 'select', options: RISK_LEVELS.map((r) => ({ value: r, label: r })) },
            { name: 'mine', label: 'Proposed by', type: 'select', options: [{ value: '1', label: 'me' }] },
          ]}
        />
        <ApprovalsTable page={{ ...page, rows }} view={view} me={ctx.adminId} sort={base.sort} dir={base.dir} />
      </div>
    </>
  );
}
