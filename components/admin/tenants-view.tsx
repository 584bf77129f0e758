'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import type { TenantDetail, TenantListRow } from '@/lib/admin-views/tenants';
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

const t = columnHelper<TenantListRow>();
const listColumns = [
  t.accessor('name', {
    header: 'Tenant',
    enableHiding: false,
    cell: (c) => (
      <Link href={`/admin/tenants/${c.row.original.id}`} className="font-medium text-brand-700 hover:underline">
        {c.getValue()}
      </Link>
    ),
  }),
  t.accessor('slug', { header: 'Slug', cell: (c) => <span className="font-mono text-xs">{c.getValue()}</span> }),
  t.accessor((r) => `${r.tier} · ${r.tierName}`, { id: 'tier', header: 'Tier', filterFn: exactFilter }),
  t.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  t.accessor('monthToDateSpend', { header: 'Month to date', meta: { align: 'right', label: 'Month-to-date spend' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} currency={c.row.original.currency} /> }),
  t.accessor((r) => r.monthlyBudget ?? '', {
    id: 'budget',
    header: 'Monthly budget',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => (c.getValue() ? <Money value={c.getValue()} currency={c.row.original.currency} /> : <span className="text-slate-600">no cap</span>),
  }),
  t.accessor((r) => r.budgetUsedPercent ?? '', {
    id: 'used',
    header: 'Budget used',
    meta: { align: 'right' },
    sortFn: decimalSort,
    cell: (c) => {
      const v = c.getValue();
      if (!v) return '—';
      const n = Number(v);
      return <span className={n >= 100 ? 'font-semibold text-red-700' : n >= 80 ? 'font-semibold text-amber-800' : ''}>{formatPercent(v)}</span>;
    },
  }),
  t.accessor('users', { header: 'Users', meta: { align: 'right' } }),
  t.accessor('activeKeys', { header: 'Active keys', meta: { align: 'right' } }),
  t.accessor('createdAt', { header: 'Since', cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
];

export function TenantsTable({ rows }: { rows: TenantListRow[] }) {
  return (
    <DataTable
      data={rows}
      columns={listColumns}
      caption="Tenants"
      testId="tenants-table"
      getRowId={(r) => r.id}
      csvFilename="radiant-tenants.csv"
      facets={[
        { columnId: 'tier', label: 'Tier' },
        { columnId: 'status', label: 'Status' },
      ]}
      empty="No tenants yet."
    />
  );
}

type D = TenantDetail;
const am = columnHelper<D['modelAccess'][number]>();
const accessColumns = [
  am.accessor('model', { header: 'Model', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  am.accessor((r) => (r.enabled ? 'allowed' : 'blocked'), { id: 'enabled', header: 'Access', filterFn: exactFilter, cell: (c) => <Badge tone={c.getValue() === 'allowed' ? 'success' : 'danger'}>{c.getValue()}</Badge> }),
  am.accessor((r) => r.markupPercent ?? '', { id: 'markup', header: 'Tenant markup', meta: { align: 'right', label: 'Tenant markup %' }, cell: (c) => (c.getValue() ? `${c.getValue()}%` : '—') }),
  am.accessor((r) => r.markupReason ?? '', { id: 'why', header: 'Why', cell: (c) => <span className="line-clamp-2 max-w-xs">{c.getValue() || '—'}</span> }),
  am.accessor((r) => r.markupSetBy ?? '', { id: 'by', header: 'Set by', cell: (c) => c.getValue() || '—' }),
  am.accessor((r) => r.markupSetAt ?? '', { id: 'at', header: 'When', cell: (c) => <LocalTime value={c.getValue() || null} mode="date" /> }),
  am.accessor((r) => r.markupExpiresAt ?? '', { id: 'exp', header: 'Expires', cell: (c) => (c.getValue() ? <LocalTime value={c.getValue()} mode="date" /> : 'never') }),
  am.accessor((r) => r.rateLimitRpm ?? '', { id: 'rpm', header: 'RPM limit', meta: { align: 'right' }, cell: (c) => (c.getValue() === '' ? 'tier' : formatCount(c.getValue())) }),
];
const us = columnHelper<D['users'][number]>();
const userColumns = [
  us.accessor('email', { header: 'Email' }),
  us.accessor((r) => r.name ?? '', { id: 'name', header: 'Name' }),
  us.accessor('role', { header: 'Role', filterFn: exactFilter }),
  us.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} /> }),
  us.accessor((r) => r.lastLoginAt ?? '', { id: 'last', header: 'Last sign-in', cell: (c) => <LocalTime value={c.getValue() || null} /> }),
];
const ks = columnHelper<D['keys'][number]>();
const keyColumns = [
  ks.accessor('name', { header: 'Name', cell: (c) => <span className="font-medium">{c.getValue()}</span> }),
  ks.accessor('keyPrefix', { header: 'Key', cell: (c) => <code className="text-xs">{c.getValue()}…</code> }),
  ks.accessor((r) => r.scopes.join(', '), { id: 'scopes', header: 'Scopes' }),
  ks.accessor('status', { header: 'Status', filterFn: exactFilter, cell: (c) => <StatusBadge status={c.getValue()} /> }),
  ks.accessor((r) => r.rateLimitRpm ?? '', { id: 'rpm', header: 'RPM', meta: { align: 'right' }, cell: (c) => (c.getValue() === '' ? 'tier' : formatCount(c.getValue())) }),
  ks.accessor((r) => r.monthlyBudget ?? '', { id: 'budget', header: 'Monthly cap', meta: { align: 'right' }, cell: (c) => (c.getValue() ? <Money value={c.getValue()} /> : '—') }),
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
  inv.accessor('totalAmount', { header: 'Total', meta: { align: 'right' }, sortFn: decimalSort, cell: (c) => <Money value={c.getValue()} currency={c.row.original.currency} /> }),
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
              if (Number(tier) === tenant.tier) return setRes({ ok: false, message: 'Choose a different tier', fieldErrors: { tier: ['Choose a different tier'] } });
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

export function TenantDetailView({ data, canPropose, proposeTier }: { data: D; canPropose: boolean; proposeTier: TierAction }) {
  const tn = data.tenant;
  const chart = data.usage.map((d) => ({ day: d.day, revenue: displayNumber(d.revenue), cost: displayNumber(d.cost), requests: d.requests }));
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Account" actions={canPropose ? <TierDialog tenant={tn} action={proposeTier} /> : null} />
        <CardBody>
          <DescriptionList
            items={[
              { label: 'Status', value: <StatusBadge status={tn.status} /> },
              { label: 'Tier', value: `${tn.tier} · ${tn.tierName}` },
              { label: 'Billing email', value: tn.billingEmail ?? '—' },
              { label: 'Domain', value: tn.domain ?? '—' },
              { label: 'Currency', value: tn.currency },
              { label: 'Tax rate', value: `${tn.taxRatePercent}%` },
            ]}
          />
        </CardBody>
      </Card>
      <StatGrid>
        <Stat label="Month to date" value={formatAmount(tn.monthToDateSpend, tn.currency)} />
        <Stat label="Monthly budget" value={tn.monthlyBudget ? formatAmount(tn.monthlyBudget, tn.currency) : 'no cap'} hint={tn.budgetUsedPercent ? `${formatPercent(tn.budgetUsedPercent)} used` : undefined} />
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
                    <TimeSeriesChart title="Revenue and cost per day (30 days)" data={chart} xKey="day" series={[{ key: 'revenue', label: 'Revenue' }, { key: 'cost', label: 'Cost', color: '#d97706' }]} />
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
              <DataTable
                data={data.modelAccess}
                columns={accessColumns}
                caption="Model access and tenant overrides"
                csvFilename={`${tn.slug}-model-access.csv`}
                empty="No per-tenant rules: every enabled model is available at the platform markups."
              />
            ),
          },
          { id: 'users', label: `Users (${data.users.length})`, content: <DataTable data={data.users} columns={userColumns} caption="Users" getRowId={(r) => r.id} /> },
          { id: 'keys', label: `API keys (${data.keys.length})`, content: <DataTable data={data.keys} columns={keyColumns} caption="API keys" getRowId={(r) => r.id} /> },
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
