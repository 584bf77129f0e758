'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import { usageFiltersSchema, USAGE_STATUS_VALUES } from '@/lib/admin-views/schemas';
import type { UsageEventRow, UsageExplorerData } from '@/lib/admin-views/usage';
import { BarChart, TimeSeriesChart } from '../charts/charts';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { StatusBadge } from '../ui/badge';
import { Button, buttonClasses } from '../ui/button';
import { Card, CardBody } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { displayNumber, formatAmount, formatCount, formatPercent } from '../ui/format';
import { Money } from '../ui/money';
import { Stat, StatGrid } from '../ui/page';
import { LocalTime } from '../ui/time';

function eventColumns() {
  const e = serverColumnHelper<UsageEventRow>();
  return [
    e.accessor('createdAt', { header: 'Time', meta: { priority: 1 }, cell: (c) => <LocalTime value={c.getValue()} /> }),
    e.accessor('tenant', { header: 'Tenant', meta: { priority: 2 } }),
    e.accessor('model', { header: 'Model', meta: { priority: 2 } }),
    e.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    e.accessor('inputTokens', {
      header: 'Tokens',
      meta: { align: 'right', priority: 3 },
      cell: (c) => `${formatCount(c.getValue())} in · ${formatCount(c.row.original.outputTokens)} out`,
    }),
    e.accessor('cost', { header: 'Cost', meta: { align: 'right', priority: 3 }, cell: (c) => <Money kind="small" value={c.getValue()} /> }),
    e.accessor('markupPercent', { header: 'Markup', meta: { align: 'right', priority: 3 }, cell: (c) => `${c.getValue()}%` }),
    e.accessor('price', { header: 'Price', meta: { align: 'right', priority: 1 }, cell: (c) => <Money kind="small" value={c.getValue()} /> }),
    e.accessor('margin', { header: 'Margin', meta: { align: 'right', priority: 2 }, cell: (c) => <Money kind="small" value={c.getValue()} /> }),
    e.accessor((r) => r.latencyMs ?? '', {
      id: 'latency',
      header: 'Latency',
      meta: { align: 'right', priority: 3 },
      cell: (c) => (c.getValue() === '' ? '—' : `${formatCount(c.getValue())} ms`),
    }),
  ];
}

