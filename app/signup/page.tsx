import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AuthCard } from '@/components/governance/auth-card';
import { SignUpForm } from '@/components/portal/signup-forms';
import { PASSWORD_MIN_LENGTH } from '@/lib/governance/passwords';
import { signupOpen } from '@/lib/tenants/signup';
import { signUpAction } from './actions';

export const metadata = { title: 'Create your account', robots: { index: false } };
export const dynamic = 'force-dynamic';

/** Self-service sign-up: 404 unless RADIANT_SIGNUP=open (docs/tenants.md). */
export default function SignUpPage() {
  if (!signupOpen()) notFound();
  return (
    <AuthCard
      eyebrow="Customer portal"
      title="Create your account"
      footer={
        <Link className="underline" href="/portal/sign-in">
          Already have an account? Sign in
        </Link>
      }
    >
      <p className="mb-4 text-sm text-slate-700">
        Your company starts on the free tier. We send a link to your e-mail address: the account works once you have opened it.
      </p>
      <SignUpForm minLength={PASSWORD_MIN_LENGTH} action={signUpAction} />
    </AuthCard>
  );
}
