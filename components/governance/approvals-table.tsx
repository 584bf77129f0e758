'use client';

import Link from 'next/link';
import type { ApprovalView } from '@/lib/governance/approvals';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { LocalTime } from '../ui/time';
import { ApprovalStatusBadge, RiskBadge } from './badges';

/** What the list draws of a request (the payload, impact and rollback texts stay on its page). */
type ApprovalListItem = Pick<ApprovalView, 'id' | 'type' | 'action' | 'title' | 'riskLevel' | 'status' | 'expiresAt' | 'createdAt'> & {
  initiatedBy: { id: string; email: string | null } | null;
  decidedBy: string | null;
};

const c = serverColumnHelper<ApprovalListItem>();

/** The pending queue or the history: a server-side keyset page (filters, sort and page in the URL). */
export function ApprovalsTable({
  page,
  view,
  me,
  sort,
  dir,
}: {
  page: Page<ApprovalListItem>;
  view: 'pending' | 'history';
  me: string;
  sort: string;
  dir: 'asc' | 'desc';
}) {
  const columns = [
    c.accessor('title', {
      header: 'Request',
      meta: { priority: 1, sortKey: 'created' },
      cell: (x) => {
        const r = x.row.original;
        return (
          <>
            <Link href={`/admin/approvals/${r.id}`} className="font-medium text-brand-700 hover:underline">
              {r.title}
            </Link>
            <span className="block text-xs text-slate-600">
              <code>{r.action}</code> · <LocalTime value={r.createdAt} mode="relative" />
            </span>
          </>
        );
      },
    }),
    c.accessor('type', { header: 'Type', meta: { priority: 3 }, cell: (x) => x.getValue().replace(/_/g, ' ') }),
    c.accessor('riskLevel', { header: 'Risk', meta: { priority: 2 }, cell: (x) => <RiskBadge risk={x.getValue()} /> }),
    c.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (x) => <ApprovalStatusBadge status={x.getValue()} /> }),
    c.accessor((r) => r.initiatedBy?.email ?? '', {
      id: 'initiatedBy',
      header: 'Proposed by',
      meta: { priority: 2 },
      cell: (x) => (
        <>
          {x.getValue() || '—'}
          {x.row.original.initiatedBy?.id === me ? <span className="ml-1 text-xs text-slate-600">(you)</span> : null}
        </>
      ),
    }),
    view === 'pending'
      ? c.accessor('expiresAt', {
          header: 'Expires',
          meta: { priority: 2, sortKey: 'expires' },
          cell: (x) => <LocalTime value={x.getValue()} mode="relative" />,
        })
      : c.accessor((r) => r.decidedBy ?? '', { id: 'decidedBy', header: 'Decided by', meta: { priority: 2 }, cell: (x) => x.getValue() || '—' }),
  ];
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption={view === 'pending' ? 'Pending approval requests' : 'Approval history'}
      testId="approvals-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort={sort}
      dir={dir}
      empty={view === 'pending' ? 'Nothing waits for approval. Proposed changes appear here.' : 'No requests match.'}
    />
  );
}
