import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/governance/auth-card';
import { VerifyEmailForm } from '@/components/portal/signup-forms';
import { describeVerificationToken, signupOpen } from '@/lib/tenants/signup';
import { verifyEmailAction } from '../../signup/actions';

export const metadata = { title: 'Verify your e-mail address', robots: { index: false } };
export const dynamic = 'force-dynamic';

const REASONS = {
  invalid: 'This verification link is not valid. Check that you copied all of it.',
  used: 'This link has already been used. Sign in with your e-mail address and password.',
  expired: 'This link has expired. Sign up again with the same address to get a new one.',
} as const;

export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  if (!signupOpen()) notFound();
  const { token } = await params;
  const t = await describeVerificationToken(token);
  const footer = (
    <Link className="underline" href="/portal/sign-in">
      Customer portal sign-in
    </Link>
  );
  return (
    <AuthCard eyebrow="Customer portal" title="Verify your e-mail address" footer={footer}>
      {t.ok ? (
        <>
          <p className="mb-4 text-sm text-slate-700">
            Confirm that <strong>{t.email}</strong> is yours to finish creating your account.
          </p>
          <VerifyEmailForm token={token} action={verifyEmailAction} />
        </>
      ) : (
        <p role="alert" className="text-sm text-slate-800">
          {REASONS[t.reason]}
        </p>
      )}
    </AuthCard>
  );
}
