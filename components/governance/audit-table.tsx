'use client';

import Link from 'next/link';
import type { AuditListItem } from '@/lib/governance/audit';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { LocalTime } from '../ui/time';

const a = serverColumnHelper<AuditListItem>();
const columns = [
  a.accessor('createdAt', {
    header: 'When',
    meta: { priority: 1, sortKey: 'time' },
    cell: (c) => <LocalTime value={c.getValue()} />,
  }),
  a.accessor((r) => r.actorEmail ?? '', {
    id: 'actor',
    header: 'Actor',
    meta: { priority: 2 },
    cell: (c) => (
      <>
        <span className="block text-slate-900">{c.getValue() || '—'}</span>
        <span className="block text-xs text-slate-600">{c.row.original.actorType}</span>
      </>
    ),
  }),
  a.accessor('action', {
    header: 'Action',
    meta: { priority: 1 },
    // On a phone the actor and the resource fold under the action.
    cell: (c) => (
      <>
        <code className="text-slate-900">{c.getValue()}</code>
        <span className="block text-xs text-slate-600 md:hidden">
          {c.row.original.actorEmail ?? c.row.original.actorType} · {c.row.original.resourceType}
        </span>
      </>
    ),
  }),
  a.accessor('resourceType', {
    header: 'Resource',
    meta: { priority: 2 },
    cell: (c) => {
      const r = c.row.original;
      return (
        <>
          <span className="block text-slate-900">{r.resourceType}</span>
          {r.resourceId ? (
            r.resourceType === 'approval_request' ? (
              <Link href={`/admin/approvals/${r.resourceId}`} className="text-xs text-brand-700 underline">
                {r.resourceId}
              </Link>
            ) : (
              <span className="block text-xs break-all text-slate-600">{r.resourceId}</span>
            )
          ) : null}
        </>
      );
    },
  }),
  // Old and new values are JSON without spaces: `wrap-anywhere` lets them break at any character,
  // so one long value cannot push the table past its box (break-words does not lower a cell's
  // minimum width in table layout).
  a.display({
    id: 'change',
    header: 'Old → new',
    meta: { priority: 3, className: 'max-w-md font-mono text-xs wrap-anywhere' },
    cell: (c) => (
      <>
        {c.row.original.oldValues !== null ? <span className="block text-red-800">− {c.row.original.oldValues}</span> : null}
        {c.row.original.newValues !== null ? <span className="block text-emerald-800">+ {c.row.original.newValues}</span> : null}
      </>
    ),
  }),
  a.accessor((r) => r.ipAddress ?? '', {
    id: 'from',
    header: 'From',
    meta: { priority: 3, className: 'text-xs text-slate-600 wrap-anywhere' },
    cell: (c) => (
      <>
        <span className="block">{c.getValue()}</span>
        <span className="block max-w-40 truncate" title={c.row.original.userAgent ?? ''}>
          {c.row.original.userAgent ?? ''}
        </span>
      </>
    ),
  }),
];

/** The audit log: a server-side keyset page (filters, direction and page in the URL). */
export function AuditTable({ page, dir, csvHref }: { page: Page<AuditListItem>; dir: 'asc' | 'desc'; csvHref: string }) {
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption="Audit entries"
      testId="audit-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort="time"
      dir={dir}
      csvHref={csvHref}
      empty="No audit entries match."
    />
  );
}
