'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { ProviderRow, ProvidersPageData, RoutingRuleRow } from '@/lib/admin-views/providers';
import { providerBaseUrlSchema, providerToggleSchema, ROUTING_ACTIONS, routingRuleSchema } from '@/lib/admin-views/schemas';
import { columnHelper, DataTable, exactFilter } from '../data-table/data-table';
import { Badge, StatusBadge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ConfirmDialog, DialogContent, DialogFormActions, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Checkbox, Field, FormError, Input, Select, Textarea } from '../ui/field';
import { formatCount, formatPercent } from '../ui/format';
import { LocalTime } from '../ui/time';
import { Tooltip } from '../ui/tooltip';

type Proposal = ActionResult<{ id: string; title: string }>;
export interface ProviderActions {
  toggle: (input: unknown) => Promise<Proposal>;
  baseUrl: (input: unknown) => Promise<Proposal>;
  saveRule: (input: unknown) => Promise<ActionResult<{ id: string; title: string }>>;
  deleteRule: (id: string) => Promise<ActionResult<{ id: string; title: string }>>;
}

function Submitted({ r }: { r: Proposal }) {
  return r.ok ? (
    <Alert tone="success" title="Submitted for approval">
      <Link className="underline" href={`/admin/approvals/${r.data.id}`}>
        {r.data.title}
      </Link>
    </Alert>
  ) : null;
}

