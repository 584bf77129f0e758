'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/http/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input } from '../ui/field';

export function AcceptInvitationForm({
  token,
  minLength,
  accept,
  mfa = false,
  signInHref = '/admin/sign-in',
}: {
  token: string;
  minLength: number;
  accept: (input: unknown) => Promise<ActionResult<{ email: string; role: string; recoveryCodes?: string[] }>>;
  /** Setup link: also asks for a code from the authenticator app shown above the form. */
  mfa?: boolean;
  /** Where "Sign in" goes after accepting (the portal for tenant invitations). */
  signInHref?: string;
}) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof accept>> | null>(null);
  const [pending, start] = useTransition();
  if (result?.ok) {
    return (
      <Alert tone="success" title={result.message ?? 'Done'}>
        {result.data.recoveryCodes ? (
          <div className="mb-3">
            <p className="text-sm">Recovery codes (each works once if you lose your device). Save them now: they are not shown again.</p>
            <ul aria-label="Recovery codes" className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm">
              {result.data.recoveryCodes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <Link className="underline" href={signInHref}>
          Sign in as {result.data.email}
        </Link>
      </Alert>
    );
  }
  const fe = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => setResult(await accept({ token, name, password, confirm, ...(mfa ? { code } : {}) })));
      }}
    >
      {result && !result.ok ? <FormError message={result.message} /> : null}
      <Field label="Your name" errors={fe.name}>
        {(p) => <Input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />}
      </Field>
      <Field label="Password" hint={`At least ${minLength} characters.`} errors={fe.password}>
        {(p) => <Input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />}
      </Field>
      <Field label="Repeat the password" errors={fe.confirm}>
        {(p) => <Input {...p} type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />}
      </Field>
      {mfa ? (
        <Field label="Code from your authenticator app" errors={fe.code}>
          {(p) => <Input {...p} value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="one-time-code" required />}
        </Field>
      ) : null}
      <Button type="submit" loading={pending} className="w-full">
        Create my account
      </Button>
    </form>
  );
}
