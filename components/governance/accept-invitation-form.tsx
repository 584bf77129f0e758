'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/lib/admin-views/action-result';
import { Button } from '../ui/button';
import { Alert } from '../ui/feedback';
import { Field, FormError, Input } from '../ui/field';

export function AcceptInvitationForm({
  token,
  minLength,
  accept,
  signInHref = '/admin/sign-in',
}: {
  token: string;
  minLength: number;
  accept: (input: unknown) => Promise<ActionResult<{ email: string; role: string }>>;
  /** Where "Sign in" goes after accepting (the portal for tenant invitations). */
  signInHref?: string;
}) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [result, setResult] = useState<Awaited<ReturnType<typeof accept>> | null>(null);
  const [pending, start] = useTransition();
  if (result?.ok) {
    return (
      <Alert tone="success" title={result.message ?? 'Done'}>
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
        start(async () => setResult(await accept({ token, name, password, confirm })));
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
      <Button type="submit" loading={pending} className="w-full">
        Create my account
      </Button>
    </form>
  );
}
