'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { z } from 'zod';
import type { ActionResult } from '@/lib/http/action-result';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { AdminInvoice, InvoicesPageData, ReconciliationPageData, RunsPageData } from '@/lib/admin-views/billing';
import type { MarginReport, MarginRow } from '@/lib/billing/books';
import type { ExportLogView } from '@/lib/billing/exports';
import type { InvoiceLineView, InvoiceListItem } from '@/lib/billing/invoices';
import type { PeriodSummary } from '@/lib/billing/periods';
import type { ProviderReconciliationRow, ReconciliationEntryView } from '@/lib/billing/reconciliation';
import type { BillingRunView } from '@/lib/billing/runs';
import { BarChart } from '../charts/charts';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../data-table/data-table';
import { Badge, StatusBadge } from '../ui/badge';
import { Button, buttonClasses } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ConfirmDialog } from '../ui/dialog';
import { Alert, ProgressBar } from '../ui/feedback';
import { Checkbox, Field, FormError, Input, Select, Textarea } from '../ui/field';
import { displayNumber, formatAmount, formatCount, formatPercent, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { DescriptionList, Stat, StatGrid } from '../ui/page';
import { LocalTime } from '../ui/time';
import { AutoRefresh } from './billing-nav';
import { adjustmentFormSchema, markPaidSchema, startRunSchema, voidSchema } from '@/lib/admin-views/billing-schemas';

type Result<T> = ActionResult<T>;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

// ---- runs -------------------------------------------------------------------------------------

const rc = columnHelper<BillingRunView>();
const runColumns = (tenantName: (id: string | null) => string) => [
  rc.accessor('period', { header: 'Period' }),
  rc.accessor((r) => tenantName(r.tenantId), { id: 'scope', header: 'Tenants' }),
  rc.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  rc.display({
    id: 'progress',
    header: 'Progress',
    meta: { noCsv: true, label: 'Progress' },
    cell: (c) => {
      const r = c.row.original;
      return (
        <div className="min-w-44">
          <ProgressBar value={r.processedTenants} max={Math.max(r.totalTenants, r.processedTenants)} label={`${r.period} tenants billed`} />
        </div>
      );
    },
  }),
  rc.accessor('invoicesCreated', { header: 'Invoices', meta: { align: 'right' } }),
  rc.accessor((r) => r.startedAt ?? r.createdAt, { id: 'started', header: 'Started', cell: (c) => <LocalTime value={c.getValue()} /> }),
  rc.accessor((r) => r.finishedAt ?? '', { id: 'finished', header: 'Finished', cell: (c) => <LocalTime value={c.getValue() || null} /> }),
  rc.accessor((r) => r.error ?? '', {
    id: 'error',
    header: 'Error',
    cell: (c) => (c.getValue() ? <span className="text-xs text-red-700">{c.getValue()}</span> : '—'),
  }),
];

export function RunsView({ data, canRun, start }: { data: RunsPageData; canRun: boolean; start: (input: unknown) => Promise<Result<BillingRunView>> }) {
  const router = useRouter();
  const [period, setPeriod] = useState(data.defaultPeriod);
  const [tenantSlug, setTenant] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [msg, setMsg] = useState<Result<BillingRunView> | null>(null);
  const [busy, setBusy] = useState(false);
  const names = new Map(data.tenants.map((t) => [t.id, t.name]));
  const tenantName = (id: string | null) => (id ? (names.get(id) ?? id) : 'All tenants');
  return (
    <div className="space-y-6">
      <AutoRefresh active={data.active} />
      {canRun ? (
        <Card>
          <CardHeader
            title="Run billing"
            description="Issues one invoice per tenant with usage in the month (idempotent: tenants already invoiced are skipped). Only months that have ended."
          />
          <CardBody>
            <form
              noValidate
              className="flex flex-wrap items-end gap-3"
              onSubmit={async (e) => {
                e.preventDefault();
                const input = { period, ...(tenantSlug ? { tenantSlug } : {}) };
                const p = startRunSchema.safeParse(input);
                if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
                setErrors({});
                setBusy(true);
                const r = await start(input);
                setBusy(false);
                setMsg(r);
                if (r.ok) router.refresh();
                else setErrors(r.fieldErrors ?? {});
              }}
            >
              <Field label="Month" errors={errors.period}>
                {(p) => (
                  <Select {...p} value={period} onChange={(e) => setPeriod(e.target.value)} options={data.periods.map((x) => ({ value: x, label: x }))} />
                )}
              </Field>
              <Field label="Tenant" errors={errors.tenantSlug}>
                {(p) => (
                  <Select
                    {...p}
                    value={tenantSlug}
                    onChange={(e) => setTenant(e.target.value)}
                    emptyLabel="All tenants"
                    options={data.tenants.map((t) => ({ value: t.slug, label: t.name }))}
                  />
                )}
              </Field>
              <Button type="submit" loading={busy}>
                Start billing run
              </Button>
            </form>
            <div className="mt-3">
              {msg && !msg.ok ? <FormError message={msg.message} /> : null}
              {msg?.ok ? <Alert tone="success">Billing run for {msg.data.period} started; progress updates below.</Alert> : null}
            </div>
          </CardBody>
        </Card>
      ) : null}
      <Card>
        <CardHeader title="Billing runs" description={data.active ? 'A run is in progress: this list refreshes every 2 seconds.' : undefined} />
        <CardBody>
          <DataTable
            data={data.runs}
            columns={runColumns(tenantName)}
            caption="Billing runs"
            testId="billing-runs-table"
            getRowId={(r) => r.id}
            csvFilename="radiant-billing-runs.csv"
            empty="No billing runs yet."
          />
        </CardBody>
      </Card>
    </div>
  );
}

// ---- invoices ---------------------------------------------------------------------------------

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
  period: z.string().regex(PERIOD, 'Use YYYY-MM').or(z.literal('')),
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
  markPaid: (input: unknown) => Promise<Result<{ id: string }>>;
  voidIt: (input: unknown) => Promise<Result<{ replacementId: string | null }>>;
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

// ---- periods ----------------------------------------------------------------------------------

const pc = columnHelper<PeriodSummary>();

export function PeriodsView({
  periods,
  canClose,
  propose,
}: {
  periods: PeriodSummary[];
  canClose: boolean;
  propose: (input: unknown) => Promise<Result<{ approvalId: string }>>;
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

// ---- reconciliation -------------------------------------------------------------------------

const re = columnHelper<ReconciliationEntryView>();
const entryColumns = [
  re.accessor('kind', { header: 'Kind', filterFn: exactFilter, cell: (c) => humanize(c.getValue()) }),
  re.accessor((r) => r.tenantName ?? '', { id: 'tenant', header: 'Tenant', cell: (c) => c.getValue() || '—' }),
  re.accessor((r) => r.providerId ?? '', { id: 'provider', header: 'Provider', cell: (c) => c.getValue() || '—' }),
  re.accessor('amount', { header: 'Amount', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money kind="small" value={c.getValue()} /> }),
  re.accessor('reason', { header: 'Reason' }),
  re.accessor('effectiveStatus', {
    header: 'Status',
    filterFn: exactFilter,
    cell: (c) =>
      c.row.original.approvalRequestId ? (
        <Link href={`/admin/approvals/${c.row.original.approvalRequestId}`}>
          <StatusBadge status={c.getValue()} />
        </Link>
      ) : (
        <StatusBadge status={c.getValue()} />
      ),
  }),
  re.accessor('createdAt', { header: 'When', cell: (c) => <LocalTime value={c.getValue()} /> }),
];
const pr = columnHelper<ProviderReconciliationRow>();
const providerColumns = [
  pr.accessor('providerName', { header: 'Provider' }),
  pr.accessor('meteredCost', {
    header: 'Metered cost',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money value={c.getValue()} kind="small" />,
  }),
  pr.accessor((r) => r.invoicedCost ?? '', {
    id: 'invoiced',
    header: 'Provider invoice',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? <Money value={c.getValue()} kind="small" /> : 'not imported'),
  }),
  pr.accessor((r) => r.difference ?? '', {
    id: 'diff',
    header: 'Difference',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? <Money value={c.getValue()} kind="small" /> : '—'),
  }),
  pr.accessor((r) => r.differencePercent ?? '', {
    id: 'diffPct',
    header: 'Difference %',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? formatPercent(c.getValue(), 2) : '—'),
  }),
  pr.accessor((r) => r.importedAt ?? '', { id: 'imported', header: 'Imported', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
];

export function ReconciliationView({
  data,
  canAdjust,
  create,
}: {
  data: ReconciliationPageData;
  canAdjust: boolean;
  create: (input: unknown) => Promise<Result<{ status: string; approvalId: string | null }>>;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const o = data.overview;
  const [f, setF] = useState({ tenantId: '', providerId: '', amount: '', reason: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [res, setRes] = useState<Result<{ status: string; approvalId: string | null }> | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-sm font-medium text-slate-800" htmlFor="rec-period">
          Period
        </label>
        <select
          id="rec-period"
          className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm"
          value={o.period}
          onChange={(e) => router.push(`${pathname}?period=${e.target.value}`)}
        >
          {data.periods.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </div>
      <StatGrid>
        <Stat label="Late usage" value={formatAmount(o.lateUsage.amount)} hint={`${o.lateUsage.entries} entries`} />
        <Stat label="Adjustments applied" value={formatAmount(o.adjustments.applied)} />
        <Stat label="Awaiting approval" value={formatAmount(o.adjustments.pending)} />
        <Stat label="Approval threshold" value={formatAmount(o.threshold)} hint="larger adjustments need a second admin" />
      </StatGrid>
      {canAdjust ? (
        <Card>
          <CardHeader
            title="New manual adjustment"
            description={`Up to ${formatAmount(o.threshold)} applies at once (admins); larger amounts go through approval.`}
          />
          <CardBody>
            <form
              noValidate
              className="grid items-end gap-3 md:grid-cols-5"
              onSubmit={async (e) => {
                e.preventDefault();
                const input = {
                  period: o.period,
                  amount: f.amount,
                  reason: f.reason,
                  ...(f.tenantId ? { tenantId: f.tenantId } : {}),
                  ...(f.providerId ? { providerId: f.providerId } : {}),
                };
                const p = adjustmentFormSchema.safeParse(input);
                if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
                setErrors({});
                setBusy(true);
                const r = await create(input);
                setBusy(false);
                setRes(r);
                if (r.ok) {
                  setF({ tenantId: '', providerId: '', amount: '', reason: '' });
                  router.refresh();
                } else setErrors(r.fieldErrors ?? {});
              }}
            >
              <Field label="Tenant" errors={errors.tenantId}>
                {(p) => (
                  <Select
                    {...p}
                    value={f.tenantId}
                    onChange={set('tenantId')}
                    emptyLabel="—"
                    options={data.tenants.map((t) => ({ value: t.id, label: t.name }))}
                  />
                )}
              </Field>
              <Field label="Provider" errors={errors.providerId}>
                {(p) => (
                  <Select
                    {...p}
                    value={f.providerId}
                    onChange={set('providerId')}
                    emptyLabel="—"
                    options={data.providers.map((t) => ({ value: t.id, label: t.name }))}
                  />
                )}
              </Field>
              <Field label="Amount (USD)" errors={errors.amount}>
                {(p) => <Input {...p} inputMode="decimal" value={f.amount} onChange={set('amount')} />}
              </Field>
              <Field label="Reason" errors={errors.reason}>
                {(p) => <Input {...p} value={f.reason} onChange={set('reason')} />}
              </Field>
              <Button type="submit" loading={busy}>
                Record adjustment
              </Button>
            </form>
            <div className="mt-3">
              {res && !res.ok ? <FormError message={res.message} /> : null}
              {res?.ok ? (
                <Alert tone="success">
                  {res.data.approvalId ? (
                    <>
                      Over the threshold:{' '}
                      <Link className="underline" href={`/admin/approvals/${res.data.approvalId}`}>
                        sent for approval
                      </Link>
                      .
                    </>
                  ) : (
                    'Adjustment applied.'
                  )}
                </Alert>
              ) : null}
            </div>
          </CardBody>
        </Card>
      ) : null}
      <Card>
        <CardHeader title="Provider invoices vs metered cost" />
        <CardBody>
          <DataTable
            data={o.providers}
            columns={providerColumns}
            caption="Provider reconciliation"
            getRowId={(r) => r.providerId}
            csvFilename={`radiant-provider-reconciliation-${o.period}.csv`}
            empty="No provider cost in this period."
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Entries" />
        <CardBody>
          <DataTable
            data={o.entries}
            columns={entryColumns}
            caption="Reconciliation entries"
            getRowId={(r) => r.id}
            csvFilename={`radiant-reconciliation-${o.period}.csv`}
            facets={[{ columnId: 'kind', label: 'Kind' }]}
            empty="No reconciliation entries for this period."
          />
        </CardBody>
      </Card>
    </div>
  );
}

// ---- exports ----------------------------------------------------------------------------------

const exportFormSchema = z.object({
  type: z.enum(['invoices', 'revenue', 'cost', 'margin']),
  period: z.string().regex(PERIOD, 'Choose a month'),
  groupBy: z.enum(['provider', 'model', 'tenant']),
});
const xc = columnHelper<ExportLogView>();
const exportColumns = [
  xc.accessor('createdAt', { header: 'When', cell: (c) => <LocalTime value={c.getValue()} /> }),
  xc.accessor('exportType', { header: 'Type', filterFn: exactFilter }),
  xc.accessor((r) => r.period ?? '', { id: 'period', header: 'Period' }),
  xc.accessor('rowCount', { header: 'Rows', meta: { align: 'right' } }),
  xc.accessor((r) => r.exportedByEmail ?? 'system', { id: 'by', header: 'By' }),
  xc.accessor('checksum', { header: 'SHA-256', cell: (c) => <code className="text-xs">{c.getValue().slice(0, 16)}…</code> }),
];

export function ExportsView({ log, periods, defaultPeriod }: { log: ExportLogView[]; periods: string[]; defaultPeriod: string }) {
  const router = useRouter();
  const [f, setF] = useState({ type: 'invoices', period: defaultPeriod, groupBy: 'provider' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const href = `/api/admin/exports/${f.type}.csv?period=${encodeURIComponent(f.period)}${f.type === 'margin' ? `&groupBy=${f.groupBy}` : ''}`;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="New export" description="CSV for accountants. Every export is logged with its row count and checksum." />
        <CardBody>
          <form
            noValidate
            className="flex flex-wrap items-end gap-3"
            onSubmit={(e) => {
              e.preventDefault();
              const p = exportFormSchema.safeParse(f);
              if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
              setErrors({});
              window.location.href = href;
              setTimeout(() => router.refresh(), 1500);
            }}
          >
            <Field label="Type" errors={errors.type}>
              {(p) => (
                <Select
                  {...p}
                  value={f.type}
                  onChange={(e) => setF((s) => ({ ...s, type: e.target.value }))}
                  options={['invoices', 'revenue', 'cost', 'margin'].map((v) => ({ value: v, label: humanize(v) }))}
                />
              )}
            </Field>
            <Field label="Period" errors={errors.period}>
              {(p) => (
                <Select
                  {...p}
                  value={f.period}
                  onChange={(e) => setF((s) => ({ ...s, period: e.target.value }))}
                  options={periods.map((v) => ({ value: v, label: v }))}
                />
              )}
            </Field>
            {f.type === 'margin' ? (
              <Field label="Group by" errors={errors.groupBy}>
                {(p) => (
                  <Select
                    {...p}
                    value={f.groupBy}
                    onChange={(e) => setF((s) => ({ ...s, groupBy: e.target.value }))}
                    options={['provider', 'model', 'tenant'].map((v) => ({ value: v, label: humanize(v) }))}
                  />
                )}
              </Field>
            ) : null}
            <Button type="submit">Download CSV</Button>
          </form>
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Export log" />
        <CardBody>
          <DataTable
            data={log}
            columns={exportColumns}
            caption="Export log"
            testId="exports-table"
            getRowId={(r) => r.id}
            csvFilename="radiant-export-log.csv"
            facets={[{ columnId: 'exportType', label: 'Type' }]}
            empty="Nothing exported yet."
          />
        </CardBody>
      </Card>
    </div>
  );
}

// ---- margin report ----------------------------------------------------------------------------

const mc = columnHelper<MarginRow>();
const marginColumns = [
  mc.accessor('label', { header: 'Name', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  mc.accessor('requests', { header: 'Requests', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  mc.accessor('revenue', { header: 'Revenue', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
  mc.accessor('cost', { header: 'Cost', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
  mc.accessor('margin', { header: 'Margin', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} /> }),
  mc.accessor('marginPercent', { header: 'Margin %', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => formatPercent(c.getValue()) }),
  mc.accessor((r) => r.effectiveMarkupPercent ?? '', {
    id: 'markup',
    header: 'Effective markup',
    meta: { align: 'right', label: 'Effective markup %' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? formatPercent(c.getValue()) : '—'),
  }),
];

export function MarginView({ report, periods, groups }: { report: MarginReport; periods: string[]; groups: readonly string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const go = (period: string, groupBy: string) => router.push(`${pathname}?period=${period}&groupBy=${groupBy}`);
  const t = report.totals;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label className="block text-xs font-medium text-slate-700" htmlFor="m-period">
            Period
          </label>
          <select
            id="m-period"
            className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm"
            value={report.period}
            onChange={(e) => go(e.target.value, report.groupBy)}
          >
            {periods.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </div>
        <div>
          <label className="block text-xs font-medium text-slate-700" htmlFor="m-group">
            Group by
          </label>
          <select
            id="m-group"
            className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm"
            value={report.groupBy}
            onChange={(e) => go(report.period, e.target.value)}
          >
            {groups.map((g) => (
              <option key={g} value={g}>
                {humanize(g)}
              </option>
            ))}
          </select>
        </div>
        <a className={buttonClasses('secondary', 'md', 'ml-auto')} href={`/api/admin/exports/margin.csv?period=${report.period}&groupBy=${report.groupBy}`}>
          Export CSV (logged)
        </a>
      </div>
      <StatGrid>
        <Stat label="Revenue" value={formatAmount(t.revenue)} hint={`${formatCount(t.requests)} requests`} />
        <Stat label="Cost" value={formatAmount(t.cost)} />
        <Stat label="Margin" value={formatAmount(t.margin)} hint={`${formatPercent(t.marginPercent)} of revenue`} />
        <Stat label="Net margin" value={formatAmount(report.netMargin)} hint="after other revenue and costs" />
      </StatGrid>
      {report.books && !report.books.matchesUsage ? (
        <Alert tone="warning">The books for this period do not match metered usage yet (run the rollup or billing).</Alert>
      ) : null}
      <Card>
        <CardBody>
          <BarChart
            title={`Revenue and margin by ${report.groupBy}`}
            data={report.rows.slice(0, 15).map((r) => ({ name: r.label, revenue: displayNumber(r.revenue), margin: displayNumber(r.margin) }))}
            xKey="name"
            horizontal
            height={Math.max(200, Math.min(15, report.rows.length) * 28)}
            series={[
              { key: 'revenue', label: 'Revenue' },
              { key: 'margin', label: 'Margin', color: '#059669' },
            ]}
          />
        </CardBody>
      </Card>
      <DataTable
        data={report.rows}
        columns={marginColumns}
        caption={`Margin by ${report.groupBy}, ${report.period}`}
        testId="margin-table"
        getRowId={(r) => r.key}
        csvFilename={`radiant-margin-${report.groupBy}-${report.period}.csv`}
        empty="No metered usage booked to this period."
      />
      <Card>
        <CardHeader title="Books" />
        <CardBody>
          <DescriptionList
            items={[
              ...(report.books
                ? [
                    { label: 'AI usage revenue (books)', value: <Money value={report.books.aiUsageRevenue} /> },
                    { label: 'Markup part', value: <Money value={report.books.markupAmount} /> },
                    { label: 'Provider usage cost (books)', value: <Money value={report.books.providerUsageCost} /> },
                  ]
                : []),
              ...(report.usageEvents
                ? [
                    {
                      label: 'Metered events booked',
                      value: (
                        <>
                          {report.usageEvents.events} events · <Money value={report.usageEvents.revenue} />
                          {report.usageEvents.matches ? ' (matches)' : ' (differs)'}
                        </>
                      ),
                    },
                  ]
                : []),
              { label: 'Other revenue', value: <Money value={report.otherRevenue.total} /> },
              { label: 'Other cost', value: <Money value={report.otherCost.total} /> },
              {
                label: 'Invoiced total',
                value: (
                  <>
                    {report.invoiced.invoices} invoices · <Money value={report.invoiced.total} />
                  </>
                ),
              },
              { label: 'Late usage', value: <Money value={report.reconciliation.lateUsage} /> },
              {
                label: 'Manual adjustments',
                value: (
                  <>
                    <Money value={report.reconciliation.manualAdjustmentsApplied} /> applied, <Money value={report.reconciliation.manualAdjustmentsPending} />{' '}
                    pending
                  </>
                ),
              },
            ]}
          />
        </CardBody>
      </Card>
    </div>
  );
}
