/** Inviting administrators: a proposal a super_admin approves (the approval creates the invitation),
 * hashed single-use tokens, 7-day expiry, revocation, rank limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { authenticateAdmin } from '../../lib/auth/credentials';
import type { Db } from '../../lib/db/client';
import { invitations } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../../lib/errors';
import { ExpiredError } from '../../lib/governance/errors';
import { acceptInvitation, describeInvitation, inviteAdmin, listInvitations, revokeInvitation } from '../../lib/governance/invitations';
import { hashInvitationToken } from '../../lib/governance/invitation-tokens';
import { memoryMailer, setMailer } from '../../lib/governance/mailer';
import { approveRequest } from '../../lib/governance/approvals';
import type { AdminRole } from '../../lib/governance/permissions';
import { testDb } from '../support/db';
import { uniqueSuffix } from '../support/factories';
import { auditRowsFor, createAdmin, ctxOf, errorChainText, type AdminRow } from './helpers';

let db: Db;
let inviter: AdminRow;
let approver: AdminRow;
const mailer = memoryMailer();

beforeAll(async () => {
  db = (await testDb()).db;
  inviter = await createAdmin(db, 'admin');
  approver = await createAdmin(db, 'super_admin');
  setMailer(mailer);
});
afterAll(() => setMailer(null));

/** Proposes the invitation and has a super_admin approve it: the approval creates it. */
async function invite(by: AdminRow, input: { email: string; role: AdminRole; message?: string }) {
  const { approval } = await inviteAdmin({ ctx: ctxOf(by), input });
  await approveRequest({ ctx: ctxOf(approver, { mfa: true }), input: { id: approval.id } });
  const [row] = await withPlatform(
    (tx) =>
      tx
        .select()
        .from(invitations)
        .where(sql`lower(${invitations.email}) = ${input.email.toLowerCase()}`)
        .orderBy(sql`created_at DESC`)
        .limit(1),
    db,
  );
  return { approval, invitation: row! };
}

const email = () => `new-${uniqueSuffix()}@admins.test`;

function tokenFromMail(to: string): string {
  const m = mailer.sent.filter((x) => x.to === to).at(-1);
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(m?.text ?? '');
  if (!match) throw new Error(`no invitation mail for ${to}`);
  return match[1]!;
}

