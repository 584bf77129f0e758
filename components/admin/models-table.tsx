'use client';

import { useMemo, useState } from 'react';
import type { ModelsPageData, ModelsTableRow } from '@/lib/admin-views/models';
import { columnHelper, DataTable, decimalSort, exactFilter, type DataTableColumn } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { formatPercent, humanize } from '../ui/format';
import { Money } from '../ui/money';
import { Tooltip } from '../ui/tooltip';
import { MarkupProposalDialog, type PreviewAction, type ProposeAction } from './markup-proposal';

const h = columnHelper<ModelsTableRow>();

const SOURCE_LABEL: Record<string, string> = { default: 'default', provider: 'provider', model: 'model', tenant_model: 'tenant' };

/** A rate with its unit underneath: the unit wraps instead of widening the column on a phone. */
function Rate({ value, unit }: { value: string | null; unit: string }) {
  if (value === null) return <Money kind="rate" value={value} />;
  return (
    <>
      <Money kind="rate" value={value} />
      <span className="block text-xs text-slate-600">/ {unit}</span>
    </>
  );
}

function MarkupCell({ r }: { r: ModelsTableRow }) {
  const badge = <Badge tone={r.markupSource === 'default' ? 'neutral' : 'purple'}>{SOURCE_LABEL[r.markupSource] ?? r.markupSource}</Badge>;
  return (
    <span className="inline-flex items-center gap-1.5">
      {r.markupPercent}%{r.markupNote ? <Tooltip content={r.markupNote}>{badge}</Tooltip> : badge}
    </span>
  );
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

  const proposeFor = (r: ModelsTableRow, label: string, className?: string) => (
    <MarkupProposalDialog
      title={`Propose a markup for ${r.displayName}`}
      target="model"
      modelIds={[r.modelId]}
      preview={preview}
      propose={propose}
      trigger={
        <Button size="sm" variant="secondary" className={className} aria-label={`Propose markup change for ${r.displayName}`}>
          {label}
        </Button>
      }
    />
  );

  // At 390 px the name, the input price and the status stay; the markup (and a Propose button)
  // fold under the name, the rest shows from 768 / 1280 / 1536 px.
  const columns = useMemo(() => {
    const cols: DataTableColumn<ModelsTableRow>[] = [];
    if (canPropose) {
      cols.push(
        h.display({
          id: 'select',
          header: () => <span className="sr-only">Select</span>,
          enableHiding: false,
          meta: { noCsv: true, label: 'Select', priority: 2 },
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
          <div className="min-w-28 md:min-w-44">
            <p className="font-medium text-slate-900">{c.getValue()}</p>
            <p className="font-mono text-xs break-all text-slate-600">{c.row.original.name}</p>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-700 md:hidden">
              <span>
                Markup <MarkupCell r={c.row.original} />
              </span>
              {canPropose ? proposeFor(c.row.original, 'Propose…') : null}
            </div>
          </div>
        ),
      }),
      h.accessor('name', {
        header: 'API name',
        meta: { priority: 4 },
        cell: (c) => (
          <div>
            <code className="text-xs">{c.getValue()}</code>
            {c.row.original.notServed ? (
              <Tooltip content={c.row.original.notServed}>
                <Badge tone="warning">not offered</Badge>
              </Tooltip>
            ) : null}
          </div>
        ),
      }),
      h.accessor('providerId', { header: 'Provider', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor('category', { header: 'Category', filterFn: exactFilter, meta: { priority: 4 }, cell: (c) => humanize(c.getValue()) }),
      h.accessor('hosting', { header: 'Hosting', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor('costIn', {
        header: 'Cost in',
        meta: { align: 'right', label: 'Cost in (per 1M / unit)', priority: 4 },
        sortFn: decimalSort,
        cell: (c) => <Rate value={c.getValue()} unit={c.row.original.unitA} />,
      }),
      h.accessor('costOut', {
        header: 'Cost out',
        meta: { align: 'right', label: 'Cost out (per 1M)', priority: 4 },
        sortFn: decimalSort,
        cell: (c) => <Rate value={c.getValue()} unit={c.row.original.unitB} />,
      }),
      h.accessor('markupPercent', {
        header: 'Markup',
        meta: { align: 'right', label: 'Markup %', priority: 2 },
        sortFn: decimalSort,
        cell: (c) => <MarkupCell r={c.row.original} />,
      }),
      h.accessor('markupSource', { header: 'Markup source', filterFn: exactFilter, meta: { priority: 4 } }),
      h.accessor('priceIn', {
        header: 'Price in',
        meta: { align: 'right', label: 'Price in (per 1M / unit)' },
        sortFn: decimalSort,
        cell: (c) => <Rate value={c.getValue()} unit={c.row.original.unitA} />,
      }),
      h.accessor('priceOut', {
        header: 'Price out',
        meta: { align: 'right', label: 'Price out (per 1M)', priority: 2 },
        sortFn: decimalSort,
        cell: (c) => <Rate value={c.getValue()} unit={c.row.original.unitB} />,
      }),
      h.accessor('referenceMargin', {
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
      h.accessor((r) => (r.estimatedNote ? 'estimated' : 'published'), {
        id: 'estimated',
        header: 'Cost basis',
        filterFn: exactFilter,
        meta: { priority: 4 },
        cell: (c) => {
          const note = c.row.original.estimatedNote;
          if (!note) return <span className="text-xs text-slate-600">published</span>;
          return (
            <Tooltip content={note}>
              <Badge tone="warning">Estimated</Badge>
            </Tooltip>
          );
        },
      }),
      h.accessor((r) => (r.enabled ? 'enabled' : 'disabled'), {
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
          meta: { noCsv: true, label: 'Actions', priority: 2 },
          cell: (c) => proposeFor(c.row.original, 'Propose'),
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
