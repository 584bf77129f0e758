/**
 * Sign-in (both audiences), throttling, session claims and lifetimes, and the session helpers
 * (audience separation; role and status re-read from the database).
 */
import crypto from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { liveClaims, newAdminClaims, newTenantClaims, SESSION_HOURS, type AdminClaims } from '../../lib/auth/claims';
import { authenticateAdmin, authenticateTenantUser, SignInRefused } from '../../lib/auth/credentials';
import { clientIp } from '../../lib/auth/request-meta';
import { requireAdminFromRequest, requireTenantUserFromRequest, setSessionResolverForTests } from '../../lib/auth/session';
import type { Db } from '../../lib/db/client';
import { administrators, loginAttempts, users } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import { hashPassword } from '../../lib/governance/passwords';
import { testDb } from '../support/db';
import { createTenant, createUser, uniqueSuffix } from '../support/factories';
import { adminSession, auditRowsFor, createAdmin, tenantSession, useSession } from './helpers';

const PASSWORD = 'correct horse battery staple';
let db: Db;

const ip = () => `10.${crypto.randomInt(256)}.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}`;

beforeAll(async () => {
  db = (await testDb()).db;
});

afterEach(() => {
  setSessionResolverForTests(null);
  delete process.env.RADIANT_LOGIN_MAX_FAILURES_PER_IP;
  delete process.env.RADIANT_LOGIN_MAX_FAILURES_PER_EMAIL;
});

async function refusal(p: Promise<unknown>): Promise<SignInRefused> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SignInRefused);
  return e as SignInRefused;
}

describe('administrator sign-in', () => {
  it('accepts the right password (case-insensitive e-mail), audits it and records the attempt', async () => {
    const a = await createAdmin(db, 'operator', { password: PASSWORD });
    const addr = ip();
    const claims = await authenticateAdmin({
      ctx: { ip: addr, userAgent: 'ua', requestId: 'r-1' },
      input: { email: a.email.toUpperCase(), password: PASSWORD },
    });
    expect(claims).toMatchObject({ audience: 'admin', userId: a.id, role: 'operator', mfa: false });
    expect('tenantId' in claims).toBe(false);
    expect(claims.expiresAt - claims.issuedAt).toBe(SESSION_HOURS.admin * 3600);
    const audit = (await auditRowsFor(db, { resourceId: a.id, action: 'auth.sign_in' }))[0]!;
    expect(audit).toMatchObject({ actorId: a.id, ipAddress: addr, userAgent: 'ua', requestId: 'r-1' });
    const [last] = await withPlatform((tx) => tx.select().from(administrators).where(eq(administrators.id, a.id)), db);
    expect(last!.lastLoginAt).not.toBeNull();
  });

  it('refuses a wrong password or unknown e-mail with the same message; the failure goes to login_attempts, not the audit log', async () => {
    const a = await createAdmin(db, 'admin', { password: PASSWORD });
    const addr = ip();
    const wrong = await refusal(authenticateAdmin({ ctx: { ip: addr }, input: { email: a.email, password: 'nope nope nope' } }));
    const unknown = await refusal(authenticateAdmin({ ctx: { ip: addr }, input: { email: `ghost-${uniqueSuffix()}@x.test`, password: PASSWORD } }));
    expect(wrong.reason).toBe('invalid_credentials');
    expect(unknown.message).toBe(wrong.message);
    expect(await auditRowsFor(db, { resourceId: a.id, action: 'auth.sign_in_failed' })).toHaveLength(0);
    const attempts = await withPlatform((tx) => tx.select().from(loginAttempts).where(eq(loginAttempts.email, a.email.toLowerCase())), db);
    expect(attempts.map((r) => [r.success, r.reason])).toEqual([[false, 'invalid_credentials']]);
    expect(JSON.stringify(attempts)).not.toContain('nope nope nope');
  });

  it('refuses suspended administrators (after the password check)', async () => {
    const a = await createAdmin(db, 'admin', { password: PASSWORD, status: 'suspended' });
    expect((await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } }))).reason).toBe('inactive');
  });

  it('tenant users cannot sign in as administrators and vice versa', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { passwordHash: await hashPassword(PASSWORD) });
    const a = await createAdmin(db, 'admin', { password: PASSWORD });
    expect((await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: u.email, password: PASSWORD } }))).reason).toBe('invalid_credentials');
    expect((await refusal(authenticateTenantUser({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } }))).reason).toBe('invalid_credentials');
  });
});

