'use server';
/**
 * Sign-in and sign-out server actions for /admin/sign-in and /portal/sign-in. Field problems
 * come back as field errors; a refused sign-in as one message that never says whether the e-mail
 * exists; a correct password with MFA on comes back as status 'mfa' (the form then asks for the
 * code and submits again with it).
 */
import { AuthError } from 'next-auth';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { withPlatform, withTenant } from '../db/tenant';
import { writeAudit } from '../platform/audit';
import { signIn, signOut } from './auth';
import { SIGN_IN_MESSAGES, type SignInRefusal } from './credentials';
import { OIDC_PROVIDER_ID, oidcEnabled } from './oidc';
import { currentClaims } from './session';
import { safeCallbackUrl, type SignInState } from './sign-in-state';
import { getLogger } from '../observability/logger';

const formSchema = z.object({
  email: z.string().trim().min(1, 'Enter your e-mail address').pipe(z.email('Enter a valid e-mail address')),
  password: z.string().min(1, 'Enter your password').max(1024),
  totp: z.string().trim().max(40).optional(),
});

function str(formData: FormData, key: string): string | undefined {
  const v = formData.get(key);
  return typeof v === 'string' ? v : undefined;
}

function refusalMessage(code: string): { reason: SignInRefusal; message: string } {
  const [reason, retry] = code.split(':') as [SignInRefusal, string | undefined];
  if (reason === 'throttled' && retry) {
    const minutes = Math.max(1, Math.ceil(Number(retry) / 60));
    return { reason, message: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` };
  }
  return { reason, message: SIGN_IN_MESSAGES[reason] ?? SIGN_IN_MESSAGES.invalid_credentials };
}

async function doSignIn(provider: 'admin' | 'tenant', formData: FormData): Promise<SignInState | null> {
  const parsed = formSchema.safeParse({ email: str(formData, 'email'), password: str(formData, 'password'), totp: str(formData, 'totp') || undefined });
  if (!parsed.success) {
    const fieldErrors: NonNullable<SignInState['fieldErrors']> = {};
    for (const i of parsed.error.issues) {
      const k = String(i.path[0]) as keyof typeof fieldErrors;
      (fieldErrors[k] ??= []).push(i.message);
    }
    return { status: 'error', message: 'Please correct the highlighted fields.', fieldErrors };
  }
  try {
    await signIn(provider, { ...parsed.data, ...(parsed.data.totp ? {} : { totp: '' }), redirect: false });
    return null;
  } catch (err) {
    if (err instanceof AuthError && err.type === 'CredentialsSignin') {
      const { reason, message } = refusalMessage(String((err as AuthError & { code?: string }).code ?? 'invalid_credentials'));
      if (reason === 'mfa_required') return { status: 'mfa', message };
      if (reason === 'mfa_invalid') return { status: 'mfa', message, fieldErrors: { totp: [message] } };
      return { status: 'error', message };
    }
    getLogger().error({ err }, 'sign-in failed unexpectedly');
    return { status: 'error', message: 'Sign-in is unavailable right now. Try again in a moment.' };
  }
}

export async function adminSignInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const refused = await doSignIn('admin', formData);
  if (refused) return refused;
  redirect(safeCallbackUrl(str(formData, 'callbackUrl'), '/admin'));
}

export async function tenantSignInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const refused = await doSignIn('tenant', formData);
  if (refused) return refused;
  redirect(safeCallbackUrl(str(formData, 'callbackUrl'), '/portal'));
}

/** Single sign-on for administrators (./oidc.ts): off to the identity provider, back to the
 * callback URL (a same-origin path) once the signIn callback has matched an administrator. */
export async function adminSsoSignInAction(formData: FormData): Promise<void> {
  if (!oidcEnabled()) redirect('/admin/sign-in');
  await signIn(OIDC_PROVIDER_ID, { redirectTo: safeCallbackUrl(str(formData, 'callbackUrl'), '/admin') });
}

/** Signs out whoever is signed in (audited), then goes to that audience's sign-in page. */
export async function signOutAction(): Promise<void> {
  const claims = await currentClaims();
  if (claims) {
    const entry = {
      action: 'auth.sign_out',
      resourceType: claims.audience === 'admin' ? 'administrator' : 'user',
      resourceId: claims.userId,
      metadata: { audience: claims.audience },
    };
    try {
      if (claims.audience === 'admin') {
        await withPlatform((tx) => writeAudit(tx, { ...entry, actor: { type: 'admin', id: claims.userId, email: claims.email } }));
      } else {
        await withTenant(claims.tenantId, (tx) =>
          writeAudit(tx, { ...entry, tenantId: claims.tenantId, actor: { type: 'tenant_user', id: claims.userId, email: claims.email } }),
        );
      }
    } catch (err) {
      getLogger().error({ err }, 'sign-out audit failed');
    }
  }
  await signOut({ redirectTo: claims?.audience === 'tenant' ? '/portal/sign-in' : '/admin/sign-in' });
}
