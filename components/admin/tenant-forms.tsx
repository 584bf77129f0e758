'use client';

/** The console's tenant forms: create (with the first owner), edit, status proposals, model
 * access and contract prices, people. Each posts to a server action in app/(admin)/admin/tenants. */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { ActionDialog, InviteLinkNotice, type FieldSpec, type FormAction } from '../forms/action-form';
import { Button } from '../ui/button';

const TIERS = ['1 · Seed', '2 · Startup', '3 · Growth', '4 · Scale', '5 · Enterprise'].map((l, i) => ({ value: String(i + 1), label: l }));
const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF'].map((c) => ({ value: c, label: c }));

export function CreateTenantDialog({ action }: { action: FormAction<{ tenantId: string; name: string; email: string; acceptUrl: string | null }> }) {
  const fields: FieldSpec[] = [
    { name: 'name', label: 'Name', type: 'text', required: true },
    { name: 'slug', label: 'Slug', type: 'text', required: true, hint: 'Lower-case letters, digits and dashes; used in URLs and exports.' },
    { name: 'billingEmail', label: 'Billing e-mail', type: 'email', required: true },
    { name: 'ownerEmail', label: 'Owner’s e-mail', type: 'email', required: true, hint: 'Gets an invitation to choose a password.' },
    { name: 'currency', label: 'Currency', type: 'select', options: CURRENCIES, defaultValue: 'USD' },
    { name: 'tier', label: 'Tier', type: 'select', options: TIERS, defaultValue: '1' },
    { name: 'taxRatePercent', label: 'Tax rate (%)', type: 'text', defaultValue: '0', placeholder: '20' },
    { name: 'monthlyBudget', label: 'Monthly budget', type: 'text', placeholder: 'no cap', hint: 'Spend cap at price; empty = none.' },
    { name: 'notes', label: 'Notes (staff only)', type: 'textarea' },
  ];
  return (
    <ActionDialog
      trigger="New tenant…"
      variant="primary"
      title="New tenant"
      description="Creates the tenant and invites its first owner in one step."
      wide
      columns={2}
      fields={fields}
      action={action}
      submitLabel="Create tenant and invite owner"
      success={(d) => (
        <div className="space-y-3">
          <InviteLinkNotice email={d.email} acceptUrl={d.acceptUrl} what="owner invitation" />
          <Link className="font-medium text-brand-700 underline" href={`/admin/tenants/${d.tenantId}`}>
            Open {d.name}
          </Link>
        </div>
      )}
    />
  );
}

export interface EditableTenant {
  id: string;
  name: string;
  billingEmail: string | null;
  taxRatePercent: string;
  monthlyBudget: string | null;
  notes: string | null;
  responseCacheEnabled: boolean;
  responseCacheTtlSeconds: number | null;
  requestLoggingEnabled: boolean;
  requestLogRetentionDays: number;
  hipaaOnlyProviders: boolean;
}

export function EditTenantDialog({ tenant, action }: { tenant: EditableTenant; action: FormAction<null> }) {
  const fields: FieldSpec[] = [
    { name: 'name', label: 'Name', type: 'text', defaultValue: tenant.name },
    { name: 'billingEmail', label: 'Billing e-mail', type: 'email', defaultValue: tenant.billingEmail ?? '' },
    { name: 'taxRatePercent', label: 'Tax rate (%)', type: 'text', defaultValue: tenant.taxRatePercent },
    { name: 'monthlyBudget', label: 'Monthly budget', type: 'text', defaultValue: tenant.monthlyBudget ?? '', placeholder: 'no cap' },
    { name: 'responseCacheEnabled', label: 'Response cache', type: 'checkbox', defaultChecked: tenant.responseCacheEnabled },
    { name: 'responseCacheTtlSeconds', label: 'Cache TTL (seconds)', type: 'number', defaultValue: String(tenant.responseCacheTtlSeconds ?? 3600) },
    { name: 'requestLoggingEnabled', label: 'Request logging (prompts and answers)', type: 'checkbox', defaultChecked: tenant.requestLoggingEnabled },
    { name: 'requestLogRetentionDays', label: 'Request log retention (days)', type: 'number', defaultValue: String(tenant.requestLogRetentionDays) },
    { name: 'hipaaOnlyProviders', label: 'HIPAA-eligible providers only', type: 'checkbox', defaultChecked: tenant.hipaaOnlyProviders },
    { name: 'notes', label: 'Notes (staff only)', type: 'textarea', defaultValue: tenant.notes ?? '' },
  ];
  return (
    <ActionDialog
      trigger="Edit…"
      title={`Edit ${tenant.name}`}
      description="Contact, budget, tax rate and options apply at once (audited). Tier, status and contract prices need a second administrator."
      wide
      columns={2}
      fields={fields}
      extra={{ tenantId: tenant.id }}
      action={action}
      submitLabel="Save"
    />
  );
}

type Proposal = FormAction<{ id: string; title: string }>;

function Proposed({ id, title }: { id: string; title: string }) {
  return (
    <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
      Submitted for approval:{' '}
      <Link className="underline" href={`/admin/approvals/${id}`}>
        {title}
      </Link>
    </div>
  );
}

