'use client';

import { useState } from 'react';
import { useActionForm } from '../forms/use-action-form';
import type { ActionResult } from '@/lib/http/action-result';
import type { OptimizerOptions, OptimizerOutcome } from '@/lib/admin-views/optimizer';
import { optimizerFormSchema } from '@/lib/admin-views/schemas';
import type { CandidateAnalysis } from '@/lib/pricing/optimizer';
import { columnHelper, DataTable, decimalSort } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { Alert } from '../ui/feedback';
import { Checkbox, Field, FormError, Input, Select } from '../ui/field';
import { formatPercent, humanize } from '../ui/format';
import { Money } from '../ui/money';

export type OptimizeAction = (input: unknown) => Promise<ActionResult<OptimizerOutcome>>;

const c = columnHelper<CandidateAnalysis>();
const columns = [
  c.accessor('rank', { header: '#', meta: { align: 'right' } }),
  c.accessor('displayName', {
    header: 'Model',
    cell: (x) => (
      <div className="flex flex-wrap items-center gap-1.5">
        <span className="font-medium">{x.getValue()}</span>
        {x.row.original.isSelected ? <Badge tone="success">selected</Badge> : null}
        {x.row.original.isCheapest ? <Badge tone="info">cheapest</Badge> : null}
        {x.row.original.isBestValue ? <Badge tone="purple">best value</Badge> : null}
        {x.row.original.isEstimated ? <Badge tone="warning">estimated</Badge> : null}
        {x.row.original.requiresWarmup ? <Badge tone="neutral">warm-up {x.row.original.warmupSeconds ?? '?'}s</Badge> : null}
      </div>
    ),
  }),
  c.accessor('providerId', { header: 'Provider' }),
  c.accessor('qualityScore', { header: 'Quality', meta: { align: 'right' } }),
  c.accessor((r) => r.price.total, {
    id: 'price',
    header: 'Price',
    meta: { align: 'right', label: 'Price per request' },
    sortFn: decimalSort,
    cell: (x) => <Money kind="rate" value={x.getValue()} />,
  }),
  c.accessor((r) => r.admin.cost.total, {
    id: 'cost',
    header: 'Cost',
    meta: { align: 'right', label: 'Cost per request (admin)' },
    sortFn: decimalSort,
    cell: (x) => <Money kind="rate" value={x.getValue()} />,
  }),
  c.accessor((r) => r.admin.markupPercent, {
    id: 'markup',
    header: 'Markup',
    meta: { align: 'right', label: 'Markup %' },
    sortFn: decimalSort,
    cell: (x) => `${x.getValue()}%`,
  }),
  c.accessor((r) => r.admin.margin, {
    id: 'margin',
    header: 'Margin',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (x) => <Money kind="rate" value={x.getValue()} />,
  }),
  c.accessor((r) => r.admin.marginPercent, {
    id: 'marginPct',
    header: 'Margin %',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (x) => formatPercent(x.getValue()),
  }),
  c.accessor('priceRank', { header: 'Price rank', meta: { align: 'right' } }),
  c.accessor('valueRank', { header: 'Value rank', meta: { align: 'right' } }),
];

