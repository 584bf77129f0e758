'use client';

/**
 * E-mail + password sign-in, with a second step for the authenticator code when the account has
 * MFA. Email and password stay in this component's state between the two steps (never sent
 * back by the server). Errors: one summary (role="alert") plus field messages wired to inputs.
 */
import { useActionState, useEffect, useRef, useState } from 'react';
import { INITIAL_SIGN_IN_STATE, type SignInState } from '@/lib/auth/sign-in-state';
import { Button } from '../ui/button';
import { Field, FormError, Input } from '../ui/field';

export function SignInForm({
  action,
  callbackUrl,
  notice,
  emailHint,
}: {
  action: (prev: SignInState, formData: FormData) => Promise<SignInState>;
  callbackUrl?: string;
  notice?: string | null;
  emailHint?: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_SIGN_IN_STATE);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const mfa = state.status === 'mfa';
  const totpRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (mfa) totpRef.current?.focus();
  }, [mfa, state]);

  return (
    <form action={formAction} className="space-y-4" noValidate>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      {notice && state.status === 'idle' ? (
        <p role="status" className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          {notice}
        </p>
      ) : null}
      {state.status === 'error' ? <FormError message={state.message} /> : null}

      {mfa ? (
        <>
          <input type="hidden" name="email" value={email} />
          <input type="hidden" name="password" value={password} />
          <p className="text-sm text-slate-700">
            Signing in as <strong>{email}</strong>. {state.fieldErrors?.totp ? null : state.message}
          </p>
          <Field label="Authentication code" hint="6 digits from your authenticator app, or one of your recovery codes." errors={state.fieldErrors?.totp}>
            {(p) => (
              <Input
                {...p}
                ref={totpRef}
                name="totp"
                value={totp}
                onChange={(e) => setTotp(e.target.value)}
                autoComplete="one-time-code"
                inputMode="text"
                required
              />
            )}
          </Field>
        </>
      ) : (
        <>
          <Field label="E-mail" errors={state.fieldErrors?.email} {...(emailHint ? { hint: emailHint } : {})}>
            {(p) => <Input {...p} name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
          </Field>
          <Field label="Password" errors={state.fieldErrors?.password}>
            {(p) => (
              <Input
                {...p}
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                required
              />
            )}
          </Field>
        </>
      )}
      <Button type="submit" loading={pending} className="w-full">
        {mfa ? 'Verify and sign in' : 'Sign in'}
      </Button>
      {mfa ? (
        <button
          type="button"
          className="w-full text-center text-sm text-brand-700 underline"
          onClick={() => {
            setTotp('');
            setPassword('');
            window.location.reload();
          }}
        >
          Use a different account
        </button>
      ) : null}
    </form>
  );
}
