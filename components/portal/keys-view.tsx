'use client';

import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { fieldErrorsFrom, type FieldErrors } from '@/lib/http/action-result';
import type { ApiKeyView } from '@/lib/gateway/keys';
import { createKeyFormSchema, KEY_SCOPES } from '@/lib/portal-views/schemas';
import type { Page } from '@/lib/lists/keyset';
import { ServerTable, serverColumnHelper } from '../data-table/server-table';
import { Badge, StatusBadge } from '../ui/badge';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ConfirmDialog, DialogContent, DialogFormActions, DialogRoot, DialogTrigger } from '../ui/dialog';
import { Alert } from '../ui/feedback';
import { Checkbox, Field, FormError, Input } from '../ui/field';
import { formatCount } from '../ui/format';
import { Money } from '../ui/money';
import { LocalTime, useHydrated } from '../ui/time';

export type CreateKeyAction = (input: unknown) => Promise<ActionResult<{ key: string; apiKey: ApiKeyView }>>;
export type RevokeKeyAction = (id: string) => Promise<ActionResult<{ id: string }>>;

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="sm"
      variant="secondary"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        } catch {
          setCopied(false);
        }
      }}
    >
      <span aria-live="polite">{copied ? 'Copied' : label}</span>
    </Button>
  );
}

function CreateKeyDialog({ create }: { create: CreateKeyAction }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ name: '', expiresInDays: '', rateLimitRpm: '', rateLimitTpm: '', monthlyBudget: '' });
  const [scopes, setScopes] = useState<string[]>([...KEY_SCOPES]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKeyView } | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  const reset = () => {
    setF({ name: '', expiresInDays: '', rateLimitRpm: '', rateLimitTpm: '', monthlyBudget: '' });
    setScopes([...KEY_SCOPES]);
    setErrors({});
    setFormError(null);
    setCreated(null);
  };
  const close = () => {
    setOpen(false);
    if (created) router.refresh();
    reset();
  };
  return (
    <DialogRoot open={open} onOpenChange={(o) => (o ? setOpen(true) : close())}>
      <DialogTrigger asChild>
        <Button>Create API key</Button>
      </DialogTrigger>
      <DialogContent
        title={created ? 'Your new API key' : 'Create an API key'}
        description={created ? undefined : 'Keys authenticate your programs against the RADIANT API.'}
      >
        {created ? (
          <div className="space-y-4">
            <Alert tone="warning" title="Copy it now: it is shown only once">
              We store only a fingerprint of the key. If you lose it, revoke it and create a new one.
            </Alert>
            <div className="flex flex-wrap items-center gap-2">
              <code data-testid="new-api-key" className="min-w-0 flex-1 rounded-md bg-slate-900 px-3 py-2 font-mono text-sm break-all text-emerald-200">
                {created.key}
              </code>
              <CopyButton text={created.key} label="Copy key" />
            </div>
            <div className="flex justify-end">
              <Button onClick={close}>Done</Button>
            </div>
          </div>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={async (e) => {
              e.preventDefault();
              setFormError(null);
              const input = { ...f, scopes };
              const p = createKeyFormSchema.safeParse(input);
              if (!p.success) return setErrors(fieldErrorsFrom(p.error.issues));
              setErrors({});
              setBusy(true);
              const r = await create(input);
              setBusy(false);
              if (r.ok) setCreated(r.data);
              else {
                setFormError(r.message);
                setErrors(r.fieldErrors ?? {});
              }
            }}
          >
            <Field label="Name" errors={errors.name} hint="Where it is used, e.g. “production backend”">
              {(p) => <Input {...p} name="name" value={f.name} onChange={set('name')} autoFocus />}
            </Field>
            <fieldset>
              <legend className="text-sm font-medium text-slate-800">Scopes</legend>
              <div className="mt-1 flex flex-wrap gap-4">
                {KEY_SCOPES.map((s) => (
                  <Checkbox
                    key={s}
                    label={s}
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes((x) => (e.target.checked ? [...x, s] : x.filter((y) => y !== s)))}
                  />
                ))}
              </div>
              {errors.scopes ? <p className="mt-1 text-xs font-medium text-red-700">{errors.scopes.join(' ')}</p> : null}
            </fieldset>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Expires after (days)" errors={errors.expiresInDays} hint="Empty: never">
                {(p) => <Input {...p} inputMode="numeric" value={f.expiresInDays} onChange={set('expiresInDays')} />}
              </Field>
              <Field label="Monthly spend cap (USD)" errors={errors.monthlyBudget} hint="Empty: only the organisation cap">
                {(p) => <Input {...p} inputMode="decimal" value={f.monthlyBudget} onChange={set('monthlyBudget')} />}
              </Field>
              <Field label="Requests per minute" errors={errors.rateLimitRpm} hint="Empty: your tier's limit">
                {(p) => <Input {...p} inputMode="numeric" value={f.rateLimitRpm} onChange={set('rateLimitRpm')} />}
              </Field>
              <Field label="Tokens per minute" errors={errors.rateLimitTpm} hint="Empty: your tier's limit">
                {(p) => <Input {...p} inputMode="numeric" value={f.rateLimitTpm} onChange={set('rateLimitTpm')} />}
              </Field>
            </div>
            <FormError message={formError} />
            <DialogFormActions onCancel={() => setOpen(false)} busy={busy}>
              Create key
            </DialogFormActions>
          </form>
        )}
      </DialogContent>
    </DialogRoot>
  );
}

const kc = serverColumnHelper<ApiKeyView>();

