/**
 * Administrator single sign-on (issue 17), the mapping Auth.js's signIn callback calls with the
 * verified ID token's claims: a verified e-mail of an ACTIVE administrator signs in (audited,
 * method oidc); unknown, deactivated or unverified identities are refused; the IdP's `amr` counts
 * as MFA only when OIDC_TRUST_AMR says so. The browser flow against a real OpenID provider is
 * e2e/oidc.spec.ts.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateAdminOidc, OidcSignInRefused } from '../../lib/auth/credentials';
import { amrCountsAsMfa, oidcEnabled } from '../../lib/auth/oidc';
import { queryRows, type Db } from '../../lib/db/client';
import { testDb } from '../support/db';
import { createAdmin } from '../governance/helpers';
import { uniqueSuffix } from '../support/factories';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});
const meta = () => ({ ip: '198.51.100.77', userAgent: 'vitest', requestId: `req-oidc-${uniqueSuffix()}` });

describe('OIDC identity -> administrator', () => {
  it('a verified e-mail of an active administrator signs in, audited with method oidc', async () => {
    const a = await createAdmin(db, 'admin');
    const m = meta();
    const claims = await authenticateAdminOidc({
      ctx: m,
      input: { email: a.email.toUpperCase(), email_verified: true, sub: 'idp-sub-1', iss: 'https://idp.test', amr: ['pwd'] },
      mfaFromAmr: false,
    });
    expect(claims).toMatchObject({ audience: 'admin', userId: a.id, role: 'admin', mfa: false });
    const rows = await queryRows<{ action: string; metadata: Record<string, unknown>; actor_id: string }>(
      db,
      sql`SELECT action, metadata, actor_id FROM audit_logs WHERE request_id = ${m.requestId}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'auth.sign_in',
      actor_id: a.id,
      metadata: { method: 'oidc', mfa: false, issuer: 'https://idp.test', subject: 'idp-sub-1' },
    });
  });

  it('refuses an unknown e-mail, a deactivated administrator and an unverified e-mail', async () => {
    const gone = await createAdmin(db, 'operator', { status: 'inactive' });
    const unverifiedOf = await createAdmin(db, 'super_admin');
    const reason = (p: Parameters<typeof authenticateAdminOidc>[0]['input']) =>
      authenticateAdminOidc({ ctx: meta(), input: p, mfaFromAmr: false }).then(
        () => 'signed in',
        (e: unknown) => (e instanceof OidcSignInRefused ? e.reason : String(e)),
      );
    expect(await reason({ email: `stranger-${uniqueSuffix()}@elsewhere.test`, email_verified: true })).toBe('sso_unknown');
    expect(await reason({ email: gone.email, email_verified: true })).toBe('inactive');
    expect(await reason({ email: unverifiedOf.email, email_verified: false })).toBe('sso_unverified');
    expect(await reason({ email: unverifiedOf.email })).toBe('sso_unverified');
    expect(await reason({ email_verified: true })).toBe('sso_unverified');
    // Refusals are not audited (login_attempts keeps them); nothing signed in.
    const signIns = await queryRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'auth.sign_in' AND actor_id IN (${gone.id}, ${unverifiedOf.id})`,
    );
    expect(signIns[0]!.n).toBe(0);
  });

  it('the IdP’s amr counts as MFA only when OIDC_TRUST_AMR is set', async () => {
    expect(amrCountsAsMfa(['pwd', 'otp'], {})).toBe(false);
    expect(amrCountsAsMfa(['pwd', 'otp'], { OIDC_TRUST_AMR: 'true' })).toBe(true);
    expect(amrCountsAsMfa(['hwk'], { OIDC_TRUST_AMR: '1' })).toBe(true);
    expect(amrCountsAsMfa(['mfa'], { OIDC_TRUST_AMR: 'true' })).toBe(true);
    expect(amrCountsAsMfa(['pwd'], { OIDC_TRUST_AMR: 'true' })).toBe(false);
    expect(amrCountsAsMfa('otp', { OIDC_TRUST_AMR: 'true' })).toBe(false);
    const a = await createAdmin(db, 'super_admin');
    const claims = await authenticateAdminOidc({
      ctx: meta(),
      input: { email: a.email, email_verified: true, amr: ['otp'] },
      mfaFromAmr: amrCountsAsMfa(['otp'], { OIDC_TRUST_AMR: 'true' }),
    });
    expect(claims.mfa).toBe(true);
  });

  it('is enabled only with an issuer, a client id and a client secret', () => {
    expect(oidcEnabled({ OIDC_ISSUER: 'https://idp.test', OIDC_CLIENT_ID: 'radiant' })).toBe(false);
    expect(oidcEnabled({ OIDC_ISSUER: 'https://idp.test', OIDC_CLIENT_ID: 'radiant', OIDC_CLIENT_SECRET: 's' })).toBe(true);
  });
});