describe('tenant sign-in', () => {
  it('finds the tenant from the e-mail and signs in within it', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { role: 'billing', passwordHash: await hashPassword(PASSWORD) });
    const claims = await authenticateTenantUser({ ctx: { ip: ip() }, input: { email: u.email, password: PASSWORD } });
    expect(claims).toMatchObject({ audience: 'tenant', userId: u.id, tenantId: t.id, role: 'billing', mfa: false });
    expect(claims.expiresAt - claims.issuedAt).toBe(SESSION_HOURS.tenant * 3600);
    const rows = await auditRowsFor(db, { resourceId: u.id, action: 'auth.sign_in' });
    expect(rows[0]!.tenantId).toBe(t.id);
  });

  it('refuses users of a suspended tenant', async () => {
    const t = await createTenant(db, { status: 'suspended' });
    const u = await createUser(db, t.id, { passwordHash: await hashPassword(PASSWORD) });
    expect((await refusal(authenticateTenantUser({ ctx: { ip: ip() }, input: { email: u.email, password: PASSWORD } }))).reason).toBe('inactive');
  });
});

describe('throttling', () => {
  it('after 5 failures for one e-mail even the right password is refused, with a clear message; the lock-out is audited and backs off', async () => {
    const a = await createAdmin(db, 'admin', { password: PASSWORD });
    for (let i = 0; i < 5; i++) await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: `wrong-${i}-password` } }));
    const r = await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } }));
    expect(r.reason).toBe('throttled');
    expect(r.message).toMatch(/Too many failed sign-in attempts\. Try again in \d+ minutes?/);
    // The first lock-out is short (1 minute), so a stranger cannot lock an administrator out for long.
    expect(r.retryAfterSeconds).toBeGreaterThan(50);
    expect(r.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await auditRowsFor(db, { action: 'auth.locked_out' })).filter((x) => x.actorEmail === a.email)).toHaveLength(1);
    // A further failure once it ends doubles the next lock-out (capped at the window).
    await withPlatform((tx) => tx.execute(sql`UPDATE login_attempts SET created_at = created_at - interval '61 seconds' WHERE email = ${a.email}`), db);
    await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: 'wrong-again-password' } }));
    const r2 = await refusal(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } }));
    expect(r2.retryAfterSeconds).toBeGreaterThan(110);
    expect(r2.retryAfterSeconds).toBeLessThanOrEqual(120);

    // Once the failures leave the window, the account opens again.
    await withPlatform((tx) => tx.execute(sql`UPDATE login_attempts SET created_at = created_at - interval '16 minutes' WHERE email = ${a.email}`), db);
    await expect(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } })).resolves.toMatchObject({ userId: a.id });
  });

  it('per IP: too many failures from one address refuse every e-mail from it', async () => {
    process.env.RADIANT_LOGIN_MAX_FAILURES_PER_IP = '3';
    const addr = ip();
    for (let i = 0; i < 3; i++)
      await refusal(authenticateAdmin({ ctx: { ip: addr }, input: { email: `nobody-${uniqueSuffix()}@x.test`, password: 'whatever-pass' } }));
    const a = await createAdmin(db, 'admin', { password: PASSWORD });
    expect((await refusal(authenticateAdmin({ ctx: { ip: addr }, input: { email: a.email, password: PASSWORD } }))).reason).toBe('throttled');
    await expect(authenticateAdmin({ ctx: { ip: ip() }, input: { email: a.email, password: PASSWORD } })).resolves.toMatchObject({ userId: a.id });
  });

  it('tenant sign-ins are throttled too, and throttled attempts do not extend the lock-out', async () => {
    process.env.RADIANT_LOGIN_MAX_FAILURES_PER_EMAIL = '2';
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { passwordHash: await hashPassword(PASSWORD) });
    for (let i = 0; i < 2; i++) await refusal(authenticateTenantUser({ ctx: { ip: ip() }, input: { email: u.email, password: 'bad-password-x' } }));
    for (let i = 0; i < 3; i++)
      expect((await refusal(authenticateTenantUser({ ctx: { ip: ip() }, input: { email: u.email, password: PASSWORD } }))).reason).toBe('throttled');
    const rows = await withPlatform((tx) => tx.select().from(loginAttempts).where(eq(loginAttempts.email, u.email)), db);
    expect(rows.filter((r) => r.reason === 'throttled')).toHaveLength(3);
    await withPlatform(
      (tx) => tx.execute(sql`UPDATE login_attempts SET created_at = created_at - interval '16 minutes' WHERE email = ${u.email} AND reason <> 'throttled'`),
      db,
    );
    await expect(authenticateTenantUser({ ctx: { ip: ip() }, input: { email: u.email, password: PASSWORD } })).resolves.toMatchObject({ userId: u.id });
  });
});

