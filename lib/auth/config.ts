/**
 * The Auth.js configuration shared by the full instance (./auth.ts, with the Credentials
 * providers that reach the database) and the proxy (proxy.ts, which only reads the session
 * cookie). Nothing here touches the database.
 *
 * Sessions are JWTs (no session table). The token carries `radiant` = SessionClaims
 * (./claims.ts); the jwt callback drops the session (returns null: the cookie is cleared) as soon
 * as the claims are malformed or past their audience's lifetime (admin 8 h, tenant 12 h from
 * sign-in). Authorization is never decided from the token alone: lib/auth/session.ts re-reads
 * the administrator or user row on every request (role changes and deactivation apply at once).
 */
import type { NextAuthConfig } from 'next-auth';
import { liveClaims, SESSION_MAX_AGE_SECONDS } from './claims';
import { authSecret } from './secret';

export const authConfig = {
  secret: authSecret(),
  // `next start` / the custom server answer on whatever host they are reached by (STACK.md trap 6).
  trustHost: true,
  basePath: '/api/auth',
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  // Our own pages; Auth.js's built-in pages are never shown. Errors only reach a page from the
  // redirect-based (OIDC) flow, which is for administrators; credentials refusals are returned
  // to the sign-in forms directly.
  pages: { signIn: '/portal/sign-in', error: '/admin/sign-in' },
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        // Sign-in: the provider's authorize() put the claims on the user object.
        const claims = liveClaims((user as { radiant?: unknown }).radiant);
        if (!claims) return null;
        token.radiant = claims;
        token.sub = claims.userId;
        token.email = claims.email;
        return token;
      }
      return liveClaims(token.radiant) ? token : null;
    },
    session({ session, token }) {
      const claims = liveClaims(token.radiant);
      const s = session as typeof session & { radiant?: unknown };
      s.radiant = claims ?? undefined;
      if (claims) s.expires = new Date(claims.expiresAt * 1000).toISOString() as typeof session.expires;
      return s;
    },
  },
} satisfies NextAuthConfig;

/** The claims of an Auth.js session object (from auth()), or null. */
export function claimsFromSession(session: unknown) {
  if (!session || typeof session !== 'object') return null;
  return liveClaims((session as { radiant?: unknown }).radiant);
}
