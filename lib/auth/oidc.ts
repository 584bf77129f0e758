/**
 * Single sign-on for ADMINISTRATORS through OpenID Connect (Auth.js v5's generic OIDC provider),
 * enabled only when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set (OIDC_NAME
 * labels the button on /admin/sign-in). Tenant users never sign in this way.
 *
 * The IdP proves who the person is; RADIANT decides whether they are an administrator: the ID
 * token's e-mail, which the IdP must mark verified (`email_verified`), has to belong to an ACTIVE
 * administrator (lib/auth/credentials.ts authenticateAdminOidc, called from the signIn callback in
 * ./auth.ts). Unknown, deactivated or unverified identities are refused with a message on the
 * sign-in page; a successful sign-in is audited as auth.sign_in with method "oidc".
 *
 * MFA: the session counts as MFA-verified (needed to approve in production) only when
 * OIDC_TRUST_AMR=true AND the ID token's `amr` (RFC 8176) names a second factor. Off by default,
 * because an IdP that lists "otp" for a password-only login would otherwise grant approvals.
 */
import type { NextAuthConfig } from 'next-auth';

export const OIDC_PROVIDER_ID = 'oidc';

/** RFC 8176 authentication method references that mean more than a password was used. */
export const MFA_AMR_VALUES: readonly string[] = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'sms', 'tel'];

export function oidcEnabled(env: Record<string, string | undefined> = process.env): boolean {
  return !!(env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET);
}

export function oidcName(env: Record<string, string | undefined> = process.env): string {
  return env.OIDC_NAME?.trim() || 'SSO';
}

/** Whether the IdP's `amr` may count as MFA on this installation (OIDC_TRUST_AMR). */
export function oidcTrustsAmr(env: Record<string, string | undefined> = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env.OIDC_TRUST_AMR?.trim() ?? '');
}

/** True when the `amr` claim names a second factor and this installation trusts it. */
export function amrCountsAsMfa(amr: unknown, env: Record<string, string | undefined> = process.env): boolean {
  if (!oidcTrustsAmr(env) || !Array.isArray(amr)) return false;
  return amr.some((v) => typeof v === 'string' && MFA_AMR_VALUES.includes(v.toLowerCase()));
}

export function oidcProviders(): NextAuthConfig['providers'] {
  if (!oidcEnabled()) return [];
  return [
    {
      id: OIDC_PROVIDER_ID,
      name: oidcName(),
      type: 'oidc',
      issuer: process.env.OIDC_ISSUER,
      clientId: process.env.OIDC_CLIENT_ID,
      clientSecret: process.env.OIDC_CLIENT_SECRET,
      // PKCE and state (CSRF on the callback) and nonce (ID token replay).
      checks: ['pkce', 'state', 'nonce'],
      authorization: { params: { scope: 'openid email profile' } },
    },
  ];
}
