import Link from 'next/link';
import { AuthCard } from '@/components/governance/auth-card';
import { SignInForm } from '@/components/governance/sign-in-form';
import { tenantSignInAction } from '@/lib/auth/actions';
import { safeCallbackUrl } from '@/lib/auth/sign-in-state';
import { signupOpen } from '@/lib/tenants/signup';

export const metadata = { title: 'Customer portal sign-in' };
export const dynamic = 'force-dynamic';

const NOTICES: Record<string, string> = {
  wrong_audience: 'You are signed in as a platform administrator. Sign in with a customer account to use the portal.',
  expired: 'Your session has ended. Sign in again.',
};

export default async function PortalSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(typeof sp.callbackUrl === 'string' ? sp.callbackUrl : undefined, '/portal');
  const error = typeof sp.error === 'string' ? sp.error : null;
  return (
    <AuthCard
      eyebrow="Customer portal"
      title="Sign in"
      footer={
        <span className="flex flex-col gap-1">
          <Link className="underline" href="/password/forgot">
            Forgot your password?
          </Link>
          {signupOpen() ? (
            <Link className="underline" href="/signup">
              New here? Create an account
            </Link>
          ) : null}
          <Link className="underline" href="/admin/sign-in">
            Platform administrator? Sign in to the console
          </Link>
        </span>
      }
    >
      <SignInForm action={tenantSignInAction} callbackUrl={callbackUrl} notice={error ? (NOTICES[error] ?? null) : null} />
    </AuthCard>
  );
}
