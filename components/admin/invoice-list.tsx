'use client';

/** The console's invoice list: a server-side keyset page (filters, sort and page in the URL). */
import Link from 'next/link';
import type { InvoiceListRow } from '@/lib/billing/invoice-list';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { StatusBadge } from '../ui/badge';
import { Money } from '../ui/money';
import { LocalTime } from '../ui/time';
import { InvoiceDownloadLinks } from '../billing/invoice-download-links';

export function AdminInvoiceList({ page, sort, dir, csvHref }: { page: Page<InvoiceListRow>; sort: string; dir: 'asc' | 'desc'; csvHref: string }) {
  const c = serverColumnHelper<InvoiceListRow>();
  const columns = [
    c.accessor((r) => r.invoiceNumber ?? '', {
      id: 'number',
      header: 'Invoice',
      meta: { priority: 1 },
      cell: (x) => (
        <Link className="font-medium text-brand-700 hover:underline" href={`/admin/billing/invoices/${x.row.original.id}`}>
          {x.getValue() || 'Draft'}
        </Link>
      ),
    }),
    c.accessor('tenantName', {
      header: 'Tenant',
      meta: { priority: 2 },
      cell: (x) => (
        <Link className="hover:underline" href={`/admin/tenants/${x.row.original.tenantId}`}>
          {x.getValue()}
        </Link>
      ),
    }),
    c.accessor('period', { header: 'Period', meta: { priority: 2, sortKey: 'period' } }),
    c.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (x) => <StatusBadge status={x.getValue()} /> }),
    c.accessor('total', {
      header: 'Total',
      meta: { align: 'right', priority: 1, sortKey: 'total' },
      cell: (x) => <Money value={x.getValue()} currency={x.row.original.currency} />,
    }),
    c.accessor((r) => r.issuedAt ?? '', {
      id: 'issued',
      header: 'Issued',
      meta: { priority: 3 },
      cell: (x) => <LocalTime value={x.getValue() || null} mode="date" />,
    }),
    c.display({
      id: 'download',
      header: 'Download',
      meta: { priority: 3 },
      cell: (x) => <InvoiceDownloadLinks base="/api/admin/invoices" id={x.row.original.id} invoiceNumber={x.row.original.invoiceNumber} />,
    }),
  ];
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption="Invoices"
      testId="invoices-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort={sort}
      dir={dir}
      csvHref={csvHref}
      empty="No invoices match. Run billing for a month that has ended to issue invoices."
    />
  );
}
