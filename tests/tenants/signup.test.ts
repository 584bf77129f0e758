/**
 * Self-service sign-up (issue 14, RADIANT_SIGNUP=open): off by default; a company signs up on the
 * free tier with an unverified owner who cannot sign in until the single-use, expiring link is
 * followed; the same answer for a taken address (and nothing created); a unique slug; limited
 * like sign-in; audited. Real database (PGlite; PostgreSQL when TEST_DATABASE_URL is set).
 */
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { authenticateTenantUser, SignInRefused } from '../../lib/auth/credentials';
import { requestPasswordReset, resetPassword } from '../../lib/auth/password-reset';
import type { Db } from '../../lib/db/client';
import { auditLogs, passwordResetTokens, tenants, users } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../../lib/errors';
import { ExpiredError } from '../../lib/governance/errors';
import { memoryMailer, setMailer } from '../../lib/governance/mailer';
import type { SystemContext } from '../../lib/platform/context';
import { describeVerificationToken, signUp, signupOpen, slugFrom, SIGNUP_MESSAGE, verifyEmail } from '../../lib/tenants/signup';
import { testDb } from '../support/db';
import { uniqueSuffix } from '../support/factories';

// Every sign-up hashes an argon2 password; on a shared 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

let db: Db;
const mailer = memoryMailer();
const PASSWORD = 'a-long-enough-password-1';

beforeAll(async () => {
  db = (await testDb()).db;
  setMailer(mailer);
});
afterAll(() => setMailer(null));
afterEach(() => vi.unstubAllEnvs());

const ctx = (ip: string | null = null): SystemContext => ({ system: 'signup', ip, userAgent: 'vitest', requestId: crypto.randomUUID() });

function lastMail(to: string) {
  const m = mailer.sent.filter((x) => x.to === to).at(-1);
  if (!m) throw new Error(`no mail for ${to}`);
  return m;
}

function verifyToken(to: string): string {
  const match = /\/verify-email\/([A-Za-z0-9_-]+)/.exec(lastMail(to).text);
  if (!match) throw new Error(`no verification link for ${to}`);
  return match[1]!;
}

async function refusal(p: Promise<unknown>): Promise<SignInRefused> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SignInRefused);
  return e as SignInRefused;
}

