/**
 * The Auth.js (next-auth v5) instance: `handlers` for /api/auth/*, `auth()` to read the session,
 * `signIn` / `signOut` for server actions. Two Credentials providers, one per audience:
 *   "admin"  -> administrators (platform path), password then TOTP when MFA is on
 *   "tenant" -> users (e-mail lookup on the platform path, then withTenant)
 * plus the optional OIDC provider for administrators (./oidc.ts), whose identity is mapped to an
 * administrator in the signIn callback below (a refusal redirects to /admin/sign-in with a
 * reason). Credentials refusals become CredentialsSignin errors whose
 * `code` (invalid_credentials, mfa_required, mfa_invalid, throttled, inactive, unverified) the sign-in
 * forms turn into messages.
 */
import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authConfig } from './config';
import { headers } from 'next/headers';
import { authenticateAdmin, authenticateAdminOidc, authenticateTenantUser, OidcSignInRefused, SignInRefused, type OidcProfile } from './credentials';
import { amrCountsAsMfa, OIDC_PROVIDER_ID, oidcProviders } from './oidc';
import { clientIp, userAgent } from './request-meta';
import { getLogger } from '../observability/logger';

export class RadiantSignInError extends CredentialsSignin {
  constructor(
    code: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`sign-in refused: ${code}`);
    this.code = retryAfterSeconds ? `${code}:${retryAfterSeconds}` : code;
  }
}

function metaOf(request: Request) {
  return { ip: clientIp(request.headers), userAgent: userAgent(request.headers), requestId: crypto.randomUUID() };
}

async function run<T extends { userId: string; email: string }>(fn: () => Promise<T>) {
  try {
    const claims = await fn();
    return { id: claims.userId, email: claims.email, radiant: claims } as { id: string; email: string };
  } catch (err) {
    if (err instanceof SignInRefused) throw new RadiantSignInError(err.reason, err.retryAfterSeconds);
    throw err;
  }
}

/** Request metadata inside Auth.js's route handler (the OIDC callback), for the audit row. */
async function metaOfCurrentRequest() {
  try {
    const h = await headers();
    return { ip: clientIp(h), userAgent: userAgent(h), requestId: crypto.randomUUID() };
  } catch {
    return { requestId: crypto.randomUUID() };
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  callbacks: {
    ...authConfig.callbacks,
    /**
     * Credentials sign-ins were decided in authorize(). An OIDC sign-in arrives here with the
     * verified ID token's claims (`profile`): map them to an active administrator and put the
     * RADIANT claims on the user object, which the jwt callback (./config.ts) turns into the
     * session; anything else goes back to the sign-in page with the reason.
     */
    async signIn({ user, account, profile }) {
      if (account?.provider !== OIDC_PROVIDER_ID) return true;
      const p = (profile ?? {}) as OidcProfile;
      try {
        const claims = await authenticateAdminOidc({ ctx: await metaOfCurrentRequest(), input: p, mfaFromAmr: amrCountsAsMfa(p.amr) });
        (user as { radiant?: unknown }).radiant = claims;
        return true;
      } catch (err) {
        if (err instanceof OidcSignInRefused) return `/admin/sign-in?error=sso_${err.reason.replace(/^sso_/, '')}`;
        throw err;
      }
    },
  },
  logger: {
    // A refused sign-in is an expected outcome (audited in lib/auth/credentials.ts), not an error.
    error(error: Error) {
      if (error instanceof CredentialsSignin || (error as { type?: string }).type === 'CredentialsSignin') return;
      // Auth.js wraps the real problem (an IdP's error, a failed check) in `cause`: keep its message.
      const cause = (error as { cause?: unknown }).cause as { err?: unknown; message?: unknown } | undefined;
      const why = cause?.err instanceof Error ? cause.err.message : typeof cause?.message === 'string' ? cause.message : undefined;
      getLogger().error({ err: error, ...(why ? { cause: why } : {}) }, 'auth');
    },
  },
  providers: [
    Credentials({
      id: 'admin',
      name: 'Administrator',
      credentials: { email: { type: 'email' }, password: { type: 'password' }, totp: { type: 'text' } },
      authorize: (credentials, request) => run(() => authenticateAdmin({ ctx: metaOf(request), input: credentials })),
    }),
    Credentials({
      id: 'tenant',
      name: 'Customer portal',
      credentials: { email: { type: 'email' }, password: { type: 'password' } },
      authorize: (credentials, request) => run(() => authenticateTenantUser({ ctx: metaOf(request), input: credentials })),
    }),
    ...oidcProviders(),
  ],
});
