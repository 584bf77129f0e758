'use client';

/**
 * /admin/billing/metering: usage events (and request logs, rejections) the database refused,
 * kept in metering_quarantine. A page at a time (server-side); each open row can be repaired
 * (its ledger row edited as JSON) and replayed, or discarded with a reason. Both are audited by
 * lib/admin-views/metering.ts; a replay goes through the writer's idempotent write, so a row
 * already in the ledger is never billed twice.
 */
import Link from 'next/link';
import type { QuarantinePage, QuarantineRow } from '@/lib/admin-views/metering';
import { ActionDialog, type FormAction } from '../forms/action-form';
import { Badge, StatusBadge } from '../ui/badge';
import { Alert, EmptyState } from '../ui/feedback';
import { formatCount } from '../ui/format';
import { LocalTime } from '../ui/time';
import { cn } from '../ui/cn';

const STATUSES = [
  { value: 'open', label: 'Open' },
  { value: 'replayed', label: 'Replayed' },
  { value: 'discarded', label: 'Discarded' },
] as const;

function href(status: string, page: number): string {
  return `/admin/billing/metering?status=${status}${page > 1 ? `&page=${page}` : ''}`;
}

export function QuarantineView({
  data,
  canAct,
  replay,
  discard,
}: {
  data: QuarantinePage;
  canAct: boolean;
  replay: FormAction<{ id: string; status: string }>;
  discard: FormAction<{ id: string; status: string }>;
}) {
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
  const last = Math.min(data.total, data.page * data.pageSize);
  return (
    <section aria-labelledby="quarantine-title" className="space-y-4">
      <div>
        <h2 id="quarantine-title" className="text-lg font-semibold text-slate-900">
          Metering quarantine
        </h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Events the database refused (an impossible quantity, a tenant or model that no longer exists…). Everything else kept flowing; these are not billed
          until they are repaired and replayed. Replays and discards are recorded in the audit log.
        </p>
      </div>
      {data.open > 0 ? (
        <Alert tone="warning" title={`${formatCount(data.open)} event${data.open === 1 ? '' : 's'} waiting`}>
          Open events are unbilled usage: repair and replay them, or discard them with a reason.
        </Alert>
      ) : null}
      <nav aria-label="Quarantine status" className="flex gap-2">
        {STATUSES.map((s) => (
          <Link
            key={s.value}
            href={href(s.value, 1)}
            aria-current={data.status === s.value ? 'page' : undefined}
            className={cn(
              'rounded-md px-3 py-1.5 text-sm font-medium',
              data.status === s.value ? 'bg-brand-700 text-white' : 'bg-white text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50',
            )}
          >
            {s.label}
          </Link>
        ))}
      </nav>
      {data.items.length === 0 ? (
        <EmptyState
          title={data.status === 'open' ? 'Nothing in quarantine' : `No ${data.status} events`}
          description="Every metered event reached the ledger."
        />
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">Quarantined metering events, page {data.page}</caption>
            <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-3 py-2">
                  Request
                </th>
                <th scope="col" className="px-3 py-2">
                  Kind
                </th>
                <th scope="col" className="px-3 py-2">
                  Reason
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Attempts
                </th>
                <th scope="col" className="px-3 py-2">
                  First seen
                </th>
                <th scope="col" className="px-3 py-2">
                  Last seen
                </th>
                <th scope="col" className="px-3 py-2">
                  {data.status === 'open' ? <span className="sr-only">Actions</span> : 'Status'}
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.items.map((r) => (
                <QuarantineLine key={r.id} row={r} canAct={canAct} replay={replay} discard={discard} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="flex items-center justify-between text-sm text-slate-600">
        <p aria-live="polite">{data.total === 0 ? 'No rows' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(data.total)}`}</p>
        <nav aria-label="Pages" className="flex gap-2">
          {data.page > 1 ? (
            <Link className="rounded-md px-3 py-1.5 ring-1 ring-slate-300 hover:bg-slate-50" href={href(data.status, data.page - 1)} rel="prev">
              Previous
            </Link>
          ) : null}
          <span className="px-2 py-1.5">
            Page {data.page} of {pages}
          </span>
          {data.page < pages ? (
            <Link className="rounded-md px-3 py-1.5 ring-1 ring-slate-300 hover:bg-slate-50" href={href(data.status, data.page + 1)} rel="next">
              Next
            </Link>
          ) : null}
        </nav>
      </div>
    </section>
  );
}

function QuarantineLine({
  row,
  canAct,
  replay,
  discard,
}: {
  row: QuarantineRow;
  canAct: boolean;
  replay: FormAction<{ id: string; status: string }>;
  discard: FormAction<{ id: string; status: string }>;
}) {
  const unpriced = row.kind === 'unpriced';
  return (
    <tr className="align-top">
      <td className="px-3 py-2 font-mono text-xs break-all text-slate-900">{row.requestId}</td>
      <td className="px-3 py-2">
        <Badge tone={unpriced ? 'warning' : 'neutral'}>{row.kind}</Badge>
      </td>
      <td className="max-w-md px-3 py-2 text-slate-700">
        <p className="line-clamp-3 break-words">{row.reason}</p>
        {row.sqlState ? <p className="text-xs text-slate-500">SQLSTATE {row.sqlState}</p> : null}
      </td>
      <td className="px-3 py-2 text-right tabular-nums">{formatCount(row.attempts)}</td>
      <td className="px-3 py-2 whitespace-nowrap">
        <LocalTime value={row.firstSeenAt} />
      </td>
      <td className="px-3 py-2 whitespace-nowrap">
        <LocalTime value={row.lastSeenAt} />
      </td>
      <td className="px-3 py-2">
        {row.status !== 'open' ? (
          <StatusBadge status={row.status} />
        ) : canAct ? (
          <div className="flex gap-2">
            <ActionDialog
              trigger="Repair & replay"
              title={`Replay ${row.requestId}`}
              description={
                unpriced
                  ? 'This event could not be priced: write the ledger row it should become (the usage_events columns) and choose its kind.'
                  : 'The row as the writer tried to insert it. Correct the offending fields, then replay: it is written once (a request already in the ledger is not billed again).'
              }
              wide
              variant="primary"
              action={replay}
              extra={{ id: row.id }}
              submitLabel="Replay"
              fields={[
                { name: 'payload', label: 'Ledger row (JSON)', type: 'textarea', defaultValue: JSON.stringify(row.payload, null, 2) },
                ...(unpriced
                  ? [
                      {
                        name: 'kind',
                        label: 'Kind',
                        type: 'select' as const,
                        defaultValue: 'usage',
                        options: [
                          { value: 'usage', label: 'usage' },
                          { value: 'log', label: 'log' },
                          { value: 'rejection', label: 'rejection' },
                        ],
                      },
                    ]
                  : []),
                { name: 'reason', label: 'Note for the audit log', type: 'text' as const },
              ]}
            />
            <ActionDialog
              trigger="Discard"
              title={`Discard ${row.requestId}`}
              description="It will never be billed. Say why (kept in the audit log)."
              variant="danger"
              action={discard}
              extra={{ id: row.id }}
              submitLabel="Discard"
              fields={[{ name: 'reason', label: 'Reason', type: 'text', required: true }]}
            />
          </div>
        ) : (
          <span className="text-xs text-slate-500">Replaying needs billing.run</span>
        )}
      </td>
    </tr>
  );
}
