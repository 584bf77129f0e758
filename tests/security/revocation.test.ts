/**
 * Session revocation (lib/auth/revocation.ts): revokeSessions / revokeAdminSessions end every
 * session issued before the call, at once, for both audiences; a sign-in afterwards works.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newAdminClaims, newTenantClaims } from '../../lib/auth/claims';
import { revokeAdminSessions, revokeSessions } from '../../lib/auth/revocation';
import { requireAdminFromRequest, requireTenantUserFromRequest, setSessionResolverForTests } from '../../lib/auth/session';
import type { Db } from '../../lib/db/client';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { UnauthenticatedError } from '../../lib/errors';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { createAdmin, useSession } from '../governance/helpers';

let db: Db;
const req = () => new Request('http://localhost/api/admin/x');

beforeAll(async () => {
  db = (await testDb()).db;
});
afterEach(() => setSessionResolverForTests(null));

describe('session revocation', () => {
  it('revokeAdminSessions ends the sessions issued before it; a new sign-in works', async () => {
    const a = await createAdmin(db, 'admin');
    const old = newAdminClaims({ userId: a.id, email: a.email, role: a.role, mfa: false }, Date.now() - 5_000);
    useSession(old);
    await expect(requireAdminFromRequest(req())).resolves.toMatchObject({ adminId: a.id });
    await withPlatform((tx) => revokeAdminSessions(tx, a.id), db);
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
    useSession(newAdminClaims({ userId: a.id, email: a.email, role: a.role, mfa: false }));
    await expect(requireAdminFromRequest(req())).resolves.toMatchObject({ adminId: a.id });
  });

  it('revokeSessions ends a tenant user session (called inside the tenant transaction)', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id);
    useSession(newTenantClaims({ userId: u.id, email: u.email, role: u.role, tenantId: t.id }, Date.now() - 5_000));
    await expect(requireTenantUserFromRequest(req())).resolves.toMatchObject({ userId: u.id });
    await withTenant(t.id, (tx) => revokeSessions(tx, u.id), db);
    await expect(requireTenantUserFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
    useSession(newTenantClaims({ userId: u.id, email: u.email, role: u.role, tenantId: t.id }));
    await expect(requireTenantUserFromRequest(req())).resolves.toMatchObject({ userId: u.id });
  });

  it('claims from before issuedAtMs existed (seconds only) are compared by their second', async () => {
    const a = await createAdmin(db, 'operator');
    const { issuedAtMs: _drop, ...legacy } = newAdminClaims({ userId: a.id, email: a.email, role: a.role, mfa: false }, Date.now() - 3_000);
    void _drop;
    useSession(legacy);
    await withPlatform((tx) => revokeAdminSessions(tx, a.id), db);
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
