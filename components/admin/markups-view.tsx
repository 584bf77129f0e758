'use client';

import Link from 'next/link';
import { useState } from 'react';
import { useActionForm } from '../forms/use-action-form';
import type { ActionResult } from '@/lib/http/action-result';
import type { MarkupRow, MarkupsData } from '@/lib/admin-views/markups';
import { clearMarkupSchema, defaultMarkupSchema } from '@/lib/admin-views/schemas';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../data-table/data-table';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ConfirmDialog, DialogContent, DialogFormActions, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input, Textarea } from '../ui/field';
import { humanize } from '../ui/format';
import { LocalTime } from '../ui/time';

type ProposalResult = ActionResult<{ id: string; title: string }>;
export type DefaultMarkupAction = (input: unknown) => Promise<ProposalResult>;
export type ClearMarkupAction = (input: unknown) => Promise<ProposalResult>;

const SCOPE_LABEL: Record<string, string> = {
  default_external: 'Default (external)',
  default_self_hosted: 'Default (self-hosted)',
  provider: 'Provider',
  model: 'Model',
  tenant_model: 'Tenant + model',
};

const h = columnHelper<MarkupRow>();

function ProposedLink({ r }: { r: ProposalResult | null }) {
  if (!r) return null;
  return r.ok ? (
    <Alert tone="success" title="Submitted for approval">
      <Link className="underline" href={`/admin/approvals/${r.data.id}`}>
        {r.data.title}
      </Link>
    </Alert>
  ) : null;
}

