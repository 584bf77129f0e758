/**
 * The customer side without SQL (issue 14): a tenant created with its owner invited, direct and
 * audited settings, suspension through two administrators (and the key refused at once), people
 * managed by owners and by support, password change and reset by e-mail, and the request log
 * read a page at a time. Real database (PGlite; PostgreSQL when TEST_DATABASE_URL is set).
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { authenticateTenantUser } from '../../lib/auth/credentials';
import { changePassword, describeResetToken, requestPasswordReset, resetPassword, RESET_REQUESTED_MESSAGE } from '../../lib/auth/password-reset';
import type { Db } from '../../lib/db/client';
import { apiKeys, auditLogs, dataRetentionPolicies, passwordResetTokens, requestLogs, tenantInvitations, tenants, users } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { ConflictError, ForbiddenError, InvalidStateError, ValidationError } from '../../lib/errors';
import { KeyCache, authenticate } from '../../lib/gateway/auth';
import { hashApiKey } from '../../lib/gateway/key-material';
import { approveRequest } from '../../lib/governance/approvals';
import type { TenantContext } from '../../lib/platform/context';
import { memoryMailer, setMailer } from '../../lib/governance/mailer';
import { acceptTenantInvitation, describeTenantInvitation, inviteTenantUser } from '../../lib/tenants/invitations';
import { createTenant, proposeTenantStatus, updateTenant } from '../../lib/tenants/lifecycle';
import { changePersonRole, listPeople, removePerson, transferOwnership } from '../../lib/tenants/people';
import { listRequestLogs, requestLogParamsSchema } from '../../lib/tenants/request-logs';
import { listTenantsPage, tenantListParamsSchema } from '../../lib/admin-views/tenants';
import { testDb } from '../support/db';
import { createTenant as factoryTenant, uniqueSuffix } from '../support/factories';
import { createAdmin, ctxOf, type AdminRow } from '../governance/helpers';

// Every test hashes several argon2 passwords; on a shared 2-core machine that takes a while.
vi.setConfig({ testTimeout: 120_000 });

let db: Db;
let superAdmin: AdminRow;
let approver: AdminRow;
let operator: AdminRow;
const mailer = memoryMailer();
const PASSWORD = 'a-long-enough-password-1';

beforeAll(async () => {
  db = (await testDb()).db;
  superAdmin = await createAdmin(db, 'super_admin');
  approver = await createAdmin(db, 'admin');
  operator = await createAdmin(db, 'operator');
  setMailer(mailer);
});
afterAll(() => setMailer(null));

function linkToken(to: string, path: 'join' | 'password/reset'): string {
  const m = mailer.sent.filter((x) => x.to === to).at(-1);
  const match = new RegExp(`/${path}/([A-Za-z0-9_-]+)`).exec(m?.text ?? '');
  if (!match) throw new Error(`no ${path} mail for ${to}`);
  return match[1]!;
}

function tenantCtx(u: { id: string; tenantId: string; email: string; role: 'owner' | 'member' | 'billing' }): TenantContext {
  return { userId: u.id, tenantId: u.tenantId, email: u.email, role: u.role, ip: null, userAgent: 'vitest', requestId: crypto.randomUUID() };
}

async function newTenantWithOwner() {
  const s = uniqueSuffix();
  const ownerEmail = `owner-${s}@t.test`;
  const created = await createTenant({
    ctx: ctxOf(superAdmin),
    input: {
      name: `Co ${s}`,
      slug: `co-${s}`,
      billingEmail: `bill-${s}@t.test`,
      currency: 'EUR',
      taxRatePercent: '20',
      tier: 2,
      monthlyBudget: '500',
      notes: 'met at a conference',
      ownerEmail,
    },
    baseUrl: 'http://app.test',
  });
  const owner = await acceptTenantInvitation({ ctx: {}, input: { token: linkToken(ownerEmail, 'join'), name: 'Owner', password: PASSWORD } });
  return {
    tenantId: created.tenant.id,
    ownerEmail,
    owner: { id: owner.userId, tenantId: owner.tenantId, email: owner.email, role: 'owner' as const },
    created,
  };
}

describe('creating a tenant', () => {
  it('creates the tenant with its settings and invites the owner, who signs in after accepting', async () => {
    const { tenantId, ownerEmail, created } = await newTenantWithOwner();
    expect(created.delivery).toBe('test');
    expect(created.acceptUrl).toMatch(/^http:\/\/app\.test\/join\//);
    const [t] = await withPlatform((tx) => tx.select().from(tenants).where(eq(tenants.id, tenantId)), db);
    expect(t).toMatchObject({ currency: 'EUR', tier: 2, status: 'active', notes: 'met at a conference' });
    expect(t!.monthlyBudget).toMatch(/^500(\.0+)?$/);
    expect(t!.taxRatePercent).toMatch(/^20(\.0+)?$/);
    const signIn = await authenticateTenantUser({ ctx: {}, input: { email: ownerEmail, password: PASSWORD } });
    expect(signIn).toMatchObject({ audience: 'tenant', tenantId, role: 'owner' });
    const audit = await withPlatform((tx) => tx.select({ action: auditLogs.action }).from(auditLogs).where(eq(auditLogs.tenantId, tenantId)), db);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['tenant.created', 'tenant_invitation.created', 'tenant_invitation.accepted', 'tenant_user.created']),
    );
    // The invitation is single use.
    expect(await describeTenantInvitation(linkToken(ownerEmail, 'join'))).toEqual({ ok: false, reason: 'accepted' });
  });

  it('refuses a taken slug, bad input and roles without tenants.manage', async () => {
    const s = uniqueSuffix();
    const input = {
      name: `X ${s}`,
      slug: `x-${s}`,
      billingEmail: `b-${s}@t.test`,
      currency: 'USD',
      taxRatePercent: '0',
      tier: 1,
      ownerEmail: `o-${s}@t.test`,
    } as const;
    await createTenant({ ctx: ctxOf(superAdmin), input });
    await expect(createTenant({ ctx: ctxOf(superAdmin), input: { ...input, ownerEmail: `o2-${s}@t.test` } })).rejects.toBeInstanceOf(ConflictError);
    await expect(createTenant({ ctx: ctxOf(superAdmin), input: { ...input, slug: 'Not A Slug' } })).rejects.toThrow();
    await expect(createTenant({ ctx: ctxOf(superAdmin), input: { ...input, slug: `y-${s}`, taxRatePercent: '120' } })).rejects.toThrow();
    await expect(createTenant({ ctx: ctxOf(operator), input: { ...input, slug: `z-${s}` } })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('changing a tenant', () => {
  it('changes budget, tax rate and options directly, audited with old and new values', async () => {
    const { tenantId } = await newTenantWithOwner();
    await updateTenant({
      ctx: ctxOf(approver),
      tenantId,
      input: { monthlyBudget: '750.50', taxRatePercent: '8.875', requestLoggingEnabled: true, requestLogRetentionDays: 7, responseCacheTtlSeconds: 120 },
    });
    const [t] = await withPlatform((tx) => tx.select().from(tenants).where(eq(tenants.id, tenantId)), db);
    expect(t!.monthlyBudget).toMatch(/^750\.50*$/);
    expect(t!.requestLoggingEnabled).toBe(true);
    expect((t!.settings as Record<string, unknown>).responseCacheTtlSeconds).toBe(120);
    const [r] = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(dataRetentionPolicies)
          .where(and(eq(dataRetentionPolicies.tenantId, tenantId), eq(dataRetentionPolicies.dataType, 'request_logs'))),
      db,
    );
    expect(r!.retentionDays).toBe(7);
    const [a] = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(auditLogs)
          .where(and(eq(auditLogs.tenantId, tenantId), eq(auditLogs.action, 'tenant.updated'))),
      db,
    );
    expect(a!.oldValues).toMatchObject({ requestLoggingEnabled: false });
    expect(a!.newValues).toMatchObject({ monthlyBudget: '750.50', taxRatePercent: '8.875', requestLogRetentionDays: 7 });
    await expect(updateTenant({ ctx: ctxOf(operator), tenantId, input: { monthlyBudget: '1' } })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('suspends through two administrators; the suspended tenant’s key is refused with 403 at once', async () => {
    const { tenantId } = await newTenantWithOwner();
    const key = `rk_test_${crypto.randomBytes(24).toString('hex')}`;
    await withPlatform((tx) => tx.insert(apiKeys).values({ tenantId, name: 'k', keyPrefix: key.slice(0, 12), keyHash: hashApiKey(key) }), db);
    const cache = new KeyCache(async () => db, 30_000);
    const req = { header: (n: string) => (n === 'authorization' ? `Bearer ${key}` : null) } as never;
    expect((await authenticate(cache, req)).tenant.status).toBe('active'); // now cached

    const proposal = await proposeTenantStatus({ ctx: ctxOf(superAdmin), input: { tenantId, change: 'suspend', reason: 'unpaid' } });
    await expect(approveRequest({ ctx: ctxOf(superAdmin), input: { id: proposal.id } })).rejects.toThrow(); // not one's own
    // The gateway's cache is dropped after commit (invalidateTenant); this cache is ours, so drop it
    // the way the registered gateway does when the broadcast arrives.
    const v = await approveRequest({ ctx: ctxOf(approver), input: { id: proposal.id } });
    expect(v.status).toBe('executed');
    cache.invalidateTenant(tenantId);
    await expect(authenticate(cache, req)).rejects.toMatchObject({ httpStatus: 403, code: 'account_suspended' });

    // A second suspension can be proposed, but executing it fails: the tenant is not active.
    const again = await proposeTenantStatus({ ctx: ctxOf(superAdmin), input: { tenantId, change: 'suspend', reason: 'twice' } });
    await expect(approveRequest({ ctx: ctxOf(approver), input: { id: again.id } })).rejects.toThrow();
    const re = await proposeTenantStatus({ ctx: ctxOf(superAdmin), input: { tenantId, change: 'reactivate', reason: 'paid' } });
    await approveRequest({ ctx: ctxOf(approver), input: { id: re.id } });
    cache.invalidateTenant(tenantId);
    expect((await authenticate(cache, req)).tenant.status).toBe('active');
  });
});

describe('people', () => {
  it('an owner invites a member; members cannot invite; the last owner stays; ownership moves', async () => {
    const { tenantId, owner } = await newTenantWithOwner();
    const memberEmail = `m-${uniqueSuffix()}@t.test`;
    const inv = await inviteTenantUser({ ctx: tenantCtx(owner), input: { tenantId, email: memberEmail, role: 'member' } });
    expect(inv.delivery).toBe('test');
    await expect(inviteTenantUser({ ctx: tenantCtx(owner), input: { tenantId, email: memberEmail, role: 'member' } })).rejects.toBeInstanceOf(ConflictError);
    const m = await acceptTenantInvitation({ ctx: {}, input: { token: linkToken(memberEmail, 'join'), name: 'Member', password: PASSWORD } });
    const member = { id: m.userId, tenantId, email: memberEmail, role: 'member' as const };
    await expect(inviteTenantUser({ ctx: tenantCtx(member), input: { tenantId, email: `x-${uniqueSuffix()}@t.test`, role: 'owner' } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );

    // Another tenant's owner cannot touch this tenant.
    const other = await newTenantWithOwner();
    await expect(removePerson({ ctx: tenantCtx(other.owner), input: { tenantId, userId: member.id } })).rejects.toBeInstanceOf(ForbiddenError);

    await expect(changePersonRole({ ctx: tenantCtx(owner), input: { tenantId, userId: owner.id, role: 'member' } })).rejects.toBeInstanceOf(InvalidStateError);
    await transferOwnership({ ctx: tenantCtx(owner), input: { tenantId, userId: member.id } });
    const people = await listPeople({ ctx: ctxOf(approver), input: { tenantId } });
    expect(Object.fromEntries(people.map((p) => [p.email, p.role]))).toEqual({ [owner.email]: 'member', [memberEmail]: 'owner' });

    // Support (an admin) removes the former owner; their sign-in stops.
    await removePerson({ ctx: ctxOf(approver), input: { tenantId, userId: owner.id } });
    await expect(authenticateTenantUser({ ctx: {}, input: { email: owner.email, password: PASSWORD } })).rejects.toThrow();
    expect((await listPeople({ ctx: ctxOf(approver), input: { tenantId } })).map((p) => p.email)).toEqual([memberEmail]);
    const [pending] = await withPlatform((tx) => tx.select().from(tenantInvitations).where(eq(tenantInvitations.tenantId, tenantId)), db);
    expect(pending).toBeTruthy();
  });
});

describe('passwords', () => {
  it('reset: the same answer for unknown addresses; single-use, expiring token; sessions end', async () => {
    const { owner, ownerEmail } = await newTenantWithOwner();
    const unknown = await requestPasswordReset({ ctx: {}, input: { email: `nobody-${uniqueSuffix()}@t.test` } });
    const known = await requestPasswordReset({ ctx: { ip: '203.0.113.9' }, input: { email: ownerEmail.toUpperCase() }, baseUrl: 'http://app.test' });
    expect(unknown).toEqual(known);
    expect(known.message).toBe(RESET_REQUESTED_MESSAGE);
    await new Promise((r) => setTimeout(r, 20)); // the mail leaves off the answer path
    const token = linkToken(ownerEmail, 'password/reset');
    expect(await describeResetToken(token)).toEqual({ ok: true, email: ownerEmail });
    await expect(resetPassword({ ctx: {}, input: { token, password: 'short' } })).rejects.toBeInstanceOf(ValidationError);
    await resetPassword({ ctx: {}, input: { token, password: 'a-brand-new-password-2' } });
    await expect(resetPassword({ ctx: {}, input: { token, password: 'another-new-password-3' } })).rejects.toThrow(/already been used/);
    expect(await authenticateTenantUser({ ctx: {}, input: { email: ownerEmail, password: 'a-brand-new-password-2' } })).toMatchObject({ audience: 'tenant' });
    const [u] = await withPlatform((tx) => tx.select({ v: users.sessionsValidAfter }).from(users).where(eq(users.id, owner.id)), db);
    expect(u!.v).not.toBeNull();

    // An expired token is refused.
    await requestPasswordReset({ ctx: {}, input: { email: ownerEmail } });
    await new Promise((r) => setTimeout(r, 20));
    const t2 = linkToken(ownerEmail, 'password/reset');
    await withPlatform(
      (tx) =>
        tx
          .update(passwordResetTokens)
          .set({ expiresAt: sql`now() - interval '1 minute'` })
          .where(eq(passwordResetTokens.userId, owner.id)),
      db,
    );
    await expect(resetPassword({ ctx: {}, input: { token: t2, password: 'yet-another-password-4' } })).rejects.toThrow(/expired/);
  });

  it('change: needs the current password; ends every session', async () => {
    const { owner } = await newTenantWithOwner();
    await expect(changePassword({ ctx: tenantCtx(owner), input: { current: 'wrong-password-here', password: 'a-changed-password-5' } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await changePassword({ ctx: tenantCtx(owner), input: { current: PASSWORD, password: 'a-changed-password-5' } });
    const [u] = await withPlatform((tx) => tx.select({ v: users.sessionsValidAfter }).from(users).where(eq(users.id, owner.id)), db);
    expect(u!.v).not.toBeNull();
  });
});

describe('lists', () => {
  it('request logs: a tenant sees only its own, a page at a time, searchable; price, never cost', async () => {
    const a = await factoryTenant(db);
    const b = await factoryTenant(db);
    const base = Date.now() - 60_000;
    await withPlatform(async (tx) => {
      for (let i = 0; i < 7; i++) {
        await tx.insert(requestLogs).values({
          tenantId: a.id,
          requestId: `req-a-${i}-${uniqueSuffix()}`,
          model: 'gpt-4.1-mini',
          requestBody: { messages: [{ role: 'user', content: `question ${i}` }] },
          responseBody: { choices: [{ message: { role: 'assistant', content: `answer ${i}` } }] },
          createdAt: new Date(base + i * 1000),
          expiresAt: new Date(base + 86_400_000),
        });
      }
      await tx
        .insert(requestLogs)
        .values({ tenantId: b.id, requestId: `req-b-${uniqueSuffix()}`, model: 'm', requestBody: { messages: [] }, expiresAt: new Date(base + 86_400_000) });
    }, db);
    const p = (x: Record<string, string>) => requestLogParamsSchema.parse({ limit: '25', ...x });
    const all = await withTenant(a.id, (tx) => listRequestLogs(tx, a.id, p({})), db);
    expect(all.rows).toHaveLength(7);
    expect(all.rows[0]!.promptPreview).toBe('question 6');
    expect(all.rows[0]!.answerPreview).toBe('answer 6');
    expect(JSON.stringify(all)).not.toMatch(/"cost"|markup|margin/i);
    // RLS: even without the tenant filter, tenant A's transaction sees no B rows.
    const leak = await withTenant(a.id, (tx) => listRequestLogs(tx, null, p({})), db);
    expect(leak.rows.every((r) => r.tenantId === a.id)).toBe(true);
    const found = await withTenant(a.id, (tx) => listRequestLogs(tx, a.id, p({ q: 'question 3' })), db);
    expect(found.rows.map((r) => r.promptPreview)).toEqual(['question 3']);

    // Keyset pages: 3 + 3 + 1, no row twice.
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 3; i++) {
      const page = await withTenant(a.id, (tx) => listRequestLogs(tx, a.id, { ...p({}), limit: 3 as never, cursor }), db);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.next ?? undefined;
      if (i < 2) expect(cursor).toBeTruthy();
      else expect(cursor).toBeUndefined();
    }
    expect(new Set(seen).size).toBe(7);
  });

  it('tenants: filtered and paged on the server by name', async () => {
    const s = uniqueSuffix();
    for (const n of ['a', 'b', 'c']) await factoryTenant(db, { name: `Paged ${s} ${n}`, status: n === 'b' ? 'suspended' : 'active' });
    const one = await withPlatform((tx) => listTenantsPage(tx, tenantListParamsSchema.parse({ q: `Paged ${s}`, limit: '25' })), db);
    expect(one.rows.map((r) => r.name)).toEqual([`Paged ${s} a`, `Paged ${s} b`, `Paged ${s} c`]);
    const suspended = await withPlatform((tx) => listTenantsPage(tx, tenantListParamsSchema.parse({ q: `Paged ${s}`, status: 'suspended' })), db);
    expect(suspended.rows.map((r) => r.name)).toEqual([`Paged ${s} b`]);
    const first = await withPlatform((tx) => listTenantsPage(tx, { ...tenantListParamsSchema.parse({ q: `Paged ${s}` }), limit: 2 as never }), db);
    expect(first.next).toBeTruthy();
    const second = await withPlatform(
      (tx) => listTenantsPage(tx, { ...tenantListParamsSchema.parse({ q: `Paged ${s}` }), limit: 2 as never, cursor: first.next! }),
      db,
    );
    expect(second.rows.map((r) => r.name)).toEqual([`Paged ${s} c`]);
    expect(second.next).toBeNull();
  });
});
