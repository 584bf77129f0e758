'use client';

/** The invoice list's columns, for the console (with the tenant; drafts) and the portal (with
 * the due date): one definition, the links and download API per audience. */
import Link from 'next/link';
import type { InvoiceListRow } from '@/lib/billing/invoice-list';
import { serverColumnHelper } from '../data-table/server-table';
import { StatusBadge } from '../ui/badge';
import { Money } from '../ui/money';
import { LocalTime } from '../ui/time';
import { InvoiceDownloadLinks } from './invoice-download-links';

const AUDIENCE = {
  admin: { detail: '/admin/billing/invoices', api: '/api/admin/invoices', untitled: 'Draft' },
  portal: { detail: '/portal/invoices', api: '/api/portal/invoices', untitled: 'Invoice' },
} as const;

export function invoiceListColumns(audience: keyof typeof AUDIENCE) {
  const a = AUDIENCE[audience];
  const admin = audience === 'admin';
  const c = serverColumnHelper<InvoiceListRow>();
  const date = (id: 'issued' | 'due', header: string, get: (r: InvoiceListRow) => string | null) =>
    c.accessor((r) => get(r) ?? '', { id, header, meta: { priority: 3 }, cell: (x) => <LocalTime value={x.getValue() || null} mode="date" /> });
  return [
    c.accessor((r) => r.invoiceNumber ?? '', {
      id: 'number',
      header: 'Invoice',
      meta: { priority: 1 },
      cell: (x) => (
        <Link className="font-medium text-brand-700 hover:underline" href={`${a.detail}/${x.row.original.id}`}>
          {x.getValue() || a.untitled}
        </Link>
      ),
    }),
    ...(admin
      ? [
          c.accessor('tenantName', {
            header: 'Tenant',
            meta: { priority: 2 },
            cell: (x) => (
              <Link className="hover:underline" href={`/admin/tenants/${x.row.original.tenantId}`}>
                {x.getValue()}
              </Link>
            ),
          }),
        ]
      : []),
    c.accessor('period', { header: 'Period', meta: { priority: admin ? 2 : 1, sortKey: 'period' } }),
    c.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (x) => <StatusBadge status={x.getValue()} /> }),
    c.accessor('total', {
      header: 'Total',
      meta: { align: 'right', priority: 1, sortKey: 'total' },
      cell: (x) => <Money value={x.getValue()} currency={x.row.original.currency} />,
    }),
    date('issued', 'Issued', (r) => r.issuedAt),
    ...(admin ? [] : [date('due', 'Due', (r) => r.dueAt)]),
    c.display({
      id: 'download',
      header: 'Download',
      meta: { priority: admin ? 3 : 2 },
      cell: (x) => <InvoiceDownloadLinks base={a.api} id={x.row.original.id} invoiceNumber={x.row.original.invoiceNumber} />,
    }),
  ];
}
