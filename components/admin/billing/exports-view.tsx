'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { z } from 'zod';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { ExportLogView } from '@/lib/billing/exports';
import { columnHelper, DataTable, exactFilter } from '../../data-table/data-table';
import { Button } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Field, Select } from '../../ui/field';
import { humanize } from '../../ui/format';
import { LocalTime } from '../../ui/time';
import { PERIOD_RE } from '@/lib/platform/schemas';

const exportFormSchema = z.object({
  type: z.enum(['invoices', 'revenue', 'cost', 'margin']),
  period: z.string().regex(PERIOD_RE, 'Choose a month'),
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
