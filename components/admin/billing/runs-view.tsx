'use client';

import { useState } from 'react';
import { useActionForm } from '../../forms/use-action-form';
import type { ActionResult } from '@/lib/http/action-result';
import type { RunsPageData } from '@/lib/admin-views/billing';
import type { BillingRunView } from '@/lib/billing/runs';
import { columnHelper, DataTable, exactFilter } from '../../data-table/data-table';
import { StatusBadge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Alert, ProgressBar } from '../../ui/feedback';
import { Field, FormError, Select } from '../../ui/field';
import { TenantSlugInput } from '../tenant-picker';
import { LocalTime } from '../../ui/time';
import { AutoRefresh } from '../billing-nav';
import { startRunSchema } from '@/lib/admin-views/billing-schemas';

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

export function RunsView({ data, canRun, start }: { data: RunsPageData; canRun: boolean; start: (input: unknown) => Promise<ActionResult<BillingRunView>> }) {
  const [period, setPeriod] = useState(data.defaultPeriod);
  const [tenantSlug, setTenant] = useState('');
  const { errors, result: msg, busy, submit } = useActionForm(startRunSchema, start);
  const names = new Map(data.tenantNames.map((t) => [t.id, t.name]));
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
                await submit({ period, ...(tenantSlug ? { tenantSlug } : {}) });
              }}
            >
              <Field label="Month" errors={errors.period}>
                {(p) => (
                  <Select {...p} value={period} onChange={(e) => setPeriod(e.target.value)} options={data.periods.map((x) => ({ value: x, label: x }))} />
                )}
              </Field>
              <Field label="Tenant" errors={errors.tenantSlug} hint="Empty: every tenant">
                {(p) => <TenantSlugInput {...p} value={tenantSlug} onChange={setTenant} />}
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
