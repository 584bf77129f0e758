'use client';

/** The portal's usage screens: a month's figures (from the rollups) and its single requests (a
 * server-side keyset list, filterable by API key, model and status). Prices only. */
import Link from 'next/link';
import type { Page } from '@/lib/lists/keyset';
import type { PortalUsage, PortalUsageEvent } from '@/lib/portal-views/usage';
import { BarChart, TimeSeriesChart } from '../charts/charts';
import { columnHelper, DataTable, decimalSort } from '../data-table/data-table';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { StatusBadge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ProgressBar } from '../ui/feedback';
import { displayNumber, formatAmount, formatCount } from '../ui/format';
import { Money } from '../ui/money';
import { Stat, StatGrid } from '../ui/page';
import { LocalTime } from '../ui/time';

type ByModel = PortalUsage['byModel'][number];

export function BudgetCard({ usage }: { usage: PortalUsage }) {
  const b = usage.budget;
  return (
    <Card>
      <CardHeader title="Monthly budget" description={`Spend in ${usage.period} (UTC) against your cap`} />
      <CardBody className="space-y-3">
        {b.monthlyBudget !== null ? (
          <>
            <ProgressBar
              value={Math.min(100, Math.round(b.percentUsed ?? 100))}
              max={100}
              label="Budget used"
              valueText={`${b.percentUsed ?? 100}% of ${formatAmount(b.monthlyBudget, usage.currency)}`}
            />
            <p className="text-sm text-slate-700">
              <strong>{formatAmount(b.remaining ?? '0', usage.currency)}</strong> left of {formatAmount(b.monthlyBudget, usage.currency)}.
            </p>
          </>
        ) : (
          <p className="text-sm text-slate-700">No monthly cap is set for your organisation.</p>
        )}
      </CardBody>
    </Card>
  );
}

/** Link to the requests behind a figure (invoice lines and the by-model table use it). */
export function usageHref(period: string, modelId?: string | null): string {
  const sp = new URLSearchParams({ period });
  if (modelId) sp.set('model', modelId);
  return `/portal/usage?${sp.toString()}#requests`;
}

export function PortalUsageView({ usage }: { usage: PortalUsage }) {
  const daily = usage.byDay.map((d) => ({ day: d.date, spend: displayNumber(d.spend), requests: d.requests, tokens: d.tokens }));
  const t = usage.totals;
  const mc = columnHelper<ByModel>();
  const modelColumns = [
    mc.accessor('displayName', {
      header: 'Model',
      cell: (c) => (
        <Link className="font-medium text-brand-700 hover:underline" href={usageHref(usage.period, c.row.original.modelId)}>
          {c.getValue()}
        </Link>
      ),
    }),
    mc.accessor('model', { header: 'API name', cell: (c) => <code className="text-xs">{c.getValue()}</code> }),
    mc.accessor('requests', { header: 'Requests', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
    mc.accessor('totalTokens', { header: 'Tokens', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
    mc.accessor('spend', { header: 'Spend', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} kind="small" /> }),
  ];
  return (
    <div className="space-y-6">
      <StatGrid>
        <Stat label={`Spend in ${usage.period}`} value={formatAmount(t.spend, usage.currency)} />
        <Stat label="Requests" value={formatCount(t.requests)} />
        <Stat label="Tokens" value={formatCount(t.totalTokens)} hint={`${formatCount(t.inputTokens)} in · ${formatCount(t.outputTokens)} out`} />
        <Stat
          label="Budget left"
          value={usage.budget.remaining !== null ? formatAmount(usage.budget.remaining, usage.currency) : 'no cap'}
          tone={(usage.budget.percentUsed ?? 0) >= 90 ? 'warn' : undefined}
        />
      </StatGrid>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardBody>
            <TimeSeriesChart title={`Spend per day (${usage.period})`} data={daily} xKey="day" series={[{ key: 'spend', label: 'Spend' }]} />
          </CardBody>
        </Card>
        <BudgetCard usage={usage} />
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardBody>
            <BarChart
              title="Spend by model"
              data={usage.byModel.slice(0, 10).map((x) => ({ model: x.displayName, spend: displayNumber(x.spend) }))}
              xKey="model"
              horizontal
              height={Math.max(200, Math.min(10, usage.byModel.length) * 30)}
              series={[{ key: 'spend', label: 'Spend' }]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <BarChart title="Requests per day" data={daily} xKey="day" format="count" series={[{ key: 'requests', label: 'Requests' }]} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="By model" description={usage.period} />
        <CardBody>
          <DataTable
            data={usage.byModel}
            columns={modelColumns}
            caption="Usage by model"
            getRowId={(r) => r.modelId}
            csvFilename={`radiant-usage-by-model-${usage.period}.csv`}
            empty="No usage in this month."
          />
        </CardBody>
      </Card>
    </div>
  );
}

/** The month's single requests, one keyset page at a time (filters and sort in the URL). */
export function UsageEventsTable({ page, sort, dir, csvHref }: { page: Page<PortalUsageEvent>; sort: string; dir: 'asc' | 'desc'; csvHref: string }) {
  const c = serverColumnHelper<PortalUsageEvent>();
  const columns = [
    c.accessor('at', { header: 'Time', meta: { priority: 1, sortKey: 'time' }, cell: (x) => <LocalTime value={x.getValue()} /> }),
    c.accessor((r) => r.keyName ?? '', { id: 'key', header: 'Key', meta: { priority: 3 }, cell: (x) => x.getValue() || '—' }),
    c.accessor('model', { header: 'Model', meta: { priority: 2 }, cell: (x) => <span className="break-all">{x.getValue()}</span> }),
    c.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (x) => <StatusBadge status={x.getValue()} /> }),
    c.accessor('inputTokens', {
      header: 'Tokens',
      meta: { align: 'right', priority: 3 },
      cell: (x) => `${formatCount(x.getValue())} in · ${formatCount(x.row.original.outputTokens)} out`,
    }),
    c.accessor('price', { header: 'Price', meta: { align: 'right', priority: 1, sortKey: 'price' }, cell: (x) => <Money value={x.getValue()} kind="small" /> }),
  ];
  return (
    <ServerTable
      rows={page.rows}
      columns={columns}
      caption="Requests"
      testId="portal-usage-events"
      getRowId={(r) => r.id}
      next={page.next}
      sort={sort}
      dir={dir}
      csvHref={csvHref}
      empty="No requests match. Create an API key and call the gateway."
    />
  );
}