describe('session claims', () => {
  it('admin sessions last 8 h, tenant sessions 12 h, from sign-in', () => {
    const now = Date.now();
    const a = newAdminClaims({ userId: crypto.randomUUID(), email: 'a@x.test', role: 'admin', mfa: true }, now);
    const t = newTenantClaims({ userId: crypto.randomUUID(), email: 't@x.test', role: 'owner', tenantId: crypto.randomUUID() }, now);
    expect(liveClaims(a, now + 7.9 * 3600_000)).not.toBeNull();
    expect(liveClaims(a, now + 8 * 3600_000 + 1000)).toBeNull();
    expect(liveClaims(t, now + 11.9 * 3600_000)).not.toBeNull();
    expect(liveClaims(t, now + 12 * 3600_000 + 1000)).toBeNull();
  });

  it('an admin session can never carry a tenant id; forged lifetimes are refused', () => {
    const a = newAdminClaims({ userId: crypto.randomUUID(), email: 'a@x.test', role: 'admin', mfa: false });
    expect(liveClaims({ ...a, tenantId: crypto.randomUUID() })).toBeNull();
    expect(liveClaims({ ...a, expiresAt: a.issuedAt + 24 * 3600 })).toBeNull();
    expect(liveClaims({ ...a, role: 'owner' })).toBeNull();
    const t = newTenantClaims({ userId: crypto.randomUUID(), email: 't@x.test', role: 'owner', tenantId: crypto.randomUUID() });
    expect(liveClaims({ ...t, tenantId: undefined })).toBeNull();
  });

  it('client IP: the socket peer; X-Forwarded-For only through RADIANT_TRUSTED_PROXIES hops', () => {
    const h = new Headers({ 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.0.0.1', 'x-radiant-peer': '::ffff:10.0.0.2' });
    expect(clientIp(h, 0)).toBe('10.0.0.2');
    expect(clientIp(h, 1)).toBe('10.0.0.1');
    expect(clientIp(h, 2)).toBe('198.51.100.4');
    expect(clientIp(h, 9)).toBe('6.6.6.6');
    expect(clientIp(new Headers({ 'x-forwarded-for': '::ffff:127.0.0.1' }), 1)).toBe('127.0.0.1');
    expect(clientIp(new Headers({ 'x-forwarded-for': 'not-an-ip' }), 1)).toBeNull();
    expect(clientIp(new Headers())).toBeNull();
  });
});

describe('session helpers', () => {
  const req = () => new Request('http://localhost/api/admin/x', { headers: { 'user-agent': 'ua-test', 'x-radiant-peer': '192.0.2.9' } });

  it('no session -> 401; a tenant session on admin paths -> 403; an admin session on tenant paths -> 403', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { role: 'owner' });
    const a = await createAdmin(db, 'super_admin');
    useSession(null);
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(requireTenantUserFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
    useSession(tenantSession({ id: u.id, email: u.email, tenantId: t.id, role: 'owner' }));
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(requireTenantUserFromRequest(req())).resolves.toMatchObject({ userId: u.id, tenantId: t.id, role: 'owner' });
    useSession(adminSession(a));
    await expect(requireTenantUserFromRequest(req())).rejects.toBeInstanceOf(ForbiddenError);
    const ctx = await requireAdminFromRequest(req(), 'audit.read', 'req-42');
    expect(ctx).toMatchObject({ adminId: a.id, role: 'super_admin', ip: '192.0.2.9', userAgent: 'ua-test', requestId: 'req-42' });
    expect(ctx).not.toHaveProperty('tenantId');
  });

  it('the role comes from the database, not the token; suspension applies at once', async () => {
    const a = await createAdmin(db, 'admin');
    useSession({ ...(adminSession(a) as AdminClaims), role: 'super_admin' });
    const ctx = await requireAdminFromRequest(req());
    expect(ctx.role).toBe('admin');
    await expect(requireAdminFromRequest(req(), 'admins.manage')).rejects.toBeInstanceOf(ForbiddenError);
    await withPlatform((tx) => tx.update(administrators).set({ status: 'suspended' }).where(eq(administrators.id, a.id)), db);
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('the MFA flag needs both an MFA sign-in and MFA still enabled', async () => {
    const a = await createAdmin(db, 'admin');
    useSession(adminSession(a, true));
    expect((await requireAdminFromRequest(req())).mfa).toBe(false);
    await withPlatform((tx) => tx.update(administrators).set({ mfaEnabled: true }).where(eq(administrators.id, a.id)), db);
    expect((await requireAdminFromRequest(req())).mfa).toBe(true);
  });

  it('tenant role filters apply', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id, { role: 'member' });
    useSession(tenantSession({ id: u.id, email: u.email, tenantId: t.id, role: 'member' }));
    await expect(requireTenantUserFromRequest(req(), ['owner', 'billing'])).rejects.toBeInstanceOf(ForbiddenError);
    await expect(requireTenantUserFromRequest(req(), ['member'])).resolves.toMatchObject({ role: 'member' });
    await withPlatform((tx) => tx.update(users).set({ status: 'inactive' }).where(eq(users.id, u.id)), db);
    await expect(requireTenantUserFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('the test hook refuses to work outside vitest', () => {
    const saved = process.env.VITEST;
    delete process.env.VITEST;
    try {
      expect(() => setSessionResolverForTests(() => null)).toThrow(/only available under vitest/);
    } finally {
      process.env.VITEST = saved;
    }
  });
});
