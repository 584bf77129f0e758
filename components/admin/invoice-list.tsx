'use client';

/** The console's invoice list: a server-side keyset page (filters, sort and page in the URL). */
import type { InvoiceListRow } from '@/lib/billing/invoice-list';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable } from '../data-table/server-table';
import { invoiceListColumns } from '../billing/invoice-columns';

export function AdminInvoiceList({ page, sort, dir, csvHref }: { page: Page<InvoiceListRow>; sort: string; dir: 'asc' | 'desc'; csvHref: string }) {
  const columns = invoiceListColumns('admin');
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
