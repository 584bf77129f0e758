'use client';

import Link from 'next/link';
import type { PortalInvoice } from '@/lib/billing/portal';
import type { InvoiceListRow } from '@/lib/billing/invoice-list';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable } from '../data-table/server-table';
import { invoiceListColumns } from '../billing/invoice-columns';
import { columnHelper, DataTable } from '../data-table/data-table';
import { StatusBadge } from '../ui/badge';
import { buttonClasses } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { Alert } from '../ui/feedback';
import { humanize } from '../ui/format';
import { Money } from '../ui/money';
import { DescriptionList } from '../ui/page';
import { LocalTime } from '../ui/time';
import { usageHref } from './usage-view';

/** The tenant's invoices: a server-side keyset page (filters, sort and page in the URL). */
export function PortalInvoicesTable({ page, sort, dir, csvHref }: { page: Page<InvoiceListRow>; sort: string; dir: 'asc' | 'desc'; csvHref: string }) {
  const columns = invoiceListColumns('portal');
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption="Invoices"
      testId="portal-invoices-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort={sort}
      dir={dir}
      csvHref={csvHref}
      empty="No invoices match: your first one is issued after your first month of usage."
    />
  );
}

type Line = PortalInvoice['lines'][number];
const lc = columnHelper<Line>();
/** Usage lines link to the requests behind them: the invoice's month and the line's model. */
const lineColumnsFor = (period: string) => [
  lc.accessor('description', {
    header: 'Description',
    cell: (c) =>
      c.row.original.kind === 'usage' && c.row.original.modelId ? (
        <Link className="text-brand-700 hover:underline" href={usageHref(period, c.row.original.modelId)}>
          {c.getValue()}
        </Link>
      ) : (
        c.getValue()
      ),
  }),
  lc.accessor('kind', { header: 'Kind', cell: (c) => humanize(c.getValue()) }),
  lc.accessor('quantity', { header: 'Quantity', meta: { align: 'right' } }),
  lc.accessor((r) => r.unit ?? '', { id: 'unit', header: 'Unit' }),
  lc.accessor('unitPrice', { header: 'Unit price', meta: { align: 'right' }, cell: (c) => <Money kind="rate" value={c.getValue()} /> }),
  lc.accessor('amount', { header: 'Amount', meta: { align: 'right' }, cell: (c) => <Money value={c.getValue()} /> }),
];

export function PortalInvoiceDetail({ inv }: { inv: PortalInvoice }) {
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={inv.status} />
        <a className={buttonClasses('secondary', 'sm')} href={`/api/portal/invoices/${inv.id}.pdf`}>
          Download PDF
        </a>
        <a className={buttonClasses('secondary', 'sm')} href={`/api/portal/invoices/${inv.id}.csv`}>
          Download CSV
        </a>
      </div>
      {inv.status === 'void' ? (
        <Alert tone="warning" title="This invoice was voided">
          {inv.voidReason}
          {inv.replacedByInvoiceNumber ? ` Replaced by ${inv.replacedByInvoiceNumber}.` : ''}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Details" />
          <CardBody>
            <DescriptionList
              items={[
                { label: 'Billed to', value: `${inv.billTo.name}${inv.billTo.email ? ` · ${inv.billTo.email}` : ''}` },
                { label: 'Period', value: `${inv.periodStart} to ${inv.periodEnd}` },
                { label: 'Issued', value: <LocalTime value={inv.issuedAt} /> },
                { label: 'Due', value: <LocalTime value={inv.dueAt} mode="date" /> },
                { label: 'Paid', value: <LocalTime value={inv.paidAt} /> },
                { label: 'Replaces', value: inv.replacesInvoiceNumber ?? '—' },
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
                ['Free tier credit', inv.freeTierCredit],
                [`Volume discount (${inv.discountPercent}%)`, inv.discountAmount],
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
            </dl>
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Lines" />
        <CardBody>
          <DataTable data={inv.lines} columns={lineColumnsFor(inv.period)} caption="Invoice lines" getRowId={(r) => String(r.lineNo)} search={false} />
        </CardBody>
      </Card>
    </div>
  );
}