function DefaultMarkupDialog({
  scope,
  label,
  current,
  action,
}: {
  scope: 'default_external' | 'default_self_hosted';
  label: string;
  current: string;
  action: DefaultMarkupAction;
}) {
  const [open, setOpen] = useState(false);
  const [markupPercent, setMarkup] = useState(current);
  const [reason, setReason] = useState('');
  const { errors, result, busy, submit, reset } = useActionForm(defaultMarkupSchema, action, { refresh: false });
  return (
    <DialogRoot
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="secondary">
          Propose change
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Default markup: ${label}`}
        description="Applies to every model without a more specific override. Needs a second administrator's approval."
      >
        {result?.ok ? (
          <ProposedLink r={result} />
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              await submit({ scope, markupPercent, reason });
            }}
          >
            <Field label="New markup %" errors={errors.markupPercent}>
              {(p) => <Input {...p} inputMode="decimal" value={markupPercent} onChange={(e) => setMarkup(e.target.value)} />}
            </Field>
            <Field label="Reason" errors={errors.reason}>
              {(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <FormError message={result && !result.ok ? result.message : null} />
            <DialogFormActions onCancel={() => setOpen(false)} busy={busy}>
              Submit for approval
            </DialogFormActions>
          </form>
        )}
      </DialogContent>
    </DialogRoot>
  );
}

function ClearButton({ row, action }: { row: MarkupRow; action: ClearMarkupAction }) {
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<ProposalResult | null>(null);
  if (done?.ok) {
    return (
      <Link className="text-xs text-brand-700 underline" href={`/admin/approvals/${done.data.id}`}>
        Removal proposed
      </Link>
    );
  }
  return (
    <ConfirmDialog
      trigger={
        <Button size="sm" variant="ghost" aria-label={`Propose removing the override for ${row.target}`}>
          Remove…
        </Button>
      }
      title="Propose removing this override"
      description={`${SCOPE_LABEL[row.scope]} override of ${row.markupPercent}% on ${row.target}${row.tenant ? ` for ${row.tenant}` : ''}. After approval the next less specific markup applies.`}
      confirmLabel="Submit for approval"
      onConfirm={async () => {
        const input = {
          scope: row.scope,
          ...(row.scope === 'provider' ? { providerId: row.targetId ?? undefined } : {}),
          ...(row.scope === 'model' || row.scope === 'tenant_model' ? { modelId: row.targetId ?? undefined } : {}),
          ...(row.scope === 'tenant_model' ? { tenantId: row.tenantId ?? undefined } : {}),
          reason,
        };
        const p = clearMarkupSchema.safeParse(input);
        if (!p.success) return p.error.issues[0]?.message ?? 'Check the form';
        const r = await action(input);
        if (!r.ok) return r.message;
        setDone(r);
      }}
    >
      <Field label="Reason">{(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
    </ConfirmDialog>
  );
}

export function MarkupsView({
  data,
  canPropose,
  proposeDefault,
  proposeClear,
}: {
  data: MarkupsData;
  canPropose: boolean;
  proposeDefault: DefaultMarkupAction;
  proposeClear: ClearMarkupAction;
}) {
  const columns = [
    h.accessor((r) => SCOPE_LABEL[r.scope] ?? r.scope, { id: 'scope', header: 'Level', filterFn: exactFilter }),
    h.accessor('target', { header: 'Applies to', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
    h.accessor((r) => r.tenant ?? '', { id: 'tenant', header: 'Tenant', cell: (c) => c.getValue() || '—' }),
    h.accessor('markupPercent', { header: 'Markup', meta: { align: 'right', label: 'Markup %' }, sortFn: decimalSort, cell: (c) => `${c.getValue()}%` }),
    h.accessor('reason', { header: 'Why', cell: (c) => <span className="line-clamp-2 max-w-xs text-slate-700">{c.getValue() || '—'}</span> }),
    h.accessor((r) => r.setBy ?? '', { id: 'setBy', header: 'Set by', cell: (c) => c.getValue() || 'system' }),
    h.accessor((r) => r.setAt ?? '', { id: 'setAt', header: 'When', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
    h.accessor((r) => r.expiresAt ?? '', {
      id: 'expiresAt',
      header: 'Expires',
      cell: (c) => {
        const r = c.row.original;
        if (!r.expiresAt) return <span className="text-slate-600">never</span>;
        return (
          <span className="inline-flex flex-wrap items-center gap-1.5">
            <LocalTime value={r.expiresAt} mode="date" />
            {r.status === 'expiring_soon' ? <Badge tone="warning">in {r.daysLeft} days</Badge> : null}
            {r.status === 'expired' ? <Badge tone="neutral">expired</Badge> : null}
          </span>
        );
      },
    }),
    h.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => humanize(c.getValue()) }),
    ...(canPropose
      ? [
          h.display({
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            meta: { noCsv: true, label: 'Actions' },
            enableHiding: false,
            cell: (c) => <ClearButton row={c.row.original} action={proposeClear} />,
          }),
        ]
      : []),
  ];

  return (
    <div className="space-y-6">
      {data.expiringSoon > 0 ? (
        <Alert tone="warning" title={`${data.expiringSoon} override${data.expiringSoon === 1 ? '' : 's'} expire within 14 days`}>
          When an override expires, the next less specific markup applies automatically. Renew it or let it lapse.
        </Alert>
      ) : null}
      <div className="grid gap-4 md:grid-cols-2">
        {data.defaults.map((d) => (
          <Card key={d.scope}>
            <CardHeader
              title={`Default markup: ${d.label}`}
              description={d.source === 'built-in' ? 'Built-in default' : `Override set by ${d.override?.setBy ?? 'system'}`}
              actions={canPropose ? <DefaultMarkupDialog scope={d.scope} label={d.label} current={d.markupPercent} action={proposeDefault} /> : null}
            />
            <CardBody>
              <p className="text-3xl font-semibold tabular-nums">{d.markupPercent}%</p>
              {d.override?.reason ? <p className="mt-1 text-sm text-slate-600">{d.override.reason}</p> : null}
            </CardBody>
          </Card>
        ))}
      </div>
      <Card>
        <CardHeader title="Overrides" description="Most specific first: tenant + model, then model, then provider, then the default." />
        <CardBody>
          <DataTable
            data={data.overrides}
            columns={columns}
            caption="Markup overrides"
            testId="markups-table"
            getRowId={(r) => r.id}
            csvFilename="radiant-markups.csv"
            facets={[
              { columnId: 'scope', label: 'Level' },
              {
                columnId: 'status',
                label: 'Status',
                options: [
                  { value: 'active', label: 'Active' },
                  { value: 'expiring_soon', label: 'Expiring soon' },
                  { value: 'expired', label: 'Expired' },
                ],
              },
            ]}
            rowClassName={(r) => (r.status === 'expiring_soon' ? 'bg-amber-50' : r.status === 'expired' ? 'text-slate-500' : undefined)}
            empty="No overrides: every model uses the default markup."
          />
        </CardBody>
      </Card>
    </div>
  );
}
