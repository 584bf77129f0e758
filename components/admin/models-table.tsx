'use client';

import { useMemo, useState } from 'react';
import type { ModelsPageData } from '@/lib/admin-views/models';
import type { AdminPricingRow } from '@/lib/pricing/service';
import { columnHelper, DataTable, decimalSort, exactFilter, type DataTableColumn } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { formatPercent, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { Tooltip } from '../ui/tooltip';
import { MarkupProposalDialog, type PreviewAction, type ProposeAction } from './markup-proposal';
import { headlineRates, SOURCE_LABEL } from './pricing-rates';
import { NOT_SERVED_MODELS, NOT_SERVED_PROVIDERS } from '@/lib/catalog/not-served';

const h = columnHelper<AdminPricingRow>();

function unitShort(r: AdminPricingRow, which: 'a' | 'b'): string {
  if (r.pricingType === 'per_token') return which === 'a' ? '1M in' : '1M out';
  return r.unitLabel.replace(/^per /, '');
}

export function ModelsTable({
  data,
  canPropose,
  preview,
  propose,
}: {
  data: ModelsPageData;
  canPropose: boolean;
  preview: PreviewAction;
  propose: ProposeAction;
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const columns = useMemo(() => {
    const cols: DataTableColumn<AdminPricingRow>[] = [];
    if (canPropose) {
      cols.push(
        h.display({
          id: 'select',
          header: () => <span className="sr-only">Select</span>,
          enableHiding: false,
          meta: { noCsv: true, label: 'Select' },
          cell: (c) => (
            <input
              type="checkbox"
              aria-label={`Select ${c.row.original.displayName}`}
              checked={selected.has(c.row.original.modelId)}
              onChange={() => toggle(c.row.original.modelId)}
              className="size-4"
            />
          ),
        }),
      );
    }
    cols.push(
      h.accessor('displayName', {
        header: 'Model',
        enableHiding: false,
        cell: (c) => (
          <div className="min-w-44">
            <p className="font-medium text-slate-900">{c.getValue()}</p>
            <p className="font-mono text-xs text-slate-600">{c.row.original.name}</p>
          </div>
        ),
      }),
      h.accessor('name', {
        header: 'API name',
        meta: { priority: 4 },
        cell: (c) => {
          const notServed = NOT_SERVED_MODELS[c.row.original.modelId] ?? NOT_SERVED_PROVIDERS[c.row.original.providerId];
          return (
            <div>
              <code className="text-xs">{c.getValue()}</code>
              {notServed ? (
                <Tooltip content={notServed}>
                  <Badge tone="warning">not offered</Badge>
                </Tooltip>
              ) : null}
            </div>
          );
        },
      }),
      h.accessor('providerId', { header: 'Provider', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor('category', { header: 'Category', filterFn: exactFilter, meta: { priority: 4 }, cell: (c) => humanize(c.getValue()) }),
      h.accessor((r) => (r.isSelfHosted ? 'self-hosted' : 'external'), { id: 'hosting', header: 'Hosting', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor((r) => headlineRates(r.pricingType, r.cost).a, {
        id: 'costIn',
        header: 'Cost in',
        meta: { align: 'right', label: 'Cost in (per 1M / unit)', priority: 4 },
        sortFn: decimalSort,
        cell: (c) => <Money kind="rate" value={c.getValue()} unit={unitShort(c.row.original, 'a')} />,
      }),
      h.accessor((r) => headlineRates(r.pricingType, r.cost).b, {
        id: 'costOut',
        header: 'Cost out',
        meta: { align: 'right', label: 'Cost out (per 1M)', priority: 4 },
        sortFn: decimalSort,
        cell: (c) => <Money kind="rate" value={c.getValue()} unit={unitShort(c.row.original, 'b')} />,
      }),
      h.accessor('markupPercent', {
        header: 'Markup',
        meta: { align: 'right', label: 'Markup %' },
        sortFn: decimalSort,
        cell: (c) => {
          const r = c.row.original;
          const o = r.markupOverride;
          const badge = <Badge tone={r.markupSource === 'default' ? 'neutral' : 'purple'}>{SOURCE_LABEL[r.markupSource] ?? r.markupSource}</Badge>;
          return (
            <span className="inline-flex items-center gap-1.5">
              {c.getValue()}%
              {o ? (
                <Tooltip content={`${o.reason} · set ${o.setAt.slice(0, 10)}${o.expiresAt ? ` · expires ${o.expiresAt.slice(0, 10)}` : ''}`}>{badge}</Tooltip>
              ) : (
                badge
              )}
            </span>
          );
        },
      }),
      h.accessor('markupSource', { header: 'Markup source', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor((r) => headlineRates(r.pricingType, r.price).a, {
        id: 'priceIn',
        header: 'Price in',
        meta: { align: 'right', label: 'Price in (per 1M / unit)' },
        sortFn: decimalSort,
        cell: (c) => <Money kind="rate" value={c.getValue()} unit={unitShort(c.row.original, 'a')} />,
      }),
      h.accessor((r) => headlineRates(r.pricingType, r.price).b, {
        id: 'priceOut',
        header: 'Price out',
        meta: { align: 'right', label: 'Price out (per 1M)', priority: 2 },
        sortFn: decimalSort,
        cell: (c) => <Money kind="rate" value={c.getValue()} unit={unitShort(c.row.original, 'b')} />,
      }),
      h.accessor((r) => r.reference.margin, {
        id: 'margin',
        header: 'Margin',
        meta: { align: 'right', label: 'Margin (reference mix)', priority: 4 },
        sortFn: decimalSort,
        cell: (c) => (
          <Tooltip content={`On ${c.row.original.referenceMix}`}>
            <Money kind="rate" value={c.getValue()} />
          </Tooltip>
        ),
      }),
      h.accessor('marginPercent', { header: 'Margin %', meta: { align: 'right', priority: 2 }, sortFn: decimalSort, cell: (c) => formatPercent(c.getValue()) }),
      h.accessor((r) => (r.estimated ? 'estimated' : 'published'), {
        id: 'estimated',
        header: 'Cost basis',
        filterFn: exactFilter,
        meta: { priority: 4 },
        cell: (c) => {
          const e = c.row.original.estimated;
          if (!e) return <span className="text-xs text-slate-600">published</span>;
          const text = `Estimated (${humanize(e.reason)})${e.confidence !== null ? `, confidence ${Math.round(e.confidence * 100)}%` : ''}${
            e.sourceModels.length ? `, from ${e.sourceModels.map((s) => s.displayName).join(', ')}` : ''
          }`;
          return (
            <Tooltip content={text}>
              <Badge tone="warning">Estimated</Badge>
            </Tooltip>
          );
        },
      }),
      h.accessor((r) => (r.enabled && r.providerEnabled ? 'enabled' : 'disabled'), {
        id: 'status',
        header: 'Status',
        filterFn: exactFilter,
        cell: (c) => <Badge tone={c.getValue() === 'enabled' ? 'success' : 'neutral'}>{c.getValue()}</Badge>,
      }),
    );
    if (canPropose) {
      cols.push(
        h.display({
          id: 'actions',
          header: () => <span className="sr-only">Actions</span>,
          enableHiding: false,
          meta: { noCsv: true, label: 'Actions' },
          cell: (c) => (
            <MarkupProposalDialog
              title={`Propose a markup for ${c.row.original.displayName}`}
              target="model"
              modelIds={[c.row.original.modelId]}
              preview={preview}
              propose={propose}
              trigger={
                <Button size="sm" variant="secondary" aria-label={`Propose markup change for ${c.row.original.displayName}`}>
                  Propose
                </Button>
              }
            />
          ),
        }),
      );
    }
    return cols;
    // toggle is stable enough (setState); selected drives the checkboxes
  }, [canPropose, selected, preview, propose]);

  const providerOptions = data.providers.map((p) => ({ value: p.id, label: p.name }));

  return (
    <DataTable
      data={data.rows}
      columns={columns}
      caption="Models and pricing"
      testId="models-table"
      getRowId={(r) => r.modelId}
      csvFilename="radiant-models-pricing.csv"
      searchPlaceholder="Search models…"
      initialColumnVisibility={{ name: false, hosting: false, markupSource: false }}
      facets={[
        { columnId: 'category', label: 'Category' },
        { columnId: 'providerId', label: 'Provider', options: providerOptions },
        {
          columnId: 'hosting',
          label: 'Hosting',
          options: [
            { value: 'external', label: 'External' },
            { value: 'self-hosted', label: 'Self-hosted' },
          ],
        },
        {
          columnId: 'estimated',
          label: 'Cost basis',
          options: [
            { value: 'estimated', label: 'Estimated' },
            { value: 'published', label: 'Published' },
          ],
        },
      ]}
      pageSize={25}
      toolbar={
        canPropose ? (
          <>
            <MarkupProposalDialog
              title={`Propose a markup for ${selected.size} selected model${selected.size === 1 ? '' : 's'}`}
              target="model"
              modelIds={[...selected]}
              preview={preview}
              propose={propose}
              trigger={
                <Button size="sm" disabled={selected.size === 0}>
                  Propose for selected ({selected.size})
                </Button>
              }
            />
            <MarkupProposalDialog
              title="Propose a provider markup"
              target="provider"
              providers={data.providers}
              preview={preview}
              propose={propose}
              trigger={
                <Button size="sm" variant="secondary">
                  Bulk by provider
                </Button>
              }
            />
          </>
        ) : null
      }
    />
  );
}
