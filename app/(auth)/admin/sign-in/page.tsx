import Link from 'next/link';
import { AuthCard } from '@/components/governance/auth-card';
import { SignInForm } from '@/components/governance/sign-in-form';
import { Button } from '@/components/ui/button';
import { adminSignInAction, adminSsoSignInAction } from '@/lib/auth/actions';
import { OIDC_MESSAGES } from '@/lib/auth/credentials';
import { oidcEnabled, oidcName } from '@/lib/auth/oidc';
import { safeCallbackUrl } from '@/lib/auth/sign-in-state';

export const metadata = { title: 'Administrator sign-in' };
export const dynamic = 'force-dynamic';

const NOTICES: Record<string, string> = {
  wrong_audience: 'You are signed in to the customer portal. Sign in with an administrator account to use the console.',
  expired: 'Your session has ended. Sign in again.',
  sso_unknown: OIDC_MESSAGES.sso_unknown,
  sso_unverified: OIDC_MESSAGES.sso_unverified,
  sso_inactive: OIDC_MESSAGES.inactive,
  sso_throttled: OIDC_MESSAGES.throttled,
  // Auth.js's own error codes from the redirect flow (the IdP refused, the state did not match...).
  AccessDenied: 'Single sign-on was refused.',
  Configuration: 'Single sign-on did not complete. Try again, or sign in with your password.',
  OAuthCallbackError: 'Single sign-on did not complete. Try again, or sign in with your password.',
  OAuthSignInError: 'Single sign-on is unavailable right now. Sign in with your password.',
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
      {oidcEnabled() ? (
        <form action={adminSsoSignInAction} className="mt-4 border-t border-slate-200 pt-4">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <Button type="submit" variant="secondary" className="w-full">
            Continue with {oidcName()}
          </Button>
        </form>
      ) : null}
    </AuthCard>
  );
}
