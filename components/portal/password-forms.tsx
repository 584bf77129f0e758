'use client';

import Link from 'next/link';
import { ActionForm, type FormAction } from '../forms/action-form';

/** "We have sent a link" after a mail with a single-use link, and in demo mode without a mail
 * server (RADIANT_DEMO_SHOW_RESET_LINK=1) the link itself. */
export function LinkSentNotice({ message, devLink, testId }: { message: string; devLink: string | null; testId: string }) {
  return (
    <div role="status" className="space-y-2 text-sm text-slate-800">
      <p>{message}</p>
      {devLink ? (
        <p>
          Demo (no mail server):{' '}
          <code className="break-all" data-testid={testId}>
            {devLink}
          </code>
        </p>
      ) : null}
    </div>
  );
}

/** A single-use link did its work: what happened, and the way in as that person. */
export function SignInAsNotice({ message, email }: { message?: string; email: string }) {
  return (
    <div role="status" className="space-y-2 text-sm text-slate-800">
      <p>{message}</p>
      <Link className="font-medium underline" href="/portal/sign-in">
        Sign in as {email}
      </Link>
    </div>
  );
}

export function ForgotPasswordForm({ action }: { action: FormAction<{ message: string; devLink: string | null }> }) {
  return (
    <ActionForm
      fields={[{ name: 'email', label: 'E-mail', type: 'email', required: true, autoComplete: 'email' }]}
      action={action}
      submitLabel="Send me a link"
      success={(d) => <LinkSentNotice message={d.message} devLink={d.devLink} testId="reset-link" />}
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
      success={(d, message) => <SignInAsNotice message={message} email={d.email} />}
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
