'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { ReconciliationPageData } from '@/lib/admin-views/billing';
import type { ProviderReconciliationRow, ReconciliationEntryView } from '@/lib/billing/reconciliation';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../../data-table/data-table';
import { StatusBadge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Alert } from '../../ui/feedback';
import { Field, FormError, Input, Select } from '../../ui/field';
import { formatAmount, formatPercent, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { Stat, StatGrid } from '../../ui/page';
import { LocalTime } from '../../ui/time';
import { adjustmentFormSchema } from '@/lib/admin-views/billing-schemas';

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
  create: (input: unknown) => Promise<ActionResult<{ status: string; approvalId: string | null }>>;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const o = data.overview;
  const [f, setF] = useState({ tenantId: '', providerId: '', amount: '', reason: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [res, setRes] = useState<ActionResult<{ status: string; approvalId: string | null }> | null>(null);
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