export function UsageExplorer({ data }: { data: UsageExplorerData }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, start] = useTransition();
  const f = data.filters;
  const [form, setForm] = useState({
    tenantId: f.tenantId ?? '',
    modelId: f.modelId ?? '',
    providerId: f.providerId ?? '',
    status: f.status ?? '',
    from: f.from,
    to: f.to,
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const set = (k: keyof typeof form) => (ev: { target: { value: string } }) => setForm((s) => ({ ...s, [k]: ev.target.value }));

  const query = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== '') as Array<[string, string]>).toString();
  const appliedQuery = new URLSearchParams(
    Object.entries({ tenantId: f.tenantId, modelId: f.modelId, providerId: f.providerId, status: f.status, from: f.from, to: f.to }).filter(
      (kv): kv is [string, string] => typeof kv[1] === 'string' && kv[1] !== '',
    ),
  ).toString();
  const daily = data.daily.map((d) => ({
    day: d.day,
    revenue: displayNumber(d.revenue),
    cost: displayNumber(d.cost),
    requests: d.requests,
    errors: d.errors,
    tokens: d.tokens,
  }));
  const t = data.totals;

  return (
    <div className="space-y-6">
      <Card>
        <CardBody>
          <form
            noValidate
            aria-label="Usage filters"
            className="grid items-start gap-3 sm:grid-cols-2 lg:grid-cols-4"
            onSubmit={(ev) => {
              ev.preventDefault();
              const p = usageFiltersSchema.safeParse(form);
              if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
              setErrors({});
              start(() => router.push(`${pathname}?${query}`));
            }}
          >
            <Field label="Tenant" errors={errors.tenantId}>
              {(p) => (
                <Select
                  {...p}
                  value={form.tenantId}
                  onChange={set('tenantId')}
                  emptyLabel="All tenants"
                  options={data.options.tenants.map((o) => ({ value: o.id, label: o.name }))}
                />
              )}
            </Field>
            <Field label="Model" errors={errors.modelId}>
              {(p) => (
                <Select
                  {...p}
                  value={form.modelId}
                  onChange={set('modelId')}
                  emptyLabel="All models"
                  options={data.options.models.map((o) => ({ value: o.id, label: o.name }))}
                />
              )}
            </Field>
            <Field label="Provider" errors={errors.providerId}>
              {(p) => (
                <Select
                  {...p}
                  value={form.providerId}
                  onChange={set('providerId')}
                  emptyLabel="All providers"
                  options={data.options.providers.map((o) => ({ value: o.id, label: o.name }))}
                />
              )}
            </Field>
            <Field label="Status" errors={errors.status}>
              {(p) => (
                <Select
                  {...p}
                  value={form.status}
                  onChange={set('status')}
                  emptyLabel="Any status"
                  options={USAGE_STATUS_VALUES.map((s) => ({ value: s, label: s }))}
                />
              )}
            </Field>
            <Field label="From (UTC day)" errors={errors.from}>
              {(p) => <Input {...p} type="date" value={form.from} onChange={set('from')} />}
            </Field>
            <Field label="To (UTC day)" errors={errors.to}>
              {(p) => <Input {...p} type="date" value={form.to} onChange={set('to')} />}
            </Field>
            <div className="flex items-end gap-2 self-end">
              <Button type="submit" loading={pending}>
                Apply
              </Button>
              <a className={buttonClasses('secondary')} href={`${pathname}/export?${appliedQuery}`} download>
                Full CSV
              </a>
            </div>
          </form>
        </CardBody>
      </Card>

      <StatGrid className="lg:grid-cols-5">
        <Stat
          label="Requests"
          value={formatCount(t.requests)}
          hint={`${formatCount(t.errors)} errors (${formatPercent(t.requests ? String((t.errors / t.requests) * 100) : '0')})`}
        />
        <Stat
          label="Tokens"
          value={formatCount(t.inputTokens + t.outputTokens)}
          hint={`${formatCount(t.inputTokens)} in · ${formatCount(t.outputTokens)} out`}
        />
        <Stat label="Revenue" value={formatAmount(t.revenue)} />
        <Stat label="Cost" value={formatAmount(t.cost)} />
        <Stat label="Margin" value={formatAmount(t.margin)} />
      </StatGrid>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardBody>
            <TimeSeriesChart
              title="Revenue and cost per day"
              data={daily}
              xKey="day"
              series={[
                { key: 'revenue', label: 'Revenue' },
                { key: 'cost', label: 'Cost', color: '#d97706' },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <BarChart
              title="Requests and errors per day"
              data={daily}
              xKey="day"
              format="count"
              stacked
              series={[
                { key: 'requests', label: 'Requests' },
                { key: 'errors', label: 'Errors', color: '#dc2626' },
              ]}
            />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardBody>
          <BarChart
            title="Revenue by model"
            data={data.byModel.slice(0, 12).map((m) => ({ model: m.model, revenue: displayNumber(m.revenue), cost: displayNumber(m.cost) }))}
            xKey="model"
            horizontal
            height={Math.max(200, Math.min(12, data.byModel.length) * 30)}
            series={[
              { key: 'revenue', label: 'Revenue' },
              { key: 'cost', label: 'Cost', color: '#d97706' },
            ]}
          />
        </CardBody>
      </Card>

      <ServerTable
        rows={data.events.rows}
        columns={eventColumns()}
        caption="Requests"
        testId="usage-table"
        getRowId={(r) => r.id}
        next={data.events.next}
        csvHref={`/admin/usage/export?${appliedQuery}`}
        empty="No requests match these filters."
      />
    </div>
  );
}