export function OptimizerPlayground({ options, run }: { options: OptimizerOptions; run: OptimizeAction }) {
  const [f, setF] = useState({
    estimatedInputTokens: '2000',
    estimatedOutputTokens: '500',
    pricePreference: 'balance',
    minQualityScore: '',
    includeEstimatedPricing: false,
    canUseCaching: false,
    cachedTokenCount: '',
    canUseBatch: false,
    requiresToolCalls: false,
    maxPricePerRequest: '',
    tenantId: '',
  });
  const [caps, setCaps] = useState<string[]>([]);
  // A read, not a change: nothing on the page to refresh.
  const { errors, result: res, busy, submit } = useActionForm(optimizerFormSchema, run, { refresh: false });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  const check = (k: keyof typeof f) => (e: { target: { checked: boolean } }) => setF((s) => ({ ...s, [k]: e.target.checked }));

  return (
    <div className="grid gap-6 xl:grid-cols-[22rem_1fr]">
      <Card>
        <CardHeader title="Request" />
        <CardBody>
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              await submit({
                ...f,
                requiredCapabilities: caps,
                minQualityScore: f.minQualityScore === '' ? undefined : f.minQualityScore,
                cachedTokenCount: f.cachedTokenCount === '' ? undefined : f.cachedTokenCount,
                maxPricePerRequest: f.maxPricePerRequest === '' ? undefined : f.maxPricePerRequest,
                tenantId: f.tenantId === '' ? undefined : f.tenantId,
              });
            }}
          >
            <div className="grid grid-cols-2 gap-3">
              <Field label="Input tokens" errors={errors.estimatedInputTokens}>
                {(p) => <Input {...p} inputMode="numeric" value={f.estimatedInputTokens} onChange={set('estimatedInputTokens')} />}
              </Field>
              <Field label="Output tokens" errors={errors.estimatedOutputTokens}>
                {(p) => <Input {...p} inputMode="numeric" value={f.estimatedOutputTokens} onChange={set('estimatedOutputTokens')} />}
              </Field>
            </div>
            <Field label="Preference" errors={errors.pricePreference}>
              {(p) => (
                <Select {...p} value={f.pricePreference} onChange={set('pricePreference')}>
                  <option value="minimize">Minimize price</option>
                  <option value="balance">Balance quality and price</option>
                  <option value="ignore">Best quality, ignore price</option>
                </Select>
              )}
            </Field>
            <fieldset>
              <legend className="text-sm font-medium text-slate-800">Required capabilities</legend>
              <div className="mt-1 flex max-h-40 flex-wrap gap-x-3 gap-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
                {options.capabilities.map((cap) => (
                  <Checkbox
                    key={cap}
                    label={humanize(cap)}
                    checked={caps.includes(cap)}
                    onChange={(e) => setCaps((s) => (e.target.checked ? [...s, cap] : s.filter((x) => x !== cap)))}
                  />
                ))}
              </div>
            </fieldset>
            <div className="grid grid-cols-2 gap-3">
              <Field label="Min. quality (0-100)" errors={errors.minQualityScore}>
                {(p) => <Input {...p} inputMode="numeric" value={f.minQualityScore} onChange={set('minQualityScore')} />}
              </Field>
              <Field label="Max price / request ($)" errors={errors.maxPricePerRequest}>
                {(p) => <Input {...p} inputMode="decimal" value={f.maxPricePerRequest} onChange={set('maxPricePerRequest')} />}
              </Field>
            </div>
            <Field label="Price for tenant" errors={errors.tenantId} hint="Include that tenant's own markups">
              {(p) => (
                <Select
                  {...p}
                  value={f.tenantId}
                  onChange={set('tenantId')}
                  emptyLabel="Platform markups only"
                  options={options.tenants.map((t) => ({ value: t.id, label: t.name }))}
                />
              )}
            </Field>
            <div className="space-y-1.5">
              <Checkbox label="Include estimated prices" checked={f.includeEstimatedPricing} onChange={check('includeEstimatedPricing')} />
              <Checkbox label="Client can use prompt caching" checked={f.canUseCaching} onChange={check('canUseCaching')} />
              {f.canUseCaching ? (
                <Field label="Cached tokens" errors={errors.cachedTokenCount}>
                  {(p) => <Input {...p} inputMode="numeric" value={f.cachedTokenCount} onChange={set('cachedTokenCount')} />}
                </Field>
              ) : null}
              <Checkbox label="Batch is fine" checked={f.canUseBatch} onChange={check('canUseBatch')} />
              <Checkbox label="Needs tool calls" checked={f.requiresToolCalls} onChange={check('requiresToolCalls')} />
            </div>
            <FormError message={res && !res.ok ? res.message : null} />
            <Button type="submit" loading={busy} className="w-full">
              Rank models
            </Button>
          </form>
        </CardBody>
      </Card>
      <div className="min-w-0 space-y-4" aria-live="polite">
        {!res ? (
          <Alert tone="info">Describe a request and rank the models. Prices are what the customer pays; cost and margin are shown for admins only.</Alert>
        ) : !res.ok ? null : !res.data.ok ? (
          <Alert tone="warning" title="No eligible model">
            <p>{res.data.reason}</p>
            {res.data.excluded.length ? (
              <ul className="mt-2 max-h-48 list-disc overflow-y-auto pl-5 text-xs">
                {res.data.excluded.slice(0, 30).map((x) => (
                  <li key={x.model}>
                    {x.model}: {x.reasons.map(humanize).join(', ')}
                  </li>
                ))}
              </ul>
            ) : null}
          </Alert>
        ) : (
          <>
            <Alert tone="success" title={res.data.result.selectionReason}>
              Selected price <Money kind="rate" value={res.data.result.summary.selectedPrice} /> · average{' '}
              <Money kind="rate" value={res.data.result.summary.averagePrice} /> · {res.data.result.summary.eligibleCount} eligible,{' '}
              {res.data.result.excluded.length} excluded
            </Alert>
            {res.data.result.adminWarnings.map((w) => (
              <Alert key={w.message} tone="warning">
                {w.message}
              </Alert>
            ))}
            <DataTable
              data={res.data.result.candidates}
              columns={columns}
              caption="Ranked candidates"
              testId="optimizer-table"
              getRowId={(r) => r.modelId}
              csvFilename="radiant-optimizer.csv"
              pageSize={10}
            />
          </>
        )}
      </div>
    </div>
  );
}
