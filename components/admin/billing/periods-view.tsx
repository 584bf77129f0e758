'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import type { PeriodSummary } from '@/lib/billing/periods';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../../data-table/data-table';
import { Badge, StatusBadge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/dialog';
import { Field, Textarea } from '../../ui/field';
import { Money } from '../../ui/money';
import { LocalTime } from '../../ui/time';

const pc = columnHelper<PeriodSummary>();

export function PeriodsView({
  periods,
  canClose,
  propose,
}: {
  periods: PeriodSummary[];
  canClose: boolean;
  propose: (input: unknown) => Promise<ActionResult<{ approvalId: string }>>;
}) {
  const router = useRouter();
  const [reason, setReason] = useState('');
  const columns = [
    pc.accessor('period', { header: 'Period', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
    pc.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    pc.accessor('revenue', { header: 'Revenue', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
    pc.accessor('cost', { header: 'Cost', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
    pc.accessor('margin', { header: 'Margin', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
    pc.accessor((r) => r.invoices.issued, { id: 'invoices', header: 'Invoices', meta: { align: 'right' } }),
    pc.accessor((r) => r.invoices.total, {
      id: 'invoiced',
      header: 'Invoiced',
      meta: { align: 'right' },
      sortFn: decimalSort,
      cell: (c) => <Money value={c.getValue()} />,
    }),
    pc.accessor('tenantsNotInvoiced', {
      header: 'Not invoiced',
      meta: { align: 'right', label: 'Tenants not invoiced' },
      cell: (c) => (c.getValue() ? <Badge tone="warning">{c.getValue()}</Badge> : '0'),
    }),
    pc.accessor('lateUsageEntries', { header: 'Late usage', meta: { align: 'right' } }),
    pc.accessor((r) => r.closedAt ?? '', { id: 'closed', header: 'Closed', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
    pc.display({
      id: 'actions',
      header: () => <span className="sr-only">Actions</span>,
      meta: { noCsv: true, label: 'Actions' },
      enableHiding: false,
      cell: (c) => {
        const p = c.row.original;
        if (p.closeApprovalId && p.status !== 'closed')
          return (
            <Link className="text-xs text-brand-700 underline" href={`/admin/approvals/${p.closeApprovalId}`}>
              Close {p.closeApprovalStatus ?? 'requested'}
            </Link>
          );
        if (!canClose || p.status !== 'open' || !p.ended) return null;
        return (
          <ConfirmDialog
            trigger={
              <Button size="sm" variant="secondary">
                Propose close…
              </Button>
            }
            title={`Close ${p.period}?`}
            description="Closing freezes the month's books: late usage goes to the next open period with a reconciliation entry. It needs a second administrator's approval. Every tenant with usage must be invoiced first."
            confirmLabel="Propose close"
            confirmVariant="primary"
            onConfirm={async () => {
              const r = await propose({ periodId: p.id, ...(reason ? { reason } : {}) });
              if (!r.ok) return r.message;
              router.refresh();
            }}
          >
            <Field label="Reason (optional)">{(fp) => <Textarea {...fp} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
          </ConfirmDialog>
        );
      },
    }),
  ];
  return (
    <DataTable
      data={periods}
      columns={columns}
      caption="Accounting periods"
      testId="periods-table"
      getRowId={(r) => r.id}
      csvFilename="radiant-periods.csv"
      facets={[{ columnId: 'status', label: 'Status' }]}
    />
  );
}