describe('invite and accept', () => {
  it('mails a link whose token is stored only as a SHA-256, and accepting creates the administrator', async () => {
    const to = email();
    process.env.RADIANT_PUBLIC_URL = 'http://app.test';
    const res = await invite(inviter, { email: to.toUpperCase(), role: 'operator', message: 'Welcome aboard' });
    delete process.env.RADIANT_PUBLIC_URL;
    expect(res.invitation).toMatchObject({ email: to, role: 'operator', status: 'pending', invitedBy: inviter.id, purpose: 'invite' });
    const token = tokenFromMail(to);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(mailer.sent.at(-1)!.text).toContain('Welcome aboard');
    expect(mailer.sent.at(-1)!.text).toContain(`http://app.test/invite/${token}`);
    const [row] = await withPlatform((tx) => tx.select().from(invitations).where(eq(invitations.id, res.invitation.id)), db);
    expect(row!.tokenHash).toBe(hashInvitationToken(token));
    expect(row!.tokenHash).not.toContain(token);
    const days = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(7, 3);

    expect(await describeInvitation(token)).toMatchObject({ ok: true, email: to, role: 'operator' });
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'New Person', password: 'short' } })).rejects.toBeInstanceOf(ValidationError);
    const accepted = await acceptInvitation({ ctx: { ip: '198.51.100.1' }, input: { token, name: 'New Person', password: 'a-long-enough-password' } });
    expect(accepted).toMatchObject({ email: to, role: 'operator' });
    await expect(authenticateAdmin({ ctx: {}, input: { email: to, password: 'a-long-enough-password' } })).resolves.toMatchObject({
      userId: accepted.adminId,
      role: 'operator',
    });
    const trail = await auditRowsFor(db, { resourceId: res.invitation.id });
    expect(trail.map((r) => r.action)).toEqual(['admin.invite', 'invitation.accepted']);
    expect(await auditRowsFor(db, { resourceId: accepted.adminId, action: 'admin.created' })).toHaveLength(1);
  });

  it('a used token is refused (single use)', async () => {
    const to = email();
    await invite(inviter, { email: to, role: 'auditor' });
    const token = tokenFromMail(to);
    await acceptInvitation({ ctx: {}, input: { token, name: 'Once', password: 'a-long-enough-password' } });
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'Twice', password: 'a-long-enough-password' } })).rejects.toBeInstanceOf(ConflictError);
    expect(await describeInvitation(token)).toEqual({ ok: false, reason: 'accepted' });
  });

  it('an expired token is refused and the invitation becomes expired', async () => {
    const to = email();
    const res = await invite(inviter, { email: to, role: 'operator' });
    const token = tokenFromMail(to);
    await withPlatform((tx) => tx.execute(sql`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = ${res.invitation.id}`), db);
    expect(await describeInvitation(token)).toEqual({ ok: false, reason: 'expired' });
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'Late', password: 'a-long-enough-password' } })).rejects.toBeInstanceOf(ExpiredError);
    const [row] = await withPlatform((tx) => tx.select().from(invitations).where(eq(invitations.id, res.invitation.id)), db);
    expect(row!.status).toBe('expired');
    // A new invitation for the same address is possible once the old one has expired.
    await expect(inviteAdmin({ ctx: ctxOf(inviter), input: { email: to, role: 'operator' } })).resolves.toBeDefined();
  });

  it('a revoked token is refused; revoking twice is a conflict', async () => {
    const to = email();
    const res = await invite(inviter, { email: to, role: 'operator' });
    const token = tokenFromMail(to);
    await expect(inviteAdmin({ ctx: ctxOf(inviter), input: { email: to, role: 'operator' } })).rejects.toBeInstanceOf(ConflictError);
    const revoked = await revokeInvitation({ ctx: ctxOf(inviter), input: { id: res.invitation.id } });
    expect(revoked.status).toBe('revoked');
    await expect(acceptInvitation({ ctx: {}, input: { token, name: 'X', password: 'a-long-enough-password' } })).rejects.toBeInstanceOf(InvalidStateError);
    await expect(revokeInvitation({ ctx: ctxOf(inviter), input: { id: res.invitation.id } })).rejects.toBeInstanceOf(ConflictError);
    expect((await auditRowsFor(db, { resourceId: res.invitation.id })).map((r) => r.action)).toContain('invitation.revoked');
  });

  it('unknown tokens are refused', async () => {
    await expect(acceptInvitation({ ctx: {}, input: { token: 'x'.repeat(43), name: 'X', password: 'a-long-enough-password' } })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await describeInvitation('nope')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('the database keeps a finished invitation final and its token fixed', async () => {
    const to = email();
    const res = await invite(inviter, { email: to, role: 'operator' });
    await revokeInvitation({ ctx: ctxOf(inviter), input: { id: res.invitation.id } });
    const err = await withPlatform((tx) => tx.execute(sql`UPDATE invitations SET status = 'pending' WHERE id = ${res.invitation.id}`), db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(err)).toMatch(/final/);
  });
});

describe('who may invite whom', () => {
  it('operators and auditors cannot invite; an admin cannot invite a super_admin; existing admins cannot be re-invited', async () => {
    const op = await createAdmin(db, 'operator');
    const au = await createAdmin(db, 'auditor');
    const sa = await createAdmin(db, 'super_admin');
    await expect(inviteAdmin({ ctx: ctxOf(op), input: { email: email(), role: 'operator' } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inviteAdmin({ ctx: ctxOf(au), input: { email: email(), role: 'auditor' } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inviteAdmin({ ctx: ctxOf(inviter), input: { email: email(), role: 'super_admin' } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inviteAdmin({ ctx: ctxOf(sa), input: { email: email(), role: 'super_admin' } })).resolves.toBeDefined();
    await expect(inviteAdmin({ ctx: ctxOf(sa), input: { email: op.email, role: 'admin' } })).rejects.toBeInstanceOf(ConflictError);
    const list = await listInvitations({ ctx: ctxOf(au) });
    expect(list.length).toBeGreaterThan(0);
    expect(JSON.stringify(list)).not.toMatch(/token/i);
  });
});
