'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useActionForm } from '../forms/use-action-form';
import type { ActionResult } from '@/lib/http/action-result';
import type { AlertRow } from '@/lib/admin-views/alerts';
import { adjustCostSchema } from '@/lib/admin-views/schemas';
import { dec } from '@/lib/pricing/money';
import { columnHelper, DataTable, exactFilter } from '../data-table/data-table';
import { Badge, StatusBadge } from '../ui/badge';
import { Button } from '../ui/button';
import { ConfirmDialog, DialogContent, DialogFormActions, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input, Textarea } from '../ui/field';
import { formatRate, humanize } from '../ui/format';
import { LocalTime } from '../ui/time';
import { Tooltip } from '../ui/tooltip';

export type AlertAction = (input: unknown) => Promise<ActionResult<{ id: string; status: string }>>;
export type AdjustAction = (input: unknown) => Promise<ActionResult<{ id: string; title: string }>>;

const SEV_TONE = { critical: 'danger', warning: 'warning', info: 'info' } as const;
const h = columnHelper<AlertRow>();

/** Display a per-1K rate per 1M tokens (exact decimal shift). */
function per1M(v: string | null): string {
  return v === null ? '—' : formatRate(dec(v).times(1000));
}

function AdjustDialog({ row, action, available }: { row: AlertRow; action: AdjustAction; available: boolean }) {
  const [open, setOpen] = useState(false);
  const [inputPer1k, setIn] = useState(row.currentInputPer1k ?? '');
  const [outputPer1k, setOut] = useState(row.currentOutputPer1k ?? '');
  const [reason, setReason] = useState('');
  const { errors, result: res, busy, submit, reset } = useActionForm(adjustCostSchema, action, { refresh: false });
  return (
    <DialogRoot open={open} onOpenChange={(o) => (setOpen(o), o ? null : reset())}>
      <DialogTrigger asChild>
        <Button size="sm" variant="secondary">
          Adjust cost…
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Adjust the cost of ${row.modelName}`}
        description="A new cost changes prices, so it needs a second administrator's approval (catalog.set_cost). Rates in dollars per 1K tokens."
      >
        {!available ? (
          <Alert tone="warning" title="Not available">
            Cost adjustment through approval is not available in this build. Nothing was submitted.
          </Alert>
        ) : res?.ok ? (
          <Alert tone="success" title="Submitted for approval">
            <Link className="underline" href={`/admin/approvals/${res.data.id}`}>
              {res.data.title}
            </Link>
          </Alert>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              await submit({ alertId: row.id, modelId: row.modelId, inputPer1k, outputPer1k, reason });
            }}
          >
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Input cost per 1K tokens" errors={errors.inputPer1k} hint={`Estimate: ${row.estimatedInputPer1k ?? '—'}`}>
                {(p) => <Input {...p} inputMode="decimal" value={inputPer1k} onChange={(e) => setIn(e.target.value)} />}
              </Field>
              <Field label="Output cost per 1K tokens" errors={errors.outputPer1k} hint={`Estimate: ${row.estimatedOutputPer1k ?? '—'}`}>
                {(p) => <Input {...p} inputMode="decimal" value={outputPer1k} onChange={(e) => setOut(e.target.value)} />}
              </Field>
            </div>
            <Field label="Reason / source" errors={errors.reason}>
              {(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <FormError message={res && !res.ok ? res.message : null} />
            <DialogFormActions onCancel={() => setOpen(false)} busy={busy}>
              Submit for approval
            </DialogFormActions>
          </form>
        )}
      </DialogContent>
    </DialogRoot>
  );
}

export function AlertsView({
  rows,
  canAct,
  adjustAvailable,
  acknowledge,
  resolve,
  adjust,
}: {
  rows: AlertRow[];
  canAct: boolean;
  adjustAvailable: boolean;
  acknowledge: AlertAction;
  resolve: AlertAction;
  adjust: AdjustAction;
}) {
  const router = useRouter();
  const [note, setNote] = useState('');
  const columns = [
    h.accessor('severity', {
      header: 'Severity',
      filterFn: exactFilter,
      sortFn: (a, b) => ['critical', 'warning', 'info'].indexOf(a.original.severity) - ['critical', 'warning', 'info'].indexOf(b.original.severity),
      cell: (c) => <Badge tone={SEV_TONE[c.getValue()]}>{c.getValue()}</Badge>,
    }),
    h.accessor('modelName', {
      header: 'Model',
      cell: (c) => (
        <div>
          <p className="font-medium">{c.getValue()}</p>
          <p className="text-xs text-slate-600">{c.row.original.providerId}</p>
        </div>
      ),
    }),
    h.accessor('confidence', { header: 'Confidence', meta: { align: 'right' }, cell: (c) => `${Math.round(Number(c.getValue()) * 100)}%` }),
    h.accessor((r) => r.estimatedInputPer1k ?? '', {
      id: 'estIn',
      header: 'Estimated cost in',
      meta: { align: 'right', label: 'Estimated cost in (per 1M)' },
      cell: (c) => per1M(c.getValue() || null),
    }),
    h.accessor((r) => r.estimatedOutputPer1k ?? '', {
      id: 'estOut',
      header: 'Estimated cost out',
      meta: { align: 'right', label: 'Estimated cost out (per 1M)' },
      cell: (c) => per1M(c.getValue() || null),
    }),
    h.accessor((r) => r.sourceModels.join(', '), {
      id: 'sources',
      header: 'Estimated from',
      cell: (c) => <span className="line-clamp-2 max-w-56 text-xs text-slate-700">{c.getValue() || '—'}</span>,
    }),
    h.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    h.accessor('recommendation', {
      header: 'Recommendation',
      cell: (c) => (
        <Tooltip content={c.getValue()}>
          <span className="line-clamp-1 max-w-48 text-xs text-slate-700">{c.getValue()}</span>
        </Tooltip>
      ),
    }),
    h.accessor('createdAt', { header: 'Raised', cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
    ...(canAct
      ? [
          h.display({
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            meta: { noCsv: true, label: 'Actions' },
            enableHiding: false,
            cell: (c) => {
              const r = c.row.original;
              if (r.status === 'resolved') return <span className="text-xs text-slate-600">{r.resolutionNote ?? 'Resolved'}</span>;
              return (
                <div className="flex flex-wrap gap-1.5">
                  {r.status === 'pending' ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      onClick={async () => {
                        const res = await acknowledge({ alertId: r.id });
                        if (res.ok) router.refresh();
                        else window.alert(res.message);
                      }}
                    >
                      Acknowledge
                    </Button>
                  ) : null}
                  {r.status !== 'adjusted' ? <AdjustDialog row={r} action={adjust} available={adjustAvailable} /> : null}
                  <ConfirmDialog
                    trigger={
                      <Button size="sm" variant="ghost">
                        Resolve…
                      </Button>
                    }
                    title={`Resolve the alert on ${r.modelName}`}
                    description="Resolving closes the alert; the model stays flagged as estimated until a real cost is recorded."
                    confirmLabel="Resolve"
                    confirmVariant="primary"
                    onConfirm={async () => {
                      const res = await resolve({ alertId: r.id, note: note || undefined });
                      if (!res.ok) return res.message;
                      router.refresh();
                    }}
                  >
                    <Field label="Note (optional)">{(p) => <Textarea {...p} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />}</Field>
                  </ConfirmDialog>
                </div>
              );
            },
          }),
        ]
      : []),
  ];
  return (
    <DataTable
      data={rows}
      columns={columns}
      caption="Estimated-cost alerts"
      testId="alerts-table"
      getRowId={(r) => r.id}
      csvFilename="radiant-estimated-cost-alerts.csv"
      facets={[
        { columnId: 'severity', label: 'Severity', options: ['critical', 'warning', 'info'].map((v) => ({ value: v, label: humanize(v) })) },
        { columnId: 'status', label: 'Status', options: ['pending', 'acknowledged', 'adjusted', 'resolved'].map((v) => ({ value: v, label: humanize(v) })) },
      ]}
      empty="No estimated-cost alerts: every model's cost is published."
    />
  );
}
