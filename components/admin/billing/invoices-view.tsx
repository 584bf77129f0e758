'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { z } from 'zod';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { InvoicesPageData } from '@/lib/admin-views/billing';
import type { InvoiceListItem } from '@/lib/billing/invoices';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../../data-table/data-table';
import { StatusBadge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Field, Input, Select } from '../../ui/field';
import { Money } from '../../ui/money';
import { LocalTime } from '../../ui/time';
import { PERIOD_RE } from '@/lib/platform/schemas';

const ic = columnHelper<InvoiceListItem>();
const invoiceColumns = [
  ic.accessor((r) => r.invoiceNumber ?? 'draft', {
    id: 'number',
    header: 'Invoice',
    enableHiding: false,
    cell: (c) => (
      <Link className="font-medium text-brand-700 hover:underline" href={`/admin/billing/invoices/${c.row.original.id}`}>
        {c.getValue()}
      </Link>
    ),
  }),
  ic.accessor('tenantName', { header: 'Tenant', filterFn: exactFilter }),
  ic.accessor('period', { header: 'Period' }),
  ic.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  ic.accessor('subtotal', {
    header: 'Subtotal',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money value={c.getValue()} currency={c.row.original.currency} />,
  }),
  ic.accessor('taxAmount', {
    header: 'Tax',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money value={c.getValue()} currency={c.row.original.currency} />,
  }),
  ic.accessor('total', {
    header: 'Total',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (
      <strong>
        <Money value={c.getValue()} currency={c.row.original.currency} />
      </strong>
    ),
  }),
  ic.accessor((r) => r.issuedAt ?? '', { id: 'issued', header: 'Issued', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
  ic.accessor((r) => r.dueAt ?? '', { id: 'due', header: 'Due', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
  ic.accessor((r) => r.paidAt ?? '', { id: 'paid', header: 'Paid', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
  ic.display({
    id: 'files',
    header: 'Download',
    meta: { noCsv: true, label: 'Download' },
    cell: (c) =>
      c.row.original.invoiceNumber ? (
        <span className="flex gap-2 text-xs">
          <a className="text-brand-700 underline" href={`/api/admin/invoices/${c.row.original.id}.pdf`}>
            PDF
          </a>
          <a className="text-brand-700 underline" href={`/api/admin/invoices/${c.row.original.id}.csv`}>
            CSV
          </a>
        </span>
      ) : null,
  }),
];

const invoiceFilterSchema = z.object({
  period: z.string().regex(PERIOD_RE, 'Use YYYY-MM').or(z.literal('')),
  status: z.string(),
  tenantId: z.string(),
  q: z.string().max(100, 'At most 100 characters'),
});

export function InvoicesView({ data, statuses }: { data: InvoicesPageData; statuses: readonly string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startT] = useTransition();
  const [f, setF] = useState(data.filters);
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  return (
    <div className="space-y-4">
      <form
        noValidate
        aria-label="Invoice filters"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const p = invoiceFilterSchema.safeParse(f);
          if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
          setErrors({});
          const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== '') as Array<[string, string]>).toString();
          startT(() => router.push(`${pathname}?${qs}`));
        }}
      >
        <Field label="Period" errors={errors.period}>
          {(p) => (
            <Select {...p} value={f.period} onChange={set('period')} emptyLabel="All periods" options={data.periods.map((x) => ({ value: x, label: x }))} />
          )}
        </Field>
        <Field label="Status" errors={errors.status}>
          {(p) => <Select {...p} value={f.status} onChange={set('status')} emptyLabel="Any status" options={statuses.map((s) => ({ value: s, label: s }))} />}
        </Field>
        <Field label="Tenant" errors={errors.tenantId}>
          {(p) => (
            <Select
              {...p}
              value={f.tenantId}
              onChange={set('tenantId')}
              emptyLabel="All tenants"
              options={data.tenants.map((t) => ({ value: t.id, label: t.name }))}
            />
          )}
        </Field>
        <Field label="Number or tenant" errors={errors.q}>
          {(p) => <Input {...p} type="search" value={f.q} onChange={set('q')} />}
        </Field>
        <Button type="submit" loading={pending}>
          Apply
        </Button>
      </form>
      <DataTable
        data={data.items}
        columns={invoiceColumns}
        caption="Invoices"
        testId="invoices-table"
        getRowId={(r) => r.id}
        csvFilename="radiant-invoices.csv"
        facets={[{ columnId: 'status', label: 'Status' }]}
        empty="No invoices match. Run billing for a month that has ended to issue invoices."
      />
    </div>
  );
}
