'use client';

import Link from 'next/link';
import { ActionForm, type FormAction } from '../forms/action-form';

export function ForgotPasswordForm({ action }: { action: FormAction<{ message: string; devLink: string | null }> }) {
  return (
    <ActionForm
      fields={[{ name: 'email', label: 'E-mail', type: 'email', required: true, autoComplete: 'email' }]}
      action={action}
      submitLabel="Send me a link"
      success={(d) => (
        <div role="status" className="space-y-2 text-sm text-slate-800">
          <p>{d.message}</p>
          {d.devLink ? (
            <p>
              Demo (no mail server):{' '}
              <code className="break-all" data-testid="reset-link">
                {d.devLink}
              </code>
            </p>
          ) : null}
        </div>
      )}
    />
  );
}

export function ResetPasswordForm({ token, minLength, action }: { token: string; minLength: number; action: FormAction<{ email: string }> }) {
  return (
    <ActionForm
      fields={[
        { name: 'password', label: 'New password', type: 'password', hint: `At least ${minLength} characters.`, autoComplete: 'new-password' },
        { name: 'confirm', label: 'Repeat the new password', type: 'password', autoComplete: 'new-password' },
      ]}
      extra={{ token }}
      action={action}
      submitLabel="Set the new password"
      success={(d, message) => (
        <div role="status" className="space-y-2 text-sm text-slate-800">
          <p>{message}</p>
          <Link className="font-medium underline" href="/portal/sign-in">
            Sign in as {d.email}
          </Link>
        </div>
      )}
    />
  );
}

export function ChangePasswordForm({ minLength, action, signOut }: { minLength: number; action: FormAction<null>; signOut: () => Promise<void> }) {
  return (
    <ActionForm
      fields={[
        { name: 'current', label: 'Current password', type: 'password', autoComplete: 'current-password' },
        { name: 'password', label: 'New password', type: 'password', hint: `At least ${minLength} characters.`, autoComplete: 'new-password' },
        { name: 'confirm', label: 'Repeat the new password', type: 'password', autoComplete: 'new-password' },
      ]}
      action={action}
      submitLabel="Change password"
      success={(_d, message) => (
        <div role="status" className="space-y-2 text-sm text-slate-800">
          <p>{message}</p>
          <button type="button" className="font-medium underline" onClick={() => void signOut()}>
            Sign in again
          </button>
        </div>
      )}
    />
  );
}
