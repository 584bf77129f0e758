'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import type { TenantDetail, TenantListRow } from '@/lib/admin-views/tenants';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import type { FormAction } from '../forms/action-form';
import { ContractPriceDialog, EditTenantDialog, InvitePersonDialog, ModelAccessDialog, PersonActions, StatusDialogs } from './tenant-forms';
import { BarChart, TimeSeriesChart } from '../charts/charts';
import { columnHelper, DataTable, decimalSort, exactFilter } from '../data-table/data-table';
import { Badge, StatusBadge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { DialogContent, DialogFormActions, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Field, FormError, Select, Textarea } from '../ui/field';
import { displayNumber, formatAmount, formatCount, formatPercent } from '../ui/format';
import { Money } from '../ui/money';
import { DescriptionList, Stat, StatGrid } from '../ui/page';
import { Tabs } from '../ui/tabs';
import { LocalTime } from '../ui/time';

const t = serverColumnHelper<TenantListRow>();
const listColumns = [
  t.accessor('name', {
    header: 'Tenant',
    meta: { priority: 1, sortKey: 'name' },
    cell: (c) => (
      <>
        <Link href={`/admin/tenants/${c.row.original.id}`} className="font-medium text-brand-700 hover:underline">
          {c.getValue()}
        </Link>
        <span className="block font-mono text-xs text-slate-600">{c.row.original.slug}</span>
      </>
    ),
  }),
  t.accessor((r) => `${r.tier} · ${r.tierName}`, { id: 'tier', header: 'Tier', meta: { priority: 3 } }),
  t.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  t.accessor('monthToDateSpend', {
    header: 'Month to date',
    meta: { align: 'right', priority: 1 },
    cell: (c) => {
      const r = c.row.original;
      const used = r.budgetUsedPercent;
      const n = used ? Number(used) : 0;
      return (
        <>
          <Money value={c.getValue()} currency={r.currency} />
          <span className={`block text-xs ${n >= 100 ? 'font-semibold text-red-700' : n >= 80 ? 'font-semibold text-amber-800' : 'text-slate-600'}`}>
            {r.monthlyBudget ? `${used ? formatPercent(used) : '0%'} of ${formatAmount(r.monthlyBudget, r.currency)}` : 'no cap'}
          </span>
        </>
      );
    },
  }),
  t.accessor('users', { header: 'Users', meta: { align: 'right', priority: 3 } }),
  t.accessor('activeKeys', { header: 'Active keys', meta: { align: 'right', priority: 2 }, cell: (c) => formatCount(c.getValue()) }),
  t.accessor('createdAt', { header: 'Since', meta: { priority: 3, sortKey: 'created' }, cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
];

export function TenantsTable({ page, sort, dir, csvHref }: { page: Page<TenantListRow>; sort: string; dir: 'asc' | 'desc'; csvHref: string }) {
  return (
    <ServerTable
      rows={page.rows}
      columns={listColumns}
      caption="Tenants"
      testId="tenants-table"
      getRowId={(r) => r.id}
      next={page.next}
      sort={sort}
      dir={dir}
      csvHref={csvHref}
      empty="No tenants match."
    />
  );
}

type D = TenantDetail;
const am = columnHelper<D['modelAccess'][number]>();
const accessColumns = [
  am.accessor('model', { header: 'Model', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  am.accessor((r) => (r.enabled ? 'allowed' : 'blocked'), {
    id: 'enabled',
    header: 'Access',
    filterFn: exactFilter,
    cell: (c) => <Badge tone={c.getValue() === 'allowed' ? 'success' : 'danger'}>{c.getValue()}</Badge>,
  }),
  am.accessor((r) => r.markupPercent ?? '', {
    id: 'markup',
    header: 'Tenant markup',
    meta: { align: 'right', label: 'Tenant markup %' },
    cell: (c) => (c.getValue() ? `${c.getValue()}%` : '—'),
  }),
  am.accessor((r) => r.markupReason ?? '', { id: 'why', header: 'Why', cell: (c) => <span className="line-clamp-2 max-w-xs">{c.getValue() || '—'}</span> }),
  am.accessor((r) => r.markupSetBy ?? '', { id: 'by', header: 'Set by', cell: (c) => c.getValue() || '—' }),
  am.accessor((r) => r.markupSetAt ?? '', { id: 'at', header: 'When', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
  am.accessor((r) => r.markupExpiresAt ?? '', {
    id: 'exp',
    header: 'Expires',
    cell: (c) => (c.getValue() ? <LocalTime value={c.getValue()} mode="date" /> : 'never'),
  }),
  am.accessor((r) => r.rateLimitRpm ?? '', {
    id: 'rpm',
    header: 'RPM limit',
    meta: { align: 'right' },
    cell: (c) => (c.getValue() === '' ? 'tier' : formatCount(c.getValue())),
  }),
];
const us = columnHelper<D['users'][number]>();
const userColumns = [
  us.accessor('email', { header: 'Email' }),
  us.accessor((r) => r.name ?? '', { id: 'name', header: 'Name' }),
  us.accessor('role', { header: 'Role', filterFn: exactFilter }),
  us.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} /> }),
  us.accessor((r) => r.lastLoginAt ?? '', { id: 'last', header: 'Last sign-in', cell: (c) => <LocalTime value={c.getValue() || null} /> }),
];
const iv = columnHelper<{ id: string; email: string; role: string; status: string; expiresAt: string }>();
const invitationColumns = [
  iv.accessor('email', { header: 'Invited' }),
  iv.accessor('role', { header: 'Role' }),
  iv.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} /> }),
  iv.accessor('expiresAt', { header: 'Expires', cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
];
const ks = columnHelper<D['keys'][number]>();
const keyColumns = [
  ks.accessor('name', { header: 'Name', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  ks.accessor('keyPrefix', { header: 'Key', cell: (c) => <code className="text-xs">{c.getValue()}…</code> }),
  ks.accessor((r) => r.scopes.join(', '), { id: 'scopes', header: 'Scopes' }),
  ks.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  ks.accessor((r) => r.rateLimitRpm ?? '', {
    id: 'rpm',
    header: 'RPM',
    meta: { align: 'right' },
    cell: (c) => (c.getValue() === '' ? 'tier' : formatCount(c.getValue())),
  }),
  ks.accessor((r) => r.monthlyBudget ?? '', {
    id: 'budget',
    header: 'Monthly cap',
    meta: { align: 'right' },
    cell: (c) => (c.getValue() ? <Money value={c.getValue()} /> : '—'),
  }),
  ks.accessor('usageCount', { header: 'Requests', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  ks.accessor((r) => r.lastUsedAt ?? '', { id: 'lastUsed', header: 'Last used', cell: (c) => <LocalTime value={c.getValue() || null} /> }),
  ks.accessor('createdAt', { header: 'Created', cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
];
const um = columnHelper<D['usageByModel'][number]>();
const usageColumns = [
  um.accessor('model', { header: 'Model' }),
  um.accessor('requests', { header: 'Requests', meta: { align: 'right' }, cell: (c) => formatCount(c.getValue()) }),
  um.accessor('revenue', { header: 'Revenue', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} kind="small" /> }),
  um.accessor('cost', { header: 'Cost', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} kind="small" /> }),
];
const inv = columnHelper<D['invoices'][number]>();
const invoiceColumns = [
  inv.accessor((r) => r.invoiceNumber ?? 'draft', {
    id: 'number',
    header: 'Invoice',
    cell: (c) => (
      <Link className="font-medium text-brand-700 hover:underline" href={`/admin/billing/invoices/${c.row.original.id}`}>
        {c.getValue()}
      </Link>
    ),
  }),
  inv.accessor('period', { header: 'Period' }),
  inv.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  inv.accessor('totalAmount', {
    header: 'Total',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => <Money value={c.getValue()} currency={c.row.original.currency} />,
  }),
  inv.accessor((r) => r.issuedAt ?? '', { id: 'issued', header: 'Issued', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
];

export type TierAction = (input: unknown) => Promise<ActionResult<{ id: string; title: string }>>;

function TierDialog({ tenant, action }: { tenant: D['tenant']; action: TierAction }) {
  const [open, setOpen] = useState(false);
  const [tier, setTier] = useState(String(tenant.tier));
  const [reason, setReason] = useState('');
  const [res, setRes] = useState<Awaited<ReturnType<TierAction>> | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <DialogRoot open={open} onOpenChange={(o) => (setOpen(o), o ? null : setRes(null))}>
      <DialogTrigger asChild>
        <Button size="sm" variant="secondary">
          Change tier…
        </Button>
      </DialogTrigger>
      <DialogContent title={`Change the tier of ${tenant.name}`} description="Tiers set rate limits. The change needs a second administrator's approval.">
        {res?.ok ? (
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
              if (Number(tier) === tenant.tier)
                return setRes({ ok: false, message: 'Choose a different tier', fieldErrors: { tier: ['Choose a different tier'] } });
              setBusy(true);
              setRes(await action({ tenantId: tenant.id, tier: Number(tier), reason }));
              setBusy(false);
            }}
          >
            <Field label="Tier" errors={res && !res.ok ? res.fieldErrors?.tier : null}>
              {(p) => (
                <Select {...p} value={tier} onChange={(e) => setTier(e.target.value)}>
                  {['1 · Seed', '2 · Startup', '3 · Growth', '4 · Scale', '5 · Enterprise'].map((l, i) => (
                    <option key={l} value={String(i + 1)}>
                      {l}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Reason (optional)">{(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}</Field>
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

export interface TenantDetailActions {
  canPropose: boolean;
  canManage: boolean;
  canPrice: boolean;
  proposeTier: TierAction;
  update: FormAction<null>;
  proposeStatus: FormAction<{ id: string; title: string }>;
  proposeAccess: FormAction<{ id: string; title: string }>;
  proposeContract: FormAction<{ id: string; title: string }>;
  invite: FormAction<{ email: string; acceptUrl: string | null }>;
  changeRole: FormAction<null>;
  remove: FormAction<null>;
  transfer: FormAction<null>;
}

export function TenantDetailView({
  data,
  models,
  invitations,
  actions: a,
}: {
  data: D;
  models: Array<{ value: string; label: string }>;
  invitations: Array<{ id: string; email: string; role: string; status: string; expiresAt: string }>;
  actions: TenantDetailActions;
}) {
  const canPropose = a.canPropose;
  const proposeTier = a.proposeTier;
  const tn = data.tenant;
  const chart = data.usage.map((d) => ({ day: d.day, revenue: displayNumber(d.revenue), cost: displayNumber(d.cost), requests: d.requests }));
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Account"
          actions={
            <div className="flex flex-wrap gap-2">
              {a.canManage ? <EditTenantDialog tenant={tn} action={a.update} /> : null}
              {canPropose ? <TierDialog tenant={tn} action={proposeTier} /> : null}
              {canPropose ? <StatusDialogs tenantId={tn.id} name={tn.name} status={tn.status} action={a.proposeStatus} /> : null}
            </div>
          }
        />
        <CardBody>
          <DescriptionList
            items={[
              { label: 'Status', value: <StatusBadge status={tn.status} /> },
              { label: 'Tier', value: `${tn.tier} · ${tn.tierName}` },
              { label: 'Billing email', value: tn.billingEmail ?? '—' },
              { label: 'Domain', value: tn.domain ?? '—' },
              { label: 'Currency', value: tn.currency },
              { label: 'Tax rate', value: `${tn.taxRatePercent}%` },
              { label: 'Response cache', value: tn.responseCacheEnabled ? `on · ${tn.responseCacheTtlSeconds ?? 3600} s` : 'off' },
              { label: 'Request logging', value: tn.requestLoggingEnabled ? `on · kept ${tn.requestLogRetentionDays} days` : 'off' },
              { label: 'Providers', value: tn.hipaaOnlyProviders ? 'HIPAA-eligible only' : 'all' },
              ...(tn.notes ? [{ label: 'Notes', value: <span className="whitespace-pre-wrap">{tn.notes}</span> }] : []),
            ]}
          />
        </CardBody>
      </Card>
      <StatGrid>
        <Stat label="Month to date" value={formatAmount(tn.monthToDateSpend, tn.currency)} />
        <Stat
          label="Monthly budget"
          value={tn.monthlyBudget ? formatAmount(tn.monthlyBudget, tn.currency) : 'no cap'}
          hint={tn.budgetUsedPercent ? `${formatPercent(tn.budgetUsedPercent)} used` : undefined}
        />
        <Stat label="Revenue, 30 days" value={formatAmount(data.revenue30d, tn.currency)} />
        <Stat label="Active keys" value={formatCount(tn.activeKeys)} hint={`${tn.users} users`} />
      </StatGrid>
      <Tabs
        label="Tenant details"
        items={[
          {
            id: 'usage',
            label: 'Usage',
            content: (
              <div className="space-y-6">
                <Card>
                  <CardBody>
                    <TimeSeriesChart
                      title="Revenue and cost per day (30 days)"
                      data={chart}
                      xKey="day"
                      series={[
                        { key: 'revenue', label: 'Revenue' },
                        { key: 'cost', label: 'Cost', color: '#d97706' },
                      ]}
                    />
                  </CardBody>
                </Card>
                <Card>
                  <CardBody>
                    <BarChart title="Requests per day" data={chart} xKey="day" format="count" series={[{ key: 'requests', label: 'Requests' }]} />
                  </CardBody>
                </Card>
                <DataTable data={data.usageByModel} columns={usageColumns} caption="Usage by model, 30 days" csvFilename={`${tn.slug}-usage-by-model.csv`} />
              </div>
            ),
          },
          {
            id: 'access',
            label: `Model access (${data.modelAccess.length})`,
            content: (
              <div className="space-y-3">
                {canPropose || a.canPrice ? (
                  <div className="flex flex-wrap gap-2">
                    {canPropose ? <ModelAccessDialog tenantId={tn.id} models={models} action={a.proposeAccess} /> : null}
                    {a.canPrice ? <ContractPriceDialog tenantId={tn.id} models={models} action={a.proposeContract} /> : null}
                  </div>
                ) : null}
                <DataTable
                  data={data.modelAccess}
                  columns={accessColumns}
                  caption="Model access and tenant overrides"
                  csvFilename={`${tn.slug}-model-access.csv`}
                  empty="No per-tenant rules: every enabled model is available at the platform markups."
                />
              </div>
            ),
          },
          {
            id: 'users',
            label: `People (${data.users.length})`,
            content: (
              <div className="space-y-3">
                {a.canManage ? <InvitePersonDialog tenantId={tn.id} action={a.invite} /> : null}
                <DataTable
                  data={data.users}
                  columns={
                    a.canManage
                      ? [
                          ...userColumns,
                          us.display({
                            id: 'actions',
                            header: 'Actions',
                            meta: { noCsv: true },
                            cell: (c) => (
                              <PersonActions
                                tenantId={tn.id}
                                userId={c.row.original.id}
                                email={c.row.original.email}
                                role={c.row.original.role}
                                changeRole={a.changeRole}
                                remove={a.remove}
                                transfer={a.transfer}
                              />
                            ),
                          }),
                        ]
                      : userColumns
                  }
                  caption="People"
                  getRowId={(r) => r.id}
                />
                {invitations.length ? (
                  <DataTable
                    data={invitations}
                    columns={invitationColumns}
                    caption="Invitations"
                    showCaption
                    getRowId={(r) => r.id}
                    search={false}
                    columnMenu={false}
                  />
                ) : null}
              </div>
            ),
          },
          {
            id: 'keys',
            label: `API keys (${formatCount(tn.activeKeys)} active)`,
            content: (
              <div className="space-y-2">
                <DataTable data={data.keys} columns={keyColumns} caption="API keys" getRowId={(r) => r.id} />
                <p className="text-sm">
                  {data.keys.length} newest shown.{' '}
                  <Link className="font-medium text-brand-700 underline" href={`/admin/tenants/${tn.id}/keys`}>
                    All keys, searchable
                  </Link>
                </p>
              </div>
            ),
          },
          {
            id: 'invoices',
            label: `Invoices (${data.invoices.length})`,
            content: <DataTable data={data.invoices} columns={invoiceColumns} caption="Invoices" getRowId={(r) => r.id} empty="No invoices yet." />,
          },
        ]}
      />
    </div>
  );
}
