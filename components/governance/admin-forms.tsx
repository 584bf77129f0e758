'use client';

/** Small forms of the administrators screen: invite, revoke an invitation, propose a role change
 * or a deactivation. */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input, Select, Textarea } from '../ui/field';

type Act<T> = (input: unknown) => Promise<ActionResult<T>>;

export function InviteForm({ roles, invite }: { roles: string[]; invite: Act<{ email: string; role: string; approvalId: string }> }) {
  const router = useRouter();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(roles.includes('operator') ? 'operator' : (roles[0] ?? ''));
  const [message, setMessage] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof invite>> | null>(null);
  const [pending, start] = useTransition();
  const fe = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await invite({ email, role, message });
          setResult(r);
          if (r.ok) {
            setEmail('');
            setMessage('');
            router.refresh();
          }
        });
      }}
    >
      {result?.ok ? (
        <Alert tone="success" title={`Invitation of ${result.data.email} as ${result.data.role} proposed`}>
          A super admin other than you must approve it; the invitation link is created and sent only then.{' '}
          <Link className="underline" href={`/admin/approvals/${result.data.approvalId}`} data-testid="invite-approval-link">
            Open the request
          </Link>
        </Alert>
      ) : null}
      {result && !result.ok ? <FormError message={result.message} /> : null}
      <Field label="E-mail" errors={fe.email}>
        {(p) => <Input {...p} type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Role" hint="You can invite up to your own role." errors={fe.role}>
        {(p) => (
          <Select {...p} value={role} onChange={(e) => setRole(e.target.value)} options={roles.map((r) => ({ value: r, label: r.replace(/_/g, ' ') }))} />
        )}
      </Field>
      <Field label="Message (optional)" errors={fe.message}>
        {(p) => <Textarea {...p} value={message} onChange={(e) => setMessage(e.target.value)} maxLength={2000} />}
      </Field>
      <Button type="submit" loading={pending}>
        Send invitation
      </Button>
    </form>
  );
}

export function RevokeInvitationButton({ id, email, revoke }: { id: string; email: string; revoke: Act<null> }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        variant="secondary"
        loading={pending}
        aria-label={`Revoke the invitation for ${email}`}
        onClick={() =>
          start(async () => {
            const r = await revoke({ id });
            if (r.ok) router.refresh();
            else setError(r.message);
          })
        }
      >
        Revoke
      </Button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}

export function RoleChangeForm({
  adminId,
  email,
  currentRole,
  roles,
  propose,
}: {
  adminId: string;
  email: string;
  currentRole: string;
  roles: string[];
  propose: Act<{ id: string; title: string }>;
}) {
  const router = useRouter();
  const others = roles.filter((r) => r !== currentRole);
  const [role, setRole] = useState(others[0] ?? '');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof propose>> | null>(null);
  const [pending, start] = useTransition();
  if (result?.ok) {
    return (
      <span className="text-xs text-emerald-800" role="status">
        Proposed.{' '}
        <Link className="underline" href={`/admin/approvals/${result.data.id}`}>
          View request
        </Link>
      </span>
    );
  }
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      aria-label={`Change the role of ${email}`}
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          const r = await propose({ adminId, role, reason: reason || undefined });
          setResult(r);
          if (r.ok) router.refresh();
        });
      }}
    >
      <label className="sr-only" htmlFor={`role-${adminId}`}>
        New role for {email}
      </label>
      <select
        id={`role-${adminId}`}
        value={role}
        onChange={(e) => setRole(e.target.value)}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-xs"
      >
        {others.map((r) => (
          <option key={r} value={r}>
            {r.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <label className="sr-only" htmlFor={`reason-${adminId}`}>
        Reason
      </label>
      <input
        id={`reason-${adminId}`}
        placeholder="Reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        className="h-8 w-32 rounded-md border border-slate-300 px-2 text-xs"
      />
      <Button size="sm" variant="secondary" type="submit" loading={pending}>
        Propose
      </Button>
      {result && !result.ok ? (
        <span role="alert" className="text-xs text-red-700">
          {result.message}
        </span>
      ) : null}
    </form>
  );
}

/** Proposes deactivating an administrator (admin.deactivate); asks once before proposing. */
export function DeactivateButton({ adminId, email, propose }: { adminId: string; email: string; propose: Act<{ id: string; title: string }> }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<Awaited<ReturnType<typeof propose>> | null>(null);
  const [pending, start] = useTransition();
  if (result?.ok) {
    return (
      <span className="text-xs text-emerald-800" role="status">
        Deactivation proposed.{' '}
        <Link className="underline" href={`/admin/approvals/${result.data.id}`}>
          View request
        </Link>
      </span>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      {confirming ? (
        <>
          <span className="text-xs text-slate-700">Deactivate {email}? Another super_admin approves.</span>
          <Button
            size="sm"
            variant="danger"
            loading={pending}
            onClick={() =>
              start(async () => {
                const r = await propose({ adminId });
                setResult(r);
                if (r.ok) router.refresh();
              })
            }
          >
            Propose deactivation
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
            Keep
          </Button>
        </>
      ) : (
        <Button size="sm" variant="secondary" aria-label={`Deactivate ${email}`} onClick={() => setConfirming(true)}>
          Deactivate
        </Button>
      )}
      {result && !result.ok ? (
        <span role="alert" className="text-xs text-red-700">
          {result.message}
        </span>
      ) : null}
    </span>
  );
}