/** Tenants billed to this address (other test files create tenants on the same database at the same time). */
async function tenantCount(email: string): Promise<number> {
  const [r] = await withPlatform(
    (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(tenants)
        .where(sql`lower(${tenants.billingEmail}) = ${email.toLowerCase()}`),
    db,
  );
  return Number(r!.n);
}

function open() {
  vi.stubEnv('RADIANT_SIGNUP', 'open');
}

describe('self-service sign-up', () => {
  it('is off by default: the verbs answer 404 and nothing is created', async () => {
    expect(signupOpen({})).toBe(false);
    expect(signupOpen({ RADIANT_SIGNUP: 'closed' })).toBe(false);
    expect(signupOpen({ RADIANT_SIGNUP: 'open' })).toBe(true);
    const s = uniqueSuffix();
    await expect(signUp({ ctx: ctx(), input: { companyName: `Off ${s}`, name: 'A', email: `off-${s}@t.test`, password: PASSWORD } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(verifyEmail({ ctx: ctx(), input: { token: 'x'.repeat(43) } })).rejects.toBeInstanceOf(NotFoundError);
    expect(await describeVerificationToken('x'.repeat(43))).toEqual({ ok: false, reason: 'invalid' });
    expect(await tenantCount(`off-${s}@t.test`)).toBe(0);
    expect(mailer.sent.some((m) => m.to === `off-${s}@t.test`)).toBe(false);
  });

  it('creates the tenant on the free tier with an unverified owner who cannot sign in until the link is followed, once', async () => {
    open();
    const s = uniqueSuffix();
    const email = `Founder-${s}@Startup.test`;
    const r = await signUp({
      ctx: ctx(),
      input: { companyName: `Startup ${s} GmbH`, name: 'Ada Founder', email, password: PASSWORD },
      baseUrl: 'http://app.test',
    });
    expect(r).toEqual({ message: SIGNUP_MESSAGE });
    const address = email.toLowerCase();
    const [u] = await withPlatform((tx) => tx.select().from(users).where(eq(users.email, address)), db);
    expect(u).toMatchObject({ role: 'owner', status: 'unverified', name: 'Ada Founder' });
    const [t] = await withPlatform((tx) => tx.select().from(tenants).where(eq(tenants.id, u!.tenantId)), db);
    expect(t).toMatchObject({ name: `Startup ${s} GmbH`, slug: `startup-${s}-gmbh`, tier: 1, status: 'active', billingEmail: address, currency: 'USD' });
    expect(t!.monthlyBudget).not.toBeNull();
    expect(Number(t!.monthlyBudget)).toBe(10);

    const audit = await withPlatform((tx) => tx.select().from(auditLogs).where(eq(auditLogs.tenantId, t!.id)), db);
    expect(audit.map((a) => a.action).sort()).toEqual(['tenant.created', 'tenant_user.signed_up']);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);

    const mail = lastMail(address);
    expect(mail.subject).toMatch(/Verify your e-mail/);
    expect(mail.text).toContain('http://app.test/verify-email/');
    const token = verifyToken(address);
    const stored = await withPlatform((tx) => tx.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, u!.id)), db);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.purpose).toBe('verify_email');
    expect(stored[0]!.tokenHash).not.toContain(token);

    // Unverified: the right password is refused with a message saying to verify.
    expect((await refusal(authenticateTenantUser({ ctx: {}, input: { email: address, password: PASSWORD } }))).reason).toBe('unverified');
    // A wrong password says nothing about the account.
    expect((await refusal(authenticateTenantUser({ ctx: {}, input: { email: address, password: 'wrong-password-123' } }))).reason).toBe('invalid_credentials');
    // The reset flow does not take the verification token, nor mail an unverified person.
    await expect(resetPassword({ ctx: {}, input: { token, password: 'another-long-password-2' } })).rejects.toBeInstanceOf(NotFoundError);

    expect(await describeVerificationToken(token)).toEqual({ ok: true, email: address });
    expect(await verifyEmail({ ctx: ctx(), input: { token } })).toEqual({ email: address });
    const claims = await authenticateTenantUser({ ctx: {}, input: { email: address, password: PASSWORD } });
    expect(claims).toMatchObject({ email: address, tenantId: t!.id, role: 'owner' });

    // Single use.
    await expect(verifyEmail({ ctx: ctx(), input: { token } })).rejects.toBeInstanceOf(ConflictError);
    expect(await describeVerificationToken(token)).toEqual({ ok: false, reason: 'used' });
    await expect(verifyEmail({ ctx: ctx(), input: { token: 'not-a-token-at-all-but-long-enough' } })).rejects.toBeInstanceOf(NotFoundError);
    const verified = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(auditLogs)
          .where(and(eq(auditLogs.tenantId, t!.id), eq(auditLogs.action, 'tenant_user.email_verified'))),
      db,
    );
    expect(verified).toHaveLength(1);
  });

  it('an expired link is refused and the owner stays unverified; signing up again sends a fresh link', async () => {
    open();
    const s = uniqueSuffix();
    const email = `late-${s}@t.test`;
    await signUp({ ctx: ctx(), input: { companyName: `Late ${s}`, name: 'Late', email, password: PASSWORD } });
    const token = verifyToken(email);
    await withPlatform(
      (tx) =>
        tx
          .update(passwordResetTokens)
          .set({ expiresAt: sql`now() - interval '1 minute'` })
          .where(and(eq(passwordResetTokens.purpose, 'verify_email'), sql`${passwordResetTokens.userId} = (select id from users where email = ${email})`)),
      db,
    );
    expect(await describeVerificationToken(token)).toEqual({ ok: false, reason: 'expired' });
    await expect(verifyEmail({ ctx: ctx(), input: { token } })).rejects.toBeInstanceOf(ExpiredError);
    const [u] = await withPlatform((tx) => tx.select().from(users).where(eq(users.email, email)), db);
    expect(u!.status).toBe('unverified');

    expect(await tenantCount(email)).toBe(1);
    const again = await signUp({ ctx: ctx(), input: { companyName: `Late ${s} again`, name: 'Late', email, password: PASSWORD } });
    expect(again.message).toBe(SIGNUP_MESSAGE);
    expect(await tenantCount(email)).toBe(1);
    const fresh = verifyToken(email);
    expect(fresh).not.toBe(token);
    await verifyEmail({ ctx: ctx(), input: { token: fresh } });
    expect((await authenticateTenantUser({ ctx: {}, input: { email, password: PASSWORD } })).email).toBe(email);
  });

  it('the same answer for an address that already has a login; nothing is created; the mail says so', async () => {
    open();
    const s = uniqueSuffix();
    const email = `taken-${s}@t.test`;
    const first = await signUp({ ctx: ctx(), input: { companyName: `Taken ${s}`, name: 'T', email, password: PASSWORD } });
    await verifyEmail({ ctx: ctx(), input: { token: verifyToken(email) } });
    expect(await tenantCount(email)).toBe(1);
    const second = await signUp({ ctx: ctx(), input: { companyName: `Impostor ${s}`, name: 'I', email, password: 'a-different-long-password' } });
    expect(second).toEqual(first);
    expect(await tenantCount(email)).toBe(1);
    expect(lastMail(email).subject).toBe('You already have a RADIANT account');
    expect(lastMail(email).text).not.toMatch(/verify-email/);
    // The first password still signs in; the impostor's does not.
    expect((await authenticateTenantUser({ ctx: {}, input: { email, password: PASSWORD } })).email).toBe(email);
    expect((await refusal(authenticateTenantUser({ ctx: {}, input: { email, password: 'a-different-long-password' } }))).reason).toBe('invalid_credentials');
  });

  it('generates a unique slug from the company name; refuses a weak password before anything else', async () => {
    open();
    const s = uniqueSuffix();
    expect(slugFrom('Ünïcödé & Sons, Ltd.')).toBe('unicode-sons-ltd');
    expect(slugFrom('!!')).toBe('company');
    await signUp({ ctx: ctx(), input: { companyName: `Twin ${s}`, name: 'A', email: `twin1-${s}@t.test`, password: PASSWORD } });
    await signUp({ ctx: ctx(), input: { companyName: `TWIN ${s}!`, name: 'B', email: `twin2-${s}@t.test`, password: PASSWORD } });
    const slugs = await withPlatform(
      (tx) =>
        tx
          .select({ slug: tenants.slug })
          .from(tenants)
          .where(sql`${tenants.slug} like ${`twin-${s}%`}`),
      db,
    );
    expect(slugs.map((x) => x.slug).sort()).toEqual([`twin-${s}`, `twin-${s}-2`]);

    const e = await signUp({ ctx: ctx(), input: { companyName: `Weak ${s}`, name: 'W', email: `weak-${s}@t.test`, password: 'short' } }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues[0]!.path).toBe('password');
    const bad = await signUp({ ctx: ctx(), input: { companyName: 'X', name: '', email: 'not-an-address', password: PASSWORD } }).catch((x: unknown) => x);
    expect((bad as ValidationError).issues.map((i) => i.path).sort()).toEqual(['companyName', 'email', 'name']);
  });

  it('is limited like sign-in: the sixth sign-up for one address within the window is refused', async () => {
    open();
    const s = uniqueSuffix();
    const email = `burst-${s}@t.test`;
    for (let i = 0; i < 5; i++) {
      expect((await signUp({ ctx: ctx(), input: { companyName: `Burst ${s} ${i}`, name: 'B', email, password: PASSWORD } })).message).toBe(SIGNUP_MESSAGE);
    }
    const e = await signUp({ ctx: ctx(), input: { companyName: `Burst ${s} 6`, name: 'B', email, password: PASSWORD } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RateLimitedError);
    expect((e as RateLimitedError).retryAfterSeconds).toBeGreaterThan(0);
    // One tenant for the address, however many times it was tried.
    const owned = await withPlatform((tx) => tx.select({ id: users.id }).from(users).where(eq(users.email, email)), db);
    expect(owned).toHaveLength(1);
    expect(await tenantCount(email)).toBe(1);
  });

  it('shows the link only in demo mode without a mail server (RADIANT_DEMO_SHOW_RESET_LINK=1), never for a taken address', async () => {
    open();
    vi.stubEnv('RADIANT_DEMO_SHOW_RESET_LINK', '1');
    const s = uniqueSuffix();
    const email = `demo-${s}@t.test`;
    const r = await signUp({ ctx: ctx(), input: { companyName: `Demo ${s}`, name: 'D', email, password: PASSWORD }, baseUrl: 'http://app.test' });
    expect(r.devLink).toBe(`http://app.test/verify-email/${verifyToken(email)}`);
    await verifyEmail({ ctx: ctx(), input: { token: verifyToken(email) } });
    const taken = await signUp({ ctx: ctx(), input: { companyName: `Demo ${s}`, name: 'D', email, password: PASSWORD } });
    expect(taken).toEqual({ message: SIGNUP_MESSAGE });
    // A verified owner's password reset still works (reset tokens are their own purpose).
    await requestPasswordReset({ ctx: {}, input: { email } });
    expect(lastMail(email).text).toMatch(/\/password\/reset\//);
  });
});