function ProviderChangeDialog({ p, actions }: { p: ProviderRow; actions: ProviderActions }) {
  const [open, setOpen] = useState(false);
  const [mode, setMode] = useState<'toggle' | 'url'>('toggle');
  const [url, setUrl] = useState(p.apiBaseUrl ?? '');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [res, setRes] = useState<Proposal | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <DialogRoot open={open} onOpenChange={(o) => (setOpen(o), o ? null : (setRes(null), setErrors({})))}>
      <DialogTrigger asChild>
        <Button size="sm" variant="secondary" aria-label={`Change ${p.name}`}>
          Change…
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Change ${p.name}`}
        description="Provider changes need a second administrator's approval. A new base URL is critical risk: a super admin must approve it."
      >
        {res?.ok ? (
          <Submitted r={res} />
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              const input = mode === 'toggle' ? { providerId: p.id, enabled: !p.enabled, reason } : { providerId: p.id, apiBaseUrl: url, reason };
              const parsed = mode === 'toggle' ? providerToggleSchema.safeParse(input) : providerBaseUrlSchema.safeParse(input);
              if (!parsed.success) return setErrors(fieldErrorsFrom(parsed.error.issues));
              setBusy(true);
              const r = mode === 'toggle' ? await actions.toggle(input) : await actions.baseUrl(input);
              setBusy(false);
              setRes(r);
              setErrors(r.ok ? {} : (r.fieldErrors ?? {}));
            }}
          >
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">What to change</legend>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="mode" checked={mode === 'toggle'} onChange={() => setMode('toggle')} />
                {p.enabled ? 'Disable' : 'Enable'} this provider
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" name="mode" checked={mode === 'url'} onChange={() => setMode('url')} />
                Change the API base URL
              </label>
            </fieldset>
            {mode === 'url' ? (
              <Field label="API base URL" errors={errors.apiBaseUrl} hint="Empty = the built-in default or the environment override">
                {(fp) => <Input {...fp} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://api.example.com/v1" />}
              </Field>
            ) : p.enabled ? (
              <Alert tone="warning">Disabling stops routing to every model of {p.name}; requests fall back or fail.</Alert>
            ) : null}
            <Field label="Reason" errors={errors.reason}>
              {(fp) => <Textarea {...fp} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
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

const emptyRule = {
  name: '',
  description: '',
  priority: '100',
  enabled: true,
  action: 'route' as (typeof ROUTING_ACTIONS)[number],
  tenantId: '',
  models: '',
  categories: '',
  capabilities: '',
  targetProvider: '',
  targetModel: '',
  fallbackModels: '',
  rateLimitRpm: '',
};

function RuleDialog({
  rule,
  tenants,
  save,
  trigger,
}: {
  rule?: RoutingRuleRow;
  tenants: Array<{ id: string; name: string }>;
  save: ProviderActions['saveRule'];
  trigger: React.ReactNode;
}) {
  const router = useRouter();
  const init = rule
    ? {
        name: rule.name,
        description: rule.description ?? '',
        priority: String(rule.priority),
        enabled: rule.enabled,
        action: rule.action as (typeof ROUTING_ACTIONS)[number],
        tenantId: rule.tenantId ?? '',
        models: rule.conditions.models.join(', '),
        categories: rule.conditions.categories.join(', '),
        capabilities: rule.conditions.capabilities.join(', '),
        targetProvider: rule.targetProvider ?? '',
        targetModel: rule.targetModel ?? '',
        fallbackModels: rule.fallbackModels.join(', '),
        rateLimitRpm: rule.rateLimitRpm ? String(rule.rateLimitRpm) : '',
      }
    : emptyRule;
  const [open, setOpen] = useState(false);
  const [f, setF] = useState(init);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  return (
    <DialogRoot open={open} onOpenChange={(o) => (setOpen(o), o ? (setF(init), setProposal(null)) : (setErrors({}), setFormError(null)))}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent
        wide
        title={rule ? `Edit rule "${rule.name}"` : 'New routing rule'}
        description="Rules apply in priority order (lowest first). Saving PROPOSES the rule: it takes effect when a second administrator approves it (the request shows its price effect)."
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={async (e) => {
            e.preventDefault();
            const input = {
              ...(rule ? { id: rule.id } : {}),
              ...f,
              description: f.description || undefined,
              targetProvider: f.targetProvider || undefined,
              targetModel: f.targetModel || undefined,
              rateLimitRpm: f.rateLimitRpm === '' ? undefined : f.rateLimitRpm,
            };
            const p = routingRuleSchema.safeParse(input);
            if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
            setBusy(true);
            const r = await save(input);
            setBusy(false);
            if (!r.ok) {
              setFormError(r.message);
              setErrors(r.fieldErrors ?? {});
              return;
            }
            // Proposed, not applied: say so and link the request (it shows the price effect).
            setProposal(r);
            router.refresh();
          }}
        >
          {proposal ? <Submitted r={proposal} /> : null}
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Name" errors={errors.name}>
              {(p) => <Input {...p} value={f.name} onChange={set('name')} />}
            </Field>
            <Field label="Action" errors={errors.action}>
              {(p) => (
                <Select {...p} value={f.action} onChange={set('action')} options={ROUTING_ACTIONS.map((a) => ({ value: a, label: a.replace('_', ' ') }))} />
              )}
            </Field>
            <Field label="Priority" errors={errors.priority} hint="Lower runs first">
              {(p) => <Input {...p} inputMode="numeric" value={f.priority} onChange={set('priority')} />}
            </Field>
          </div>
          <Field label="Description" errors={errors.description}>
            {(p) => <Input {...p} value={f.description} onChange={set('description')} />}
          </Field>
          <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-3 sm:grid-cols-2">
            <legend className="px-1 text-sm font-medium text-slate-800">When (all given must match)</legend>
            <Field label="Tenant" errors={errors.tenantId}>
              {(p) => (
                <Select
                  {...p}
                  value={f.tenantId}
                  onChange={set('tenantId')}
                  emptyLabel="Every tenant"
                  options={tenants.map((t) => ({ value: t.id, label: t.name }))}
                />
              )}
            </Field>
            <Field label="Models (comma-separated names)" errors={errors.models}>
              {(p) => <Input {...p} value={f.models} onChange={set('models')} />}
            </Field>
            <Field label="Categories" errors={errors.categories}>
              {(p) => <Input {...p} value={f.categories} onChange={set('categories')} placeholder="text_generation, reasoning" />}
            </Field>
            <Field label="Capabilities" errors={errors.capabilities}>
              {(p) => <Input {...p} value={f.capabilities} onChange={set('capabilities')} placeholder="vision, function_calling" />}
            </Field>
          </fieldset>
          <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-3 sm:grid-cols-2">
            <legend className="px-1 text-sm font-medium text-slate-800">Then</legend>
            <Field label="Target provider" errors={errors.targetProvider}>
              {(p) => <Input {...p} value={f.targetProvider} onChange={set('targetProvider')} />}
            </Field>
            <Field label="Target model" errors={errors.targetModel}>
              {(p) => <Input {...p} value={f.targetModel} onChange={set('targetModel')} />}
            </Field>
            <Field label="Fallback models (in order)" errors={errors.fallbackModels}>
              {(p) => <Input {...p} value={f.fallbackModels} onChange={set('fallbackModels')} />}
            </Field>
            <Field label="Rate limit (requests / minute)" errors={errors.rateLimitRpm}>
              {(p) => <Input {...p} inputMode="numeric" value={f.rateLimitRpm} onChange={set('rateLimitRpm')} />}
            </Field>
          </fieldset>
          <Checkbox label="Enabled" checked={f.enabled} onChange={(e) => setF((s) => ({ ...s, enabled: e.target.checked }))} />
          <FormError message={formError} />
          <DialogFormActions onCancel={() => setOpen(false)} busy={busy}>
            {rule ? 'Save rule' : 'Create rule'}
          </DialogFormActions>
        </form>
      </DialogContent>
    </DialogRoot>
  );
}

const hp = columnHelper<ProviderRow>();
const rr = columnHelper<RoutingRuleRow>();
const rj = columnHelper<ProvidersPageData['rejectionsByModel'][number]>();

export function ProvidersView({ data, canChange, actions }: { data: ProvidersPageData; canChange: boolean; actions: ProviderActions }) {
  const router = useRouter();
  // A deletion is a proposal: the rule stays listed until it is approved, so say where it went.
  const [deletion, setDeletion] = useState<Proposal | null>(null);
  const healthColumns = [
    hp.accessor('name', {
      header: 'Provider',
      enableHiding: false,
      cell: (c) => (
        <div>
          <p className="font-medium">{c.getValue()}</p>
          <p className="text-xs text-slate-600">
            {c.row.original.id} · {c.row.original.wireFormat}
            {c.row.original.isSelfHosted ? ' · self-hosted' : ''}
          </p>
          {c.row.original.notServedReason ? <p className="max-w-md text-xs text-amber-800">Not offered: {c.row.original.notServedReason}</p> : null}
        </div>
      ),
    }),
    hp.accessor((r) => r.health.status, {
      id: 'health',
      header: 'Health',
      filterFn: exactFilter,
      cell: (c) => {
        const h = c.row.original.health;
        const badge = <StatusBadge status={c.getValue()} />;
        const note = [
          h.source === 'traffic' ? 'Judged from the last 24 h of traffic' : h.source === 'none' ? 'No traffic yet' : null,
          h.lastError ? `Last error: ${h.lastError}` : null,
        ]
          .filter(Boolean)
          .join(' · ');
        return note ? <Tooltip content={note}>{badge}</Tooltip> : badge;
      },
    }),
    hp.accessor((r) => r.health.latencyMs ?? r.traffic24h.avgLatencyMs ?? '', {
      id: 'latency',
      header: 'Latency',
      meta: { align: 'right', label: 'Latency (ms)' },
      cell: (c) => (c.getValue() === '' ? '—' : `${formatCount(c.getValue())} ms`),
    }),
    hp.accessor((r) => r.health.errorRatePercent ?? r.traffic24h.errorRatePercent, {
      id: 'errorRate',
      header: 'Error rate',
      meta: { align: 'right' },
      cell: (c) => formatPercent(c.getValue()),
    }),
    hp.accessor((r) => r.traffic24h.requests, { id: 'req24', header: 'Requests 24 h', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
    hp.accessor((r) => r.health.consecutiveFailures, { id: 'fails', header: 'Consecutive failures', meta: { align: 'right' } }),
    hp.accessor('rejections30d', { header: 'Rejections 30 d', meta: { align: 'right' } }),
    hp.accessor((r) => `${r.enabledModels}/${r.models}`, { id: 'models', header: 'Models on' }),
    hp.accessor((r) => (r.enabled ? 'enabled' : 'disabled'), {
      id: 'enabled',
      header: 'State',
      filterFn: exactFilter,
      cell: (c) => <Badge tone={c.getValue() === 'enabled' ? 'success' : 'neutral'}>{c.getValue()}</Badge>,
    }),
    hp.accessor((r) => r.apiBaseUrl ?? '', {
      id: 'baseUrl',
      header: 'Base URL',
      cell: (c) => <span className="font-mono text-xs break-all">{c.getValue() || 'default'}</span>,
    }),
    hp.accessor((r) => r.health.lastCheckAt ?? '', {
      id: 'checked',
      header: 'Last check',
      cell: (c) => <LocalTime value={c.getValue() || null} mode="relative" />,
    }),
    ...(canChange
      ? [
          hp.display({
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            meta: { noCsv: true, label: 'Actions' },
            enableHiding: false,
            cell: (c) => <ProviderChangeDialog p={c.row.original} actions={actions} />,
          }),
        ]
      : []),
  ];
  const ruleColumns = [
    rr.accessor('priority', { header: 'Priority', meta: { align: 'right' } }),
    rr.accessor('name', { header: 'Rule', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
    rr.accessor('action', { header: 'Action', filterFn: exactFilter, cell: (c) => <Badge tone="brand">{c.getValue().replace('_', ' ')}</Badge> }),
    rr.accessor(
      (r) =>
        [
          r.tenant ? `tenant ${r.tenant}` : null,
          r.conditions.models.length ? `models ${r.conditions.models.join(', ')}` : null,
          r.conditions.categories.length ? `categories ${r.conditions.categories.join(', ')}` : null,
          r.conditions.capabilities.length ? `capabilities ${r.conditions.capabilities.join(', ')}` : null,
        ]
          .filter(Boolean)
          .join('; ') || 'everything',
      { id: 'when', header: 'When' },
    ),
    rr.accessor(
      (r) =>
        [
          r.targetModel ? `→ ${r.targetModel}` : null,
          r.targetProvider ? `via ${r.targetProvider}` : null,
          r.fallbackModels.length ? `fallback ${r.fallbackModels.join(' → ')}` : null,
          r.rateLimitRpm ? `${r.rateLimitRpm} rpm` : null,
        ]
          .filter(Boolean)
          .join(' ') || '—',
      { id: 'then', header: 'Then' },
    ),
    rr.accessor((r) => (r.enabled ? 'on' : 'off'), {
      id: 'enabled',
      header: 'Enabled',
      cell: (c) => <Badge tone={c.getValue() === 'on' ? 'success' : 'neutral'}>{c.getValue()}</Badge>,
    }),
    rr.accessor('updatedAt', { header: 'Updated', cell: (c) => <LocalTime value={c.getValue()} /> }),
    ...(canChange
      ? [
          rr.display({
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            meta: { noCsv: true, label: 'Actions' },
            enableHiding: false,
            cell: (c) => (
              <div className="flex gap-1.5">
                <RuleDialog
                  rule={c.row.original}
                  tenants={data.tenants}
                  save={actions.saveRule}
                  trigger={
                    <Button size="sm" variant="secondary">
                      Edit
                    </Button>
                  }
                />
                <ConfirmDialog
                  trigger={
                    <Button size="sm" variant="ghost">
                      Delete…
                    </Button>
                  }
                  title={`Delete rule "${c.row.original.name}"?`}
                  description="Proposes the deletion: once a second administrator approves it, traffic it matched goes back to the default routing."
                  confirmLabel="Delete rule"
                  onConfirm={async () => {
                    const r = await actions.deleteRule(c.row.original.id);
                    if (!r.ok) return r.message;
                    setDeletion(r);
                    router.refresh();
                  }}
                />
              </div>
            ),
          }),
        ]
      : []),
  ];
  const rejectionColumns = [
    rj.accessor('modelId', { header: 'Model' }),
    rj.accessor('providerId', { header: 'Provider', filterFn: exactFilter }),
    rj.accessor('rejections', { header: 'Rejections', meta: { align: 'right' } }),
    rj.accessor('fallbackSuccesses', { header: 'Fallback succeeded', meta: { align: 'right' } }),
  ];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Health" description="From live traffic. A provider with 3 consecutive failures cools down for 60 s." />
        <CardBody>
          <DataTable
            data={data.providers}
            columns={healthColumns}
            caption="Provider health"
            testId="providers-table"
            getRowId={(r) => r.id}
            csvFilename="radiant-providers.csv"
            initialColumnVisibility={{ checked: false, fails: false }}
            facets={[
              { columnId: 'health', label: 'Health' },
              { columnId: 'enabled', label: 'State' },
            ]}
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Routing rules"
          description="Route, fall back, block or rate-limit traffic by tenant, model, category or capability."
          actions={canChange ? <RuleDialog tenants={data.tenants} save={actions.saveRule} trigger={<Button size="sm">New rule</Button>} /> : null}
        />
        <CardBody>
          {deletion ? <Submitted r={deletion} /> : null}
          <DataTable
            data={data.rules}
            columns={ruleColumns}
            caption="Routing rules"
            testId="routing-rules-table"
            getRowId={(r) => r.id}
            csvFilename="radiant-routing-rules.csv"
            empty="No routing rules: requests go to the model they name."
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Content-policy rejections" description="Last 30 days, per model (no prompt text is stored)." />
        <CardBody>
          <DataTable
            data={data.rejectionsByModel}
            columns={rejectionColumns}
            caption="Rejections by model"
            csvFilename="radiant-rejections.csv"
            empty="No provider refused a request in the last 30 days."
          />
        </CardBody>
      </Card>
    </div>
  );
}
