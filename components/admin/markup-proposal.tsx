'use client';

/**
 * Propose a markup change: for one or several models, or for a whole provider. Step 1 previews
 * the new prices and margins (server-computed, exact); step 2 submits approval request(s) and
 * links to them. Validation: the same zod schema on the client and in the server action.
 */
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import type { ActionResult, FieldErrors } from '@/lib/http/action-result';
import type { MarkupPreview, MarkupPreviewRow, ProposalOutcome } from '@/lib/admin-views/models';
import { fieldErrorsFrom } from '@/lib/http/action-result';
import { markupPreviewSchema, markupProposalSchema } from '@/lib/admin-views/schemas';
import { columnHelper, DataTable, decimalSort } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { DialogContent, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input, Select, Textarea } from '../ui/field';
import { formatPercent } from '../ui/format';
import { Money } from '../ui/money';

export type PreviewAction = (input: unknown) => Promise<ActionResult<MarkupPreview>>;
export type ProposeAction = (input: unknown) => Promise<ActionResult<ProposalOutcome>>;

const h = columnHelper<MarkupPreviewRow>();
const previewColumns = [
  h.accessor('displayName', { header: 'Model', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  h.accessor((r) => r.current.markupPercent, {
    id: 'currentMarkup',
    header: 'Markup now',
    meta: { align: 'right' },
    cell: (c) => `${c.getValue()}% (${c.row.original.current.source})`,
  }),
  h.accessor((r) => r.proposed.markupPercent, {
    id: 'newMarkup',
    header: 'New markup',
    meta: { align: 'right' },
    cell: (c) => <strong>{c.getValue()}%</strong>,
  }),
  h.accessor((r) => r.current.inputPer1M ?? r.current.referencePrice, {
    id: 'priceNow',
    header: 'Price now',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money kind="rate" value={c.getValue()} unit={c.row.original.current.inputPer1M ? '1M in' : c.row.original.unitLabel.replace(/^per /, '')} />,
  }),
  h.accessor((r) => r.proposed.inputPer1M ?? r.proposed.referencePrice, {
    id: 'priceNew',
    header: 'New price',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money kind="rate" value={c.getValue()} unit={c.row.original.proposed.inputPer1M ? '1M in' : c.row.original.unitLabel.replace(/^per /, '')} />,
  }),
  h.accessor((r) => r.proposed.outputPer1M, {
    id: 'outNew',
    header: 'New output price',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? <Money kind="rate" value={c.getValue()} unit="1M out" /> : '—'),
  }),
  h.accessor((r) => r.current.marginPercent, {
    id: 'marginNow',
    header: 'Margin % now',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => formatPercent(c.getValue()),
  }),
  h.accessor((r) => r.proposed.marginPercent, {
    id: 'marginNew',
    header: 'New margin %',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <span className={c.row.original.lowMargin ? 'font-semibold text-red-700' : 'font-semibold'}>{formatPercent(c.getValue())}</span>,
  }),
  h.accessor((r) => r.proposed.referenceMargin, {
    id: 'refMargin',
    header: 'New margin (ref. mix)',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money kind="rate" value={c.getValue()} />,
  }),
  h.accessor((r) => r.note ?? '', { id: 'note', header: 'Note', cell: (c) => (c.getValue() ? <Badge tone="neutral">{c.getValue()}</Badge> : null) }),
];

export function MarkupProposalDialog({
  trigger,
  title,
  target,
  modelIds = [],
  providers,
  defaultProviderId,
  preview,
  propose,
}: {
  trigger: ReactNode;
  title: string;
  target: 'model' | 'provider';
  modelIds?: string[];
  providers?: Array<{ id: string; name: string }>;
  defaultProviderId?: string;
  preview: PreviewAction;
  propose: ProposeAction;
}) {
  const [open, setOpen] = useState(false);
  const [providerId, setProviderId] = useState(defaultProviderId ?? providers?.[0]?.id ?? '');
  const [markupPercent, setMarkup] = useState('');
  const [reason, setReason] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'submit' | null>(null);
  const [result, setResult] = useState<MarkupPreview | null>(null);
  const [outcome, setOutcome] = useState<ProposalOutcome | null>(null);

  const reset = () => {
    setErrors({});
    setFormError(null);
    setResult(null);
    setOutcome(null);
    setBusy(null);
  };

  const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : undefined;
  const base = { target, modelIds: target === 'model' ? modelIds : [], ...(target === 'provider' ? { providerId } : {}), markupPercent };

  async function doPreview() {
    setFormError(null);
    const parsed = markupPreviewSchema.safeParse(base);
    if (!parsed.success) {
      setErrors(fieldErrorsFrom(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy('preview');
    const r = await preview(base);
    setBusy(null);
    if (r.ok) setResult(r.data);
    else {
      setFormError(r.message);
      setErrors(r.fieldErrors ?? {});
    }
  }

  async function doSubmit() {
    setFormError(null);
    const input = { ...base, reason, ...(expiresAt ? { expiresAt } : {}) };
    const parsed = markupProposalSchema.safeParse(input);
    if (!parsed.success) {
      setErrors(fieldErrorsFrom(parsed.error.issues));
      return;
    }
    setErrors({});
    setBusy('submit');
    const r = await propose(input);
    setBusy(null);
    if (r.ok) setOutcome(r.data);
    else {
      setFormError(r.message);
      setErrors(r.fieldErrors ?? {});
    }
  }

  return (
    <DialogRoot
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) reset();
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent wide title={title} description="Nothing changes until a second administrator approves. Preview the new prices and margins first.">
        {outcome ? (
          <div className="space-y-3" data-testid="proposal-outcome">
            <Alert tone="success" title={`Submitted ${outcome.created.length} approval request${outcome.created.length === 1 ? '' : 's'}`}>
              <ul className="mt-1 list-disc pl-5">
                {outcome.created.map((c) => (
                  <li key={c.id}>
                    <Link className="font-medium underline" href={`/admin/approvals/${c.id}`}>
                      {c.title}
                    </Link>
                  </li>
                ))}
              </ul>
            </Alert>
            {outcome.failed.length ? (
              <Alert tone="danger" title="Some could not be proposed">
                <ul className="list-disc pl-5">
                  {outcome.failed.map((f) => (
                    <li key={f.target}>
                      {f.target}: {f.message}
                    </li>
                  ))}
                </ul>
              </Alert>
            ) : null}
            <div className="flex justify-end">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Close
              </Button>
            </div>
          </div>
        ) : (
          <form
            className="space-y-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void (result ? doSubmit() : doPreview());
            }}
          >
            <div className="grid gap-4 sm:grid-cols-3">
              {target === 'provider' ? (
                <Field label="Provider" errors={errors.providerId}>
                  {(p) => (
                    <Select
                      {...p}
                      value={providerId}
                      onChange={(e) => {
                        setProviderId(e.target.value);
                        setResult(null);
                      }}
                      options={(providers ?? []).map((x) => ({ value: x.id, label: x.name }))}
                    />
                  )}
                </Field>
              ) : (
                <div className="text-sm sm:col-span-1">
                  <p className="font-medium text-slate-800">Models</p>
                  <p className="mt-1 text-slate-700">{modelIds.length === 1 ? modelIds[0] : `${modelIds.length} selected`}</p>
                  {errors.modelIds ? <p className="text-xs text-red-700">{errors.modelIds.join(' ')}</p> : null}
                </div>
              )}
              <Field label="New markup %" errors={errors.markupPercent} hint="0 to 1000, e.g. 45 or 37.5">
                {(p) => (
                  <Input
                    {...p}
                    name="markupPercent"
                    inputMode="decimal"
                    value={markupPercent}
                    onChange={(e) => {
                      setMarkup(e.target.value);
                      setResult(null);
                    }}
                  />
                )}
              </Field>
              <Field label="Expires on (optional)" errors={errors.expiresAt} hint="The override stops applying after this day">
                {(p) => <Input {...p} type="date" name="expiresOn" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />}
              </Field>
            </div>
            <Field label="Reason" errors={errors.reason} hint="Shown to the approver and kept in the audit trail">
              {(p) => <Textarea {...p} name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <FormError message={formError} />

            {result ? (
              <div className="space-y-2" data-testid="markup-preview">
                <p className="text-sm text-slate-700">
                  <strong>{result.affected}</strong> model{result.affected === 1 ? '' : 's'} change price
                  {result.unchanged ? `, ${result.unchanged} unchanged` : ''}.
                </p>
                {result.warnings.map((w) => (
                  <Alert key={w} tone="warning">
                    {w}
                  </Alert>
                ))}
                <DataTable
                  data={result.rows}
                  columns={previewColumns}
                  caption="Preview of new prices and margins"
                  search={false}
                  columnMenu={false}
                  pageSize={10}
                  getRowId={(r) => r.modelId}
                />
              </div>
            ) : null}

            <div className="flex flex-wrap justify-end gap-2">
              <Button variant="secondary" type="button" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button variant={result ? 'secondary' : 'primary'} type="button" loading={busy === 'preview'} onClick={() => void doPreview()}>
                {result ? 'Refresh preview' : 'Preview new prices'}
              </Button>
              {result ? (
                <Button type="submit" loading={busy === 'submit'}>
                  Submit for approval
                </Button>
              ) : null}
            </div>
          </form>
        )}
      </DialogContent>
    </DialogRoot>
  );
}
