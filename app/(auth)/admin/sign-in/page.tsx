import Link from 'next/link';
import { AuthCard } from '@/components/governance/auth-card';
import { SignInForm } from '@/components/governance/sign-in-form';
import { adminSignInAction } from '@/lib/auth/actions';
import { safeCallbackUrl } from '@/lib/auth/sign-in-state';

export const metadata = { title: 'Administrator sign-in' };
export const dynamic = 'force-dynamic';

const NOTICES: Record<string, string> = {
  wrong_audience: 'You are signed in to the customer portal. Sign in with an administrator account to use the console.',
  expired: 'Your session has ended. Sign in again.',
};

export default async function AdminSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof sp.callbackUrl === 'string' ? sp.callbackUrl : undefined, '/admin');
  const error = typeof sp.error === 'string' ? sp.error : null;
  return (
    <AuthCard
      eyebrow="Admin console"
      title="Sign in"
      footer={
        <Link className="underline" href="/portal/sign-in">
          Customer? Sign in to the portal
        </Link>
      }
    >
      <SignInForm action={adminSignInAction} callbackUrl={callbackUrl} notice={error ? (NOTICES[error] ?? null) : null} />
    </AuthCard>
  );
}
