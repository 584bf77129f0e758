'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { DashboardData, Granularity } from '@/lib/admin-views/dashboard';
import { BarChart, TimeSeriesChart } from '../charts/charts';
import { Badge, statusTone } from '../ui/badge';
import { Card, CardBody, CardHeader } from '../ui/card';
import { formatAmount, formatCount, formatPercent, displayNumber } from '../ui/format';
import { Money } from '../ui/money';
import { Stat, StatGrid } from '../ui/page';
import { SegmentedControl } from '../ui/tabs';
import { LocalTime } from '../ui/time';

const GRAN: Array<{ value: Granularity; label: string }> = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

export function DashboardView({ data, showApprovals }: { data: DashboardData; showApprovals: boolean }) {
  const [g, setG] = useState<Granularity>('day');
  const series = data.series[g].map((p) => ({
    bucket: p.bucket,
    revenue: displayNumber(p.revenue),
    cost: displayNumber(p.cost),
    margin: displayNumber(p.margin),
    requests: p.requests,
    errors: p.errors,
    errorRate: p.requests ? (p.errors / p.requests) * 100 : 0,
  }));
  const t = data.totals;
  const toggle = <SegmentedControl label="Group by" options={GRAN} value={g} onChange={(v) => setG(v as Granularity)} />;

  return (
    <div className="space-y-6">
      <StatGrid className="lg:grid-cols-6">
        <Stat label="Revenue" value={formatAmount(t.revenue)} hint={`last ${data.rangeDays} days`} />
        <Stat label="Cost" value={formatAmount(t.cost)} />
        <Stat label="Margin" value={formatAmount(t.margin)} tone={t.margin.startsWith('-') ? 'bad' : 'good'} />
        <Stat label="Margin %" value={formatPercent(t.marginPercent)} hint="of revenue" />
        <Stat label="Requests" value={formatCount(t.requests)} />
        <Stat
          label="Error rate"
          value={formatPercent(t.errorRatePercent, 2)}
          tone={Number(t.errorRatePercent) > 5 ? 'bad' : undefined}
          hint={`${formatCount(t.errors)} errors`}
        />
      </StatGrid>

      <Card>
        <CardBody>
          <TimeSeriesChart
            title="Revenue, cost and margin"
            description={`Per ${g}, in USD`}
            data={series}
            xKey="bucket"
            series={[
              { key: 'revenue', label: 'Revenue' },
              { key: 'cost', label: 'Cost', color: '#d97706' },
              { key: 'margin', label: 'Margin', color: '#059669' },
            ]}
            actions={toggle}
          />
        </CardBody>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardBody>
            <BarChart
              title="Requests and errors"
              description={`Per ${g}`}
              data={series}
              xKey="bucket"
              format="count"
              stacked
              series={[
                { key: 'requests', label: 'Requests' },
                { key: 'errors', label: 'Errors', color: '#dc2626' },
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardBody>
            <BarChart
              title="Top models by revenue"
              data={data.topModels.map((m) => ({ model: m.displayName, revenue: displayNumber(m.revenue), margin: displayNumber(m.margin) }))}
              xKey="model"
              horizontal
              series={[
                { key: 'revenue', label: 'Revenue' },
                { key: 'margin', label: 'Margin', color: '#059669' },
              ]}
            />
          </CardBody>
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader
            title="Top tenants by revenue"
            actions={
              <Link className="text-sm text-brand-700 underline" href="/admin/tenants">
                All tenants
              </Link>
            }
          />
          <CardBody className="p-0">
            <ul className="divide-y divide-slate-100">
              {data.topTenants.length === 0 ? <li className="px-5 py-4 text-sm text-slate-600">No usage yet.</li> : null}
              {data.topTenants.map((tn) => (
                <li key={tn.tenantId} className="flex items-center justify-between gap-2 px-5 py-2.5 text-sm">
                  <Link href={`/admin/tenants/${tn.tenantId}`} className="font-medium text-slate-900 hover:underline">
                    {tn.name}
                  </Link>
                  <span className="text-right">
                    <Money value={tn.revenue} />
                    <span className="block text-xs text-slate-600">{formatCount(tn.requests)} requests</span>
                  </span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Estimated-cost alerts"
            description={`${data.alerts.open} open`}
            actions={
              <Link className="text-sm text-brand-700 underline" href="/admin/alerts">
                Review
              </Link>
            }
          />
          <CardBody className="space-y-3">
            <div className="flex flex-wrap gap-2">
              <Badge tone="danger">{data.alerts.bySeverity.critical} critical</Badge>
              <Badge tone="warning">{data.alerts.bySeverity.warning} warning</Badge>
              <Badge tone="info">{data.alerts.bySeverity.info} info</Badge>
            </div>
            <ul className="space-y-1.5 text-sm">
              {data.alerts.latest.map((a) => (
                <li key={a.id} className="flex items-center justify-between gap-2">
                  <span className="truncate">{a.modelName}</span>
                  <Badge tone={statusTone(a.severity)}>{a.severity}</Badge>
                </li>
              ))}
              {data.alerts.latest.length === 0 ? <li className="text-slate-600">No open alerts.</li> : null}
            </ul>
          </CardBody>
        </Card>
        {showApprovals ? (
          <Card>
            <CardHeader
              title="Pending approvals"
              description={`${data.approvals.pending} waiting`}
              actions={
                <Link className="text-sm text-brand-700 underline" href="/admin/approvals">
                  Open queue
                </Link>
              }
            />
            <CardBody className="p-0">
              <ul className="divide-y divide-slate-100">
                {data.approvals.latest.length === 0 ? <li className="px-5 py-4 text-sm text-slate-600">Nothing waiting.</li> : null}
                {data.approvals.latest.map((a) => (
                  <li key={a.id} className="px-5 py-2.5 text-sm">
                    <Link href={`/admin/approvals/${a.id}`} className="font-medium text-slate-900 hover:underline">
                      {a.title}
                    </Link>
                    <p className="mt-0.5 flex flex-wrap items-center gap-2 text-xs text-slate-600">
                      <Badge tone={a.riskLevel === 'critical' || a.riskLevel === 'high' ? 'danger' : a.riskLevel === 'medium' ? 'warning' : 'neutral'}>
                        {a.riskLevel}
                      </Badge>
                      by {a.initiatedBy ?? 'unknown'} · expires <LocalTime value={a.expiresAt} mode="relative" />
                    </p>
                  </li>
                ))}
              </ul>
            </CardBody>
          </Card>
        ) : null}
      </div>
    </div>
  );
}