export function StatusDialogs({ tenantId, name, status, action }: { tenantId: string; name: string; status: string; action: Proposal }) {
  const changes = status === 'active' ? (['suspend', 'cancel'] as const) : status === 'suspended' ? (['reactivate', 'cancel'] as const) : ([] as const);
  const label = { suspend: 'Suspend…', reactivate: 'Reactivate…', cancel: 'Cancel tenant…' } as const;
  const what = {
    suspend: 'Its API keys stop at once on every instance and its people cannot sign in to the portal until it is reactivated.',
    reactivate: 'Its API keys and portal work again.',
    cancel: 'The tenant is closed for good: keys stop, nobody can sign in; its books stay.',
  } as const;
  return (
    <>
      {changes.map((c) => (
        <ActionDialog
          key={c}
          trigger={label[c]}
          variant={c === 'reactivate' ? 'secondary' : 'danger'}
          title={`${label[c].replace('…', '')} ${name}`}
          description={`${what[c]} A second administrator must approve.`}
          fields={[{ name: 'reason', label: 'Reason', type: 'textarea' }]}
          extra={{ tenantId, change: c }}
          action={action}
          submitLabel="Submit for approval"
          success={(d) => <Proposed {...d} />}
        />
      ))}
    </>
  );
}

export function ModelAccessDialog({ tenantId, models, action }: { tenantId: string; models: Array<{ value: string; label: string }>; action: Proposal }) {
  return (
    <ActionDialog
      trigger="Change model access…"
      title="Model access"
      description="Allow or block a model for this tenant, with optional per-model limits. Needs a second administrator."
      fields={[
        { name: 'modelId', label: 'Model', type: 'select', options: models },
        {
          name: 'enabled',
          label: 'Access',
          type: 'select',
          options: [
            { value: 'allow', label: 'Allowed' },
            { value: 'block', label: 'Blocked' },
          ],
          defaultValue: 'allow',
        },
        { name: 'rateLimitRpm', label: 'Requests per minute', type: 'number', hint: 'Empty = the tier’s limit.' },
        { name: 'rateLimitTpm', label: 'Tokens per minute', type: 'number', hint: 'Empty = the tier’s limit.' },
        { name: 'reason', label: 'Reason', type: 'textarea' },
      ]}
      extra={{ tenantId }}
      action={action}
      submitLabel="Submit for approval"
      success={(d) => <Proposed {...d} />}
    />
  );
}

export function ContractPriceDialog({ tenantId, models, action }: { tenantId: string; models: Array<{ value: string; label: string }>; action: Proposal }) {
  return (
    <ActionDialog
      trigger="Contract price…"
      title="Contract price"
      description="A tenant-specific markup on one model, optionally until a date. The portal, /api/v1/models and the optimizer show the new price once approved."
      fields={[
        { name: 'modelId', label: 'Model', type: 'select', options: models },
        { name: 'markupPercent', label: 'Markup (%)', type: 'text', placeholder: '25' },
        { name: 'expiresOn', label: 'Expires on (optional)', type: 'date' },
        { name: 'reason', label: 'Reason', type: 'textarea' },
      ]}
      extra={{ tenantId }}
      action={action}
      submitLabel="Submit for approval"
      success={(d) => <Proposed {...d} />}
    />
  );
}

export const TENANT_ROLES = [
  { value: 'member', label: 'Member (own keys and usage)' },
  { value: 'billing', label: 'Billing (invoices and usage)' },
  { value: 'owner', label: 'Owner (everything)' },
];

export function InvitePersonDialog({ tenantId, action }: { tenantId?: string; action: FormAction<{ email: string; acceptUrl: string | null }> }) {
  return (
    <ActionDialog
      trigger="Invite person…"
      variant="primary"
      title="Invite a person"
      description="They get a link to choose a password (valid 7 days, single use)."
      fields={[
        { name: 'email', label: 'E-mail', type: 'email', required: true },
        { name: 'role', label: 'Role', type: 'select', options: TENANT_ROLES, defaultValue: 'member' },
      ]}
      extra={tenantId ? { tenantId } : {}}
      action={action}
      submitLabel="Send invitation"
      success={(d) => <InviteLinkNotice email={d.email} acceptUrl={d.acceptUrl} />}
    />
  );
}

/** Role select + remove + make owner for one person row. */
export function PersonActions({
  tenantId,
  userId,
  email,
  role,
  isSelf,
  changeRole,
  remove,
  transfer,
}: {
  tenantId?: string;
  userId: string;
  email: string;
  role: string;
  isSelf?: boolean;
  changeRole: FormAction<null>;
  remove: FormAction<null>;
  transfer: FormAction<null>;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [msg, setMsg] = useState<string | null>(null);
  const run = (fn: FormAction<null>, input: Record<string, unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    start(async () => {
      const r: ActionResult<null> = await fn({ ...(tenantId ? { tenantId } : {}), userId, ...input });
      setMsg(r.ok ? null : r.message);
      if (r.ok) router.refresh();
    });
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="sr-only" htmlFor={`role-${userId}`}>
        Role of {email}
      </label>
      <select
        id={`role-${userId}`}
        value={role}
        disabled={pending}
        onChange={(e) => run(changeRole, { role: e.target.value })}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
      >
        {['owner', 'member', 'billing'].map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {role !== 'owner' && !isSelf ? (
        <Button
          size="sm"
          variant="secondary"
          disabled={pending}
          aria-label={`Make ${email} the owner`}
          onClick={() => run(transfer, {}, `Make ${email} the owner? ${tenantId ? 'Other owners become members.' : 'You become a member.'}`)}
        >
          Make owner
        </Button>
      ) : null}
      {!isSelf ? (
        <Button
          size="sm"
          variant="danger"
          disabled={pending}
          aria-label={`Remove ${email}`}
          onClick={() => run(remove, {}, `Remove ${email}? Their sign-in stops at once.`)}
        >
          Remove
        </Button>
      ) : null}
      {msg ? (
        <span role="alert" className="text-xs text-red-700">
          {msg}
        </span>
      ) : null}
    </div>
  );
}
