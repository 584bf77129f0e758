/**
 * Room for single sign-on: an OpenID Connect provider for ADMINISTRATORS, enabled only when
 * OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set (OIDC_NAME labels the button).
 *
 * Not built further yet (docs/governance.md, "SSO"): a successful OIDC sign-in carries no RADIANT
 * claims, so the jwt callback refuses it (fail closed). To finish it, map the verified e-mail
 * (`profile.email`, `email_verified`) to an active `administrators` row in a `signIn` callback,
 * audit it as auth.sign_in with method "oidc", and issue newAdminClaims() in the jwt callback;
 * decide whether the IdP's MFA (`amr` claim) counts as `mfa`.
 */
import type { NextAuthConfig } from 'next-auth';

export function oidcEnabled(): boolean {
  return !!(process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID && process.env.OIDC_CLIENT_SECRET);
}

export function oidcProviders(): NextAuthConfig['providers'] {
  if (!oidcEnabled()) return [];
  return [
    {
      id: 'oidc',
      name: process.env.OIDC_NAME || 'SSO',
      type: 'oidc',
      issuer: process.env.OIDC_ISSUER,
      clientId: process.env.OIDC_CLIENT_ID,
      clientSecret: process.env.OIDC_CLIENT_SECRET,
    },
  ];
}
