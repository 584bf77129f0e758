'use client';

import type { ClientModelPricing } from '@/lib/pricing/views';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { formatCount, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { Tooltip } from '../ui/tooltip';

const h = columnHelper<ClientModelPricing>();

function headline(r: ClientModelPricing): { a: string | null; b: string | null; ua: string; ub: string } {
  const p = r.prices;
  switch (r.pricingType) {
    case 'per_token':
      return { a: p.inputPer1M, b: p.outputPer1M, ua: '1M in', ub: '1M out' };
    case 'per_image':
      return { a: p.perImage, b: null, ua: 'image', ub: '' };
    case 'per_second':
      return { a: p.perSecond, b: null, ua: 'second', ub: '' };
    case 'per_minute':
      return { a: p.perMinute, b: null, ua: 'minute', ub: '' };
    case 'per_request':
      return { a: p.perRequest, b: null, ua: 'request', ub: '' };
    default:
      return { a: p.per1kCharacters, b: null, ua: '1K characters', ub: '' };
  }
}

/** A price with its unit underneath: the unit wraps instead of widening the column, so both
 * prices stay on a 390 px phone. */
function Rate({ value, unit }: { value: string | null; unit: string }) {
  if (!value) return <span className="text-slate-500">—</span>;
  return (
    <>
      <Money kind="rate" value={value} />
      <span className="block text-xs text-slate-600">/ {unit}</span>
    </>
  );
}

const TIER_TONE = { budget: 'success', standard: 'neutral', premium: 'purple' } as const;

const columns = [
  h.accessor('displayName', {
    header: 'Model',
    enableHiding: false,
    cell: (c) => (
      <div className="sm:min-w-44">
        <p className="flex flex-wrap items-center gap-1.5 font-medium wrap-anywhere text-slate-900">
          {c.getValue()}
          {c.row.original.estimated ? (
            <Tooltip content={c.row.original.estimated.tooltip}>
              <Badge tone="warning">Estimated</Badge>
            </Tooltip>
          ) : null}
        </p>
        <p className="font-mono text-xs break-all text-slate-600">{c.row.original.model}</p>
      </div>
    ),
  }),
  h.accessor((r) => headline(r).a, {
    id: 'priceIn',
    header: 'Price in',
    meta: { align: 'right', label: 'Price (input per 1M tokens, or per unit)' },
    sortFn: decimalSort,
    cell: (c) => <Rate value={c.getValue()} unit={headline(c.row.original).ua} />,
  }),
  h.accessor((r) => headline(r).b, {
    id: 'priceOut',
    header: 'Price out',
    meta: { align: 'right', label: 'Price (output per 1M tokens)' },
    sortFn: decimalSort,
    cell: (c) => <Rate value={c.getValue()} unit={headline(c.row.original).ub} />,
  }),
  h.accessor('model', { header: 'API name', meta: { priority: 3 }, cell: (c) => <code className="text-xs">{c.getValue()}</code> }),
  h.accessor('providerId', { header: 'Provider', filterFn: exactFilter, meta: { priority: 3 } }),
  h.accessor('category', { header: 'Category', filterFn: exactFilter, meta: { priority: 2 }, cell: (c) => humanize(c.getValue()) }),
  h.accessor('capabilities', {
    header: 'Capabilities',
    filterFn: exactFilter,
    enableSorting: false,
    meta: { priority: 4, csv: ((r: ClientModelPricing) => r.capabilities.join('; ')) as (row: never) => unknown },
    cell: (c) => (
      <div className="flex max-w-64 flex-wrap gap-1">
        {c
          .getValue()
          .slice(0, 5)
          .map((cap) => (
            <Badge key={cap} tone="neutral">
              {humanize(cap)}
            </Badge>
          ))}
        {c.getValue().length > 5 ? <span className="text-xs text-slate-600">+{c.getValue().length - 5}</span> : null}
      </div>
    ),
  }),
  h.accessor('priceTier', {
    header: 'Price tier',
    filterFn: exactFilter,
    meta: { priority: 2 },
    cell: (c) => (
      <Tooltip content={`${c.row.original.vsCategoryAveragePercent > 0 ? '+' : ''}${c.row.original.vsCategoryAveragePercent}% vs. the average of its category`}>
        <Badge tone={TIER_TONE[c.getValue()]}>{c.getValue()}</Badge>
      </Tooltip>
    ),
  }),
  h.accessor(
    (r) =>
      [r.savings.caching ? `caching −${r.savings.caching.savingsPercent}%` : null, r.savings.batch ? `batch −${r.savings.batch.savingsPercent}%` : null]
        .filter(Boolean)
        .join(', '),
    {
      id: 'savings',
      header: 'Ways to save',
      meta: { priority: 4 },
      cell: (c) => {
        const s = c.row.original.savings;
        if (!s.caching && !s.batch) return <span className="text-slate-500">—</span>;
        return (
          <div className="space-y-0.5 text-xs">
            {s.caching ? (
              <p>
                Cached input <Money kind="rate" value={s.caching.cachedInputPer1M} unit="1M" /> (−{s.caching.savingsPercent}%)
              </p>
            ) : null}
            {s.batch ? <p>Batch −{s.batch.savingsPercent}%</p> : null}
          </div>
        );
      },
    },
  ),
  h.accessor((r) => r.contextWindow ?? '', {
    id: 'context',
    header: 'Context',
    meta: { align: 'right', label: 'Context window (tokens)', priority: 3 },
    cell: (c) => (c.getValue() === '' ? '—' : formatCount(c.getValue())),
  }),
  h.accessor((r) => (r.estimated ? 'estimated' : 'confirmed'), { id: 'estimated', header: 'Price status', filterFn: exactFilter }),
];

export function PricesTable({ rows }: { rows: ClientModelPricing[] }) {
  return (
    <DataTable
      data={rows}
      columns={columns}
      caption="Model prices"
      testId="prices-table"
      getRowId={(r) => r.model}
      csvFilename="radiant-prices.csv"
      searchPlaceholder="Search models…"
      initialColumnVisibility={{ model: false, estimated: false, context: false }}
      facets={[
        { columnId: 'category', label: 'Category' },
        { columnId: 'capabilities', label: 'Capability' },
        {
          columnId: 'priceTier',
          label: 'Price tier',
          options: [
            { value: 'budget', label: 'Budget' },
            { value: 'standard', label: 'Standard' },
            { value: 'premium', label: 'Premium' },
          ],
        },
      ]}
      pageSize={25}
      empty="No models are enabled for your organisation yet."
    />
  );
}
