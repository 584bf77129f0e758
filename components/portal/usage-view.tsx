'use client';

import Link from 'next/link';
import type { PortalUsage } from '@/lib/portal-views/usage';
import { BarChart, TimeSeriesChart } from '../charts/charts';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../data-table/data-table';
import { StatusBadge } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ProgressBar } from '../ui/feedback';
import { displayNumber, formatAmount, formatCount } from '../ui/format';
import { Money } from '../ui/money';
import { Stat, StatGrid } from '../ui/page';
import { LocalTime } from '../ui/time';

type Recent = PortalUsage['recent'][number];
type ByModel = PortalUsage['byModel'][number];

const rc = columnHelper<Recent>();
const recentColumns = [
  rc.accessor('at', { header: 'Time', cell: (c) => <LocalTime value={c.getValue()} /> }),
  rc.accessor('model', { header: 'Model', filterFn: exactFilter }),
  rc.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  rc.accessor('inputTokens', { header: 'In tokens', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  rc.accessor('outputTokens', { header: 'Out tokens', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  rc.accessor('price', { header: 'Price', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money kind="small" value={c.getValue()} /> }),
  rc.accessor('requestId', { header: 'Request id', cell: (c) => <code className="text-xs">{c.getValue()}</code> }),
];
const mc = columnHelper<ByModel>();
const modelColumns = [
  mc.accessor('displayName', { header: 'Model', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  mc.accessor('model', { header: 'API name', cell: (c) => <code className="text-xs">{c.getValue()}</code> }),
  mc.accessor('requests', { header: 'Requests', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  mc.accessor('tokens', { header: 'Tokens', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  mc.accessor('spend', { header: 'Spend', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} kind="small" /> }),
];

export function BudgetCard({ usage }: { usage: PortalUsage }) {
  const b = usage.budget;
  return (
    <Card>
      <CardHeader title="Monthly budget" description="Spend this calendar month (UTC) against your cap" />
      <CardBody className="space-y-3">
        {b ? (
          <>
            <ProgressBar
              value={Math.min(100, Math.round(b.usedPercent))}
              max={100}
              label="Budget used"
              valueText={`${b.usedPercent}% of ${formatAmount(b.monthly, usage.currency)}`}
            />
            <p className="text-sm text-slate-700">
              <strong>{formatAmount(b.remaining, usage.currency)}</strong> left of {formatAmount(b.monthly, usage.currency)}.
            </p>
          </>
        ) : (
          <p className="text-sm text-slate-700">No monthly cap is set for your organisation.</p>
        )}
      </CardBody>
    </Card>
  );
}

export function PortalUsageView({ usage }: { usage: PortalUsage }) {
  const daily = usage.daily.map((d) => ({ day: d.day, spend: displayNumber(d.spend), requests: d.requests, tokens: d.tokens }));
  const m = usage.monthToDate;
  return (
    <div className="space-y-6">
      <StatGrid>
        <Stat label="Spend this month" value={formatAmount(m.spend, usage.currency)} />
        <Stat label="Requests this month" value={formatCount(m.requests)} />
        <Stat
          label="Tokens this month"
          value={formatCount(m.inputTokens + m.outputTokens)}
          hint={`${formatCount(m.inputTokens)} in · ${formatCount(m.outputTokens)} out`}
        />
        <Stat
          label="Budget left"
          value={usage.budget ? formatAmount(usage.budget.remaining, usage.currency) : 'no cap'}
          tone={usage.budget && usage.budget.usedPercent >= 90 ? 'warn' : undefined}
        />
      </StatGrid>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardBody>
            <TimeSeriesChart title={`Spend per day (last ${usage.rangeDays} days)`} data={daily} xKey="day" series={[{ key: 'spend', label: 'Spend' }]} />
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
        <CardHeader title="By model" description={`Last ${usage.rangeDays} days`} />
        <CardBody>
          <DataTable
            data={usage.byModel}
            columns={modelColumns}
            caption="Usage by model"
            getRowId={(r) => r.model}
            csvFilename="radiant-usage-by-model.csv"
            empty="No usage yet."
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Recent requests"
          description="The latest 200"
          actions={
            <Link className="text-sm text-brand-700 underline" href="/portal/keys">
              API keys
            </Link>
          }
        />
        <CardBody>
          <DataTable
            data={usage.recent}
            columns={recentColumns}
            caption="Recent requests"
            testId="portal-recent-table"
            getRowId={(r) => r.requestId}
            csvFilename="radiant-recent-requests.csv"
            initialColumnVisibility={{ requestId: false }}
            facets={[{ columnId: 'status', label: 'Status' }]}
            empty="No requests yet. Create an API key and call the gateway."
          />
        </CardBody>
      </Card>
    </div>
  );
}
