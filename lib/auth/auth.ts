/**
 * The Auth.js (next-auth v5) instance: `handlers` for /api/auth/*, `auth()` to read the session,
 * `signIn` / `signOut` for server actions. Two Credentials providers, one per audience:
 *   "admin"  -> administrators (platform path), password then TOTP when MFA is on
 *   "tenant" -> users (e-mail lookup on the platform path, then withTenant)
 * plus the optional OIDC provider (./oidc.ts). Refusals become CredentialsSignin errors whose
 * `code` (invalid_credentials, mfa_required, mfa_invalid, throttled, inactive) the sign-in
 * forms turn into messages.
 */
import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authConfig } from './config';
import { authenticateAdmin, authenticateTenantUser, SignInRefused } from './credentials';
import { oidcProviders } from './oidc';
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

export const { handlers, auth, signIn, signOut } = NextAuth({
  ...authConfig,
  logger: {
    // A refused sign-in is an expected outcome (audited in lib/auth/credentials.ts), not an error.
    error(error: Error) {
      if (error instanceof CredentialsSignin || (error as { type?: string }).type === 'CredentialsSignin') return;
      getLogger().error({ err: error }, 'auth');
    },
  },
  providers: [
    Credentials({
      id: 'admin',
      name: 'Administrator',
      credentials: { email: { type: 'email' }, password: { type: 'password' }, totp: { type: 'text' } },
      authorize: (credentials, request) => run(() => authenticateAdmin(credentials, metaOf(request))),
    }),
    Credentials({
      id: 'tenant',
      name: 'Customer portal',
      credentials: { email: { type: 'email' }, password: { type: 'password' } },
      authorize: (credentials, request) => run(() => authenticateTenantUser(credentials, metaOf(request))),
    }),
    ...oidcProviders(),
  ],
});
