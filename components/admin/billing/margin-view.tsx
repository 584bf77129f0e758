'use client';

import { usePathname, useRouter } from 'next/navigation';
import type { MarginReport, MarginRow } from '@/lib/billing/books';
import { BarChart } from '../../charts/charts';
import { columnHelper, DataTable, decimalSort } from '../../data-table/data-table';
import { buttonClasses } from '../../ui/button';
import { Card, CardBody, CardHeader } from '../../ui/card';
import { Alert } from '../../ui/feedback';
import { displayNumber, formatAmount, formatCount, formatPercent, humanize } from '../../ui/format';
import { Money } from '../../ui/money';
import { DescriptionList, Stat, StatGrid } from '../../ui/page';

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
