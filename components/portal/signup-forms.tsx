'use client';

import { ActionForm, type FormAction } from '../forms/action-form';
import { LinkSentNotice, SignInAsNotice } from './password-forms';

/** Self-service sign-up (RADIANT_SIGNUP=open): the company, the person, e-mail and password. */
export function SignUpForm({ minLength, action }: { minLength: number; action: FormAction<{ message: string; devLink: string | null }> }) {
  return (
    <ActionForm
      ariaLabel="Sign up"
      fields={[
        { name: 'companyName', label: 'Company name', type: 'text', required: true, autoComplete: 'organization' },
        { name: 'name', label: 'Your name', type: 'text', required: true, autoComplete: 'name' },
        { name: 'email', label: 'Work e-mail', type: 'email', required: true, autoComplete: 'email' },
        { name: 'password', label: 'Password', type: 'password', hint: `At least ${minLength} characters.`, autoComplete: 'new-password' },
        { name: 'confirm', label: 'Repeat the password', type: 'password', autoComplete: 'new-password' },
      ]}
      action={action}
      submitLabel="Create account"
      success={(d) => <LinkSentNotice message={d.message} devLink={d.devLink} testId="verify-link" />}
    />
  );
}

/** The verification page's button: verifying is a POST, so a mail scanner opening the link verifies nothing. */
export function VerifyEmailForm({ token, action }: { token: string; action: FormAction<{ email: string }> }) {
  return (
    <ActionForm
      fields={[]}
      extra={{ token }}
      action={action}
      submitLabel="Verify my e-mail address"
      // No refresh: the page re-reads the token, which is used now, and would replace this
      // success with "This link has already been used" (seen as a flaky e2e failure).
      refresh={false}
      success={(d, message) => <SignInAsNotice message={message} email={d.email} />}
    />
  );
}
