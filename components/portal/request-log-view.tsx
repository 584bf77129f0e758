'use client';

/** The request log (portal: one tenant; console: across tenants). Price only, never cost. */
import Link from 'next/link';
import type { RequestLogRow } from '@/lib/tenants/request-logs';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { StatusBadge } from '../ui/badge';
import { formatCount } from '../ui/format';
import { Money } from '../ui/money';
import { LocalTime } from '../ui/time';

export function RequestLogTable({
  page,
  basePath,
  showTenant,
  dir,
  csvHref,
}: {
  page: Page<RequestLogRow>;
  basePath: string;
  showTenant?: boolean;
  dir: 'asc' | 'desc';
  csvHref?: string;
}) {
  const c = serverColumnHelper<RequestLogRow>();
  const columns = [
    c.accessor('createdAt', {
      header: 'Time',
      meta: { priority: 1, sortKey: 'time' },
      cell: (x) => (
        <Link href={`${basePath}/${x.row.original.id}`} className="font-medium text-brand-700 hover:underline">
          <LocalTime value={x.getValue()} />
        </Link>
      ),
    }),
    ...(showTenant ? [c.accessor((r) => r.tenantName ?? '', { id: 'tenant', header: 'Tenant', meta: { priority: 2 } })] : []),
    c.accessor((r) => r.keyName ?? '', {
      id: 'key',
      header: 'Key',
      meta: { priority: 3 },
      cell: (x) =>
        x.getValue() ? (
          <>
            {x.getValue()} <code className="block text-xs text-slate-600">{x.row.original.keyPrefix}…</code>
          </>
        ) : (
          '—'
        ),
    }),
    c.accessor('model', { header: 'Model', meta: { priority: 2 }, cell: (x) => <span className="break-all">{x.getValue()}</span> }),
    c.accessor((r) => r.status ?? 'pending', {
      id: 'status',
      header: 'Status',
      meta: { priority: 1 },
      cell: (x) => (
        <>
          <StatusBadge status={x.getValue()} />
          {x.row.original.httpStatus ? <span className="block text-xs text-slate-600">HTTP {x.row.original.httpStatus}</span> : null}
        </>
      ),
    }),
    c.accessor((r) => r.inputTokens ?? 0, {
      id: 'tokens',
      header: 'Tokens / units',
      meta: { align: 'right', priority: 3 },
      cell: (x) => {
        const r = x.row.original;
        if (r.units) return r.units;
        if (r.inputTokens === null) return '—';
        return `${formatCount(r.inputTokens)} in · ${formatCount(r.outputTokens ?? 0)} out`;
      },
    }),
    c.accessor((r) => r.price ?? '', {
      id: 'price',
      header: 'Price',
      meta: { align: 'right', priority: 1 },
      cell: (x) => (x.getValue() ? <Money value={x.getValue()} kind="small" /> : '—'),
    }),
    c.accessor((r) => r.latencyMs ?? 0, {
      id: 'latency',
      header: 'Latency',
      meta: { align: 'right', priority: 3 },
      cell: (x) => (x.row.original.latencyMs === null ? '—' : `${formatCount(x.getValue())} ms`),
    }),
    c.accessor('promptPreview', {
      header: 'Prompt → answer',
      meta: { priority: 2, className: 'max-w-md' },
      cell: (x) => (
        <span className="line-clamp-3 text-xs">
          <span className="text-slate-900">{x.getValue()}</span>
          {x.row.original.answerPreview ? <span className="text-slate-600"> → {x.row.original.answerPreview}</span> : null}
        </span>
      ),
    }),
  ];
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption="Request log"
      testId="request-log-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort="time"
      dir={dir}
      csvHref={csvHref}
      empty="No logged requests match. Requests are logged only while request logging is on for the organisation."
    />
  );
}