const limitsOf = (r: ApiKeyView) =>
  [r.rateLimitRpm ? `${formatCount(r.rateLimitRpm)} rpm` : null, r.rateLimitTpm ? `${formatCount(r.rateLimitTpm)} tpm` : null].filter(Boolean).join(' · ') ||
  'tier limits';

export function KeysView({
  page,
  sort,
  dir,
  csvHref,
  filters,
  canManage,
  create,
  revoke,
  origin,
}: {
  page: Page<ApiKeyView>;
  sort: string;
  dir: 'asc' | 'desc';
  csvHref: string;
  filters: ReactNode;
  canManage: boolean;
  create: CreateKeyAction;
  revoke: RevokeKeyAction;
  origin: string;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const base = `${hydrated ? window.location.origin : origin}/api/v1`;
  const snippet = `import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: '${base}',
  apiKey: process.env.RADIANT_API_KEY, // rk_live_…
});

const completion = await client.chat.completions.create({
  model: 'gpt-4.1-mini', // or "auto" to let RADIANT pick by price
  messages: [{ role: 'user', content: 'Hello!' }],
});
console.log(completion.choices[0].message.content);`;

  // What a person comes for (which key, is it live, revoke it) stays at 390 px; the prefix and
  // the last use fold under the name there, the rest shows from 768 / 1280 px.
  const columns = [
    kc.accessor('name', {
      header: 'Name',
      meta: { priority: 1, sortKey: 'name' },
      cell: (c) => (
        <>
          <span className="font-medium">{c.getValue()}</span>
          <code className="block text-xs text-slate-600">{c.row.original.prefix}…</code>
          <span className="block text-xs text-slate-600 md:hidden">
            {c.row.original.lastUsedAt ? <LocalTime value={c.row.original.lastUsedAt} mode="relative" /> : 'never used'} ·{' '}
            {formatCount(c.row.original.usageCount)} requests
          </span>
        </>
      ),
    }),
    kc.accessor('status', { header: 'Status', meta: { priority: 1 }, cell: (c) => <StatusBadge status={c.getValue()} /> }),
    kc.accessor((r) => r.scopes.join(', '), {
      id: 'scopes',
      header: 'Scopes',
      meta: { priority: 3 },
      cell: (c) => (
        <span className="flex flex-wrap gap-1">
          {c.row.original.scopes.map((s) => (
            <Badge key={s}>{s}</Badge>
          ))}
        </span>
      ),
    }),
    kc.accessor(limitsOf, { id: 'limits', header: 'Limits', meta: { priority: 3 } }),
    kc.accessor((r) => r.monthlyBudget ?? '', {
      id: 'cap',
      header: 'Monthly cap',
      meta: { align: 'right', priority: 3 },
      cell: (c) => (c.getValue() ? <Money value={c.getValue()} /> : '—'),
    }),
    kc.accessor('usageCount', { header: 'Requests', meta: { align: 'right', priority: 2 }, cell: (c) => formatCount(c.getValue()) }),
    kc.accessor((r) => r.lastUsedAt ?? '', {
      id: 'lastUsed',
      header: 'Last used',
      meta: { priority: 2 },
      cell: (c) => (c.getValue() ? <LocalTime value={c.getValue()} mode="relative" /> : 'never'),
    }),
    kc.accessor((r) => r.expiresAt ?? '', {
      id: 'expires',
      header: 'Expires',
      meta: { priority: 3 },
      cell: (c) => (c.getValue() ? <LocalTime value={c.getValue()} mode="date" /> : 'never'),
    }),
    kc.accessor('createdAt', { header: 'Created', meta: { priority: 2, sortKey: 'created' }, cell: (c) => <LocalTime value={c.getValue()} mode="date" /> }),
    ...(canManage
      ? [
          kc.display({
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            meta: { priority: 1, label: 'Actions' },
            cell: (c) =>
              c.row.original.status === 'active' ? (
                <ConfirmDialog
                  trigger={
                    <Button size="sm" variant="ghost" aria-label={`Revoke ${c.row.original.name}`}>
                      Revoke…
                    </Button>
                  }
                  title={`Revoke “${c.row.original.name}”?`}
                  description={`Programs using ${c.row.original.prefix}… stop working immediately. This cannot be undone.`}
                  confirmLabel="Revoke key"
                  onConfirm={async () => {
                    const r = await revoke(c.row.original.id);
                    if (!r.ok) return r.message;
                    router.refresh();
                  }}
                />
              ) : null,
          }),
        ]
      : []),
  ];

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Your keys" actions={canManage ? <CreateKeyDialog create={create} /> : null} />
        <CardBody>
          <div className="space-y-3">
            {filters}
            <ServerTable
              rows={page.rows}
              columns={columns}
              caption="API keys"
              testId="keys-table"
              getRowId={(r) => r.id}
              next={page.next}
              sort={sort}
              dir={dir}
              csvHref={csvHref}
              empty="No API keys match. Create one to call the API."
            />
          </div>
        </CardBody>
      </Card>
      <Card>
        <CardHeader
          title="Quick start"
          description="RADIANT speaks the OpenAI API: point the official openai client at this base URL."
          actions={<CopyButton text={snippet} label="Copy snippet" />}
        />
        <CardBody>
          <p className="mb-2 text-sm text-slate-700">
            Base URL:{' '}
            <code className="rounded bg-slate-100 px-1.5 py-0.5" data-testid="api-base-url">
              {base}
            </code>
          </p>
          <pre className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-xs leading-relaxed text-slate-100">
            <code>{snippet}</code>
          </pre>
        </CardBody>
      </Card>
    </div>
  );
}
