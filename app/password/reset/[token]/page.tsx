import Link from 'next/link';
import { ResetPasswordForm } from '@/components/portal/password-forms';
import { AuthCard } from '@/components/governance/auth-card';
import { describeResetToken } from '@/lib/auth/password-reset';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { resetPasswordAction } from '../../actions';

export const metadata = { title: 'Choose a new password', robots: { index: false } };
export const dynamic = 'force-dynamic';

const REASONS = {
  invalid: 'This reset link is not valid. Check that you copied all of it, or ask for a new one.',
  used: 'This reset link has already been used. Ask for a new one if you need to.',
  expired: 'This reset link has expired. Ask for a new one.',
} as const;

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await describeResetToken(token);
  const footer = (
    <Link className="underline" href="/password/forgot">
      Ask for a new link
    </Link>
  );
  return (
    <AuthCard eyebrow="Customer portal" title="Choose a new password" footer={footer}>
      {t.ok ? (
        <>
          <p className="mb-4 text-sm text-slate-700">
            For <strong>{t.email}</strong>. Every session of this account ends when the password changes.
          </p>
          <ResetPasswordForm token={token} minLength={PASSWORD_MIN_LENGTH} action={resetPasswordAction} />
        </>
      ) : (
        <p role="alert" className="text-sm text-slate-800">
          {REASONS[t.reason]}
        </p>
      )}
    </AuthCard>
  );
}
