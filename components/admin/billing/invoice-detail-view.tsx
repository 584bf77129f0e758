'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import type { AdminInvoice } from '@/lib/admin-views/billing';
import type { InvoiceLineView } from '@/lib/billing/invoices';
import { columnHelper, DataTable, decimalSort } from '../../data-table/data-table';
import { StatusBadge } from '../../ui/badge';
import { Button, buttonClasses } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { ConfirmDialog } from '../../ui/dialog';
import { Alert } from '../../ui/feedback';
import { Checkbox, Field, Input, Textarea } from '../../ui/field';
import { formatAmount, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { DescriptionList } from '../../ui/page';
import { LocalTime } from '../../ui/time';
import { markPaidSchema, voidSchema } from '@/lib/admin-views/billing-schemas';

const lc = columnHelper<InvoiceLineView>();
const lineColumns = [
  lc.accessor('lineNo', { header: '#', meta: { align: 'right' } }),
  lc.accessor('description', { header: 'Description' }),
  lc.accessor('kind', { header: 'Kind', cell: (c) => humanize(c.getValue()) }),
  lc.accessor('quantity', { header: 'Quantity', meta: { align: 'right' }, sortFn: decimalSort }),
  lc.accessor((r) => r.unit ?? '', { id: 'unit', header: 'Unit' }),
  lc.accessor('unitPrice', { header: 'Unit price', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money kind="rate" value={c.getValue()} /> }),
  lc.accessor('exactAmount', {
    header: 'Exact',
    meta: { align: 'right', label: 'Exact amount' },
    sortFn: decimalSort,
    cell: (c) => <Money kind="rate" value={c.getValue()} />,
  }),
  lc.accessor('amount', { header: 'Amount', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
];

export function InvoiceDetailView({
  inv,
  canManage,
  markPaid,
  voidIt,
}: {
  inv: AdminInvoice;
  canManage: boolean;
  markPaid: (input: unknown) => Promise<ActionResult<{ id: string }>>;
  voidIt: (input: unknown) => Promise<ActionResult<{ replacementId: string | null }>>;
}) {
  const router = useRouter();
  const [reason, setReason] = useState('');
  const [reissue, setReissue] = useState(true);
  const [reference, setReference] = useState('');
  const canPay = inv.status === 'pending' || inv.status === 'failed';
  const canVoid = inv.status === 'pending' || inv.status === 'failed';
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={inv.status} />
        {inv.invoiceNumber ? (
          <>
            <a className={buttonClasses('secondary', 'sm')} href={`/api/admin/invoices/${inv.id}.pdf`}>
              Download PDF
            </a>
            <a className={buttonClasses('secondary', 'sm')} href={`/api/admin/invoices/${inv.id}.csv`}>
              Download CSV
            </a>
          </>
        ) : null}
        {canManage && canPay ? (
          <ConfirmDialog
            trigger={<Button size="sm">Mark paid…</Button>}
            title={`Mark ${inv.invoiceNumber} as paid?`}
            description={`Records payment of ${formatAmount(inv.total, inv.currency)} now. An issued invoice is never edited; this only changes its status.`}
            confirmLabel="Mark paid"
            confirmVariant="primary"
            onConfirm={async () => {
              const input = { invoiceId: inv.id, ...(reference ? { reference } : {}) };
              const p = markPaidSchema.safeParse(input);
              if (!p.success) return p.error.issues[0]?.message;
              const r = await markPaid(input);
              if (!r.ok) return r.message;
              router.refresh();
            }}
          >
            <Field label="Payment reference (optional)">{(p) => <Input {...p} value={reference} onChange={(e) => setReference(e.target.value)} />}</Field>
          </ConfirmDialog>
        ) : null}
        {canManage && canVoid ? (
          <ConfirmDialog
            trigger={
              <Button size="sm" variant="danger">
                Void…
              </Button>
            }
            title={`Void ${inv.invoiceNumber}?`}
            description="A voided invoice stays on record and can never be used again. With re-issue, a replacement invoice is issued for the same period right away."
            confirmLabel="Void invoice"
            onConfirm={async () => {
              const input = { invoiceId: inv.id, reason, reissue };
              const p = voidSchema.safeParse(input);
              if (!p.success) return p.error.issues[0]?.message;
              const r = await voidIt(input);
              if (!r.ok) return r.message;
              if (r.data.replacementId) router.push(`/admin/billing/invoices/${r.data.replacementId}`);
              else router.refresh();
            }}
          >
            <div className="space-y-3">
              <Field label="Reason">{(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
              <Checkbox label="Issue a replacement invoice" checked={reissue} onChange={(e) => setReissue(e.target.checked)} />
            </div>
          </ConfirmDialog>
        ) : null}
      </div>
      {inv.voidReason ? (
        <Alert tone="warning" title="Voided">
          {inv.voidReason}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Invoice" />
          <CardBody>
            <DescriptionList
              items={[
                {
                  label: 'Tenant',
                  value: (
                    <Link className="text-brand-700 underline" href={`/admin/tenants/${inv.tenantId}`}>
                      {inv.tenantName}
                    </Link>
                  ),
                },
                { label: 'Period', value: `${inv.period} (${inv.periodStart} to ${inv.periodEnd})` },
                { label: 'Issued', value: <LocalTime value={inv.issuedAt} /> },
                { label: 'Due', value: <LocalTime value={inv.dueAt} mode="date" /> },
                { label: 'Paid', value: <LocalTime value={inv.paidAt} /> },
                {
                  label: 'Replaces',
                  value: inv.replacesInvoiceId ? (
                    <Link className="text-brand-700 underline" href={`/admin/billing/invoices/${inv.replacesInvoiceId}`}>
                      previous invoice
                    </Link>
                  ) : (
                    '—'
                  ),
                },
                {
                  label: 'Replaced by',
                  value: inv.replacedByInvoiceId ? (
                    <Link className="text-brand-700 underline" href={`/admin/billing/invoices/${inv.replacedByInvoiceId}`}>
                      replacement
                    </Link>
                  ) : (
                    '—'
                  ),
                },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Totals" />
          <CardBody>
            <dl className="space-y-1.5 text-sm">
              {[
                ['Subtotal', inv.subtotal],
                ['Free tier credit', `-${inv.freeTierCredit}`.replace('--', '')],
                [`Volume discount (${inv.discountPercent}%)`, `-${inv.discountAmount}`.replace('--', '')],
                [`Tax (${inv.taxRatePercent}%)`, inv.taxAmount],
              ].map(([k, v]) => (
                <div key={k} className="flex justify-between gap-3">
                  <dt className="text-slate-600">{k}</dt>
                  <dd>
                    <Money value={v} currency={inv.currency} />
                  </dd>
                </div>
              ))}
              <div className="flex justify-between gap-3 border-t border-slate-200 pt-1.5 font-semibold">
                <dt>Total</dt>
                <dd>
                  <Money value={inv.total} currency={inv.currency} />
                </dd>
              </div>
              <div className="flex justify-between gap-3 pt-3 text-xs text-slate-600">
                <dt>Usage cost (admin)</dt>
                <dd>
                  <Money value={inv.usageCost} />
                </dd>
              </div>
              <div className="flex justify-between gap-3 text-xs text-slate-600">
                <dt>Usage margin (admin)</dt>
                <dd>
                  <Money value={inv.usageMargin} />
                </dd>
              </div>
            </dl>
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Lines" description="Each line is rounded to cents once (half-even); the total is the sum of the lines." />
        <CardBody>
          <DataTable
            data={inv.lines}
            columns={lineColumns}
            caption="Invoice lines"
            getRowId={(r) => String(r.lineNo)}
            csvFilename={`${inv.invoiceNumber ?? inv.id}-lines.csv`}
            search={false}
          />
        </CardBody>
      </Card>
    </div>
  );
}
