/**
 * The two-person rule no single administrator can route around (issue 17):
 *  - the sock puppet: an admin inviting a second identity gets a PENDING APPROVAL (202), no
 *    invitation, no link, no mail; neither they nor a plain admin can approve it; a super_admin's
 *    approval creates the invitation and the link (given to the approver, once, without SMTP);
 *  - deactivating an administrator is an approval of a super_admin by another super_admin, and
 *    the subject's sessions stop at once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as invitationsRoute from '../../app/api/admin/invitations/route';
import * as approveRoute from '../../app/api/admin/approvals/[id]/approve/route';
import { requireAdminFromRequest, setSessionResolverForTests } from '../../lib/auth/session';
import { queryRows, type Db } from '../../lib/db/client';
import { ForbiddenError, UnauthenticatedError } from '../../lib/errors';
import { approveRequest, proposeChange } from '../../lib/governance/approvals';
import { SelfApprovalError } from '../../lib/governance/errors';
import { inviteAdmin } from '../../lib/governance/invitations';
import { memoryMailer, setMailer } from '../../lib/governance/mailer';
import { testDb } from '../support/db';
import { uniqueSuffix } from '../support/factories';
import { adminSession, createAdmin, ctxOf, useSession, type AdminRow } from '../governance/helpers';

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;
let db: Db;
let admin: AdminRow;
let superA: AdminRow;
let superB: AdminRow;
const mailer = memoryMailer();

beforeAll(async () => {
  db = (await testDb()).db;
  [admin, superA, superB] = await Promise.all([createAdmin(db, 'admin'), createAdmin(db, 'super_admin'), createAdmin(db, 'super_admin')]);
});
afterEach(() => {
  setSessionResolverForTests(null);
  setMailer(null);
});
afterAll(() => setMailer(null));

const invitationsFor = (email: string) => queryRows<{ id: string; status: string }>(db, sql`SELECT id, status FROM invitations WHERE email = ${email}`);

async function call(handler: unknown, path: string, body: unknown, params: Record<string, string> = {}) {
  const req = new Request(`http://127.0.0.1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (handler as Handler)(req, { params: Promise.resolve(params) });
}

describe('the sock-puppet invitation', () => {
  it('an admin inviting a second identity gets a pending approval: no invitation, no link, no mail', async () => {
    const puppet = `puppet-${uniqueSuffix()}@admins.test`;
    useSession(adminSession(admin, true));
    const res = await call(invitationsRoute.POST, '/api/admin/invitations', { email: puppet, role: 'admin' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { approval: { id: string; status: string; action: string; riskLevel: string } };
    expect(body.approval).toMatchObject({ status: 'pending', action: 'admin.invite', riskLevel: 'critical' });
    expect(JSON.stringify(body)).not.toMatch(/\/invite\//);
    expect(await invitationsFor(puppet)).toEqual([]);
    // The proposer cannot approve it, through the API or the domain verb.
    const self = await call(approveRoute.POST, `/api/admin/approvals/${body.approval.id}/approve`, {}, { id: body.approval.id });
    expect(self.status).toBe(403);
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: true }), input: { id: body.approval.id } })).rejects.toBeInstanceOf(SelfApprovalError);
    // A second plain admin cannot either: inviting an administrator needs a super_admin.
    const otherAdmin = await createAdmin(db, 'admin');
    await expect(approveRequest({ ctx: ctxOf(otherAdmin, { mfa: true }), input: { id: body.approval.id } })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await invitationsFor(puppet)).toEqual([]);
  });

  it("a super_admin's approval creates the invitation; the approver (not the proposer) sees the link once", async () => {
    const to = `real-${uniqueSuffix()}@admins.test`;
    const { approval } = await inviteAdmin({ ctx: ctxOf(admin), input: { email: to, role: 'operator' } });
    setMailer(mailer);
    useSession(adminSession(superA, true));
    const res = await call(approveRoute.POST, `/api/admin/approvals/${approval.id}/approve`, {}, { id: approval.id });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; invitationUrl?: string };
    expect(body.status).toBe('executed');
    // memoryMailer is not SMTP: the approver's answer carries the link.
    expect(body.invitationUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(mailer.sent.filter((m) => m.to === to)).toHaveLength(1);
    expect(await invitationsFor(to)).toMatchObject([{ status: 'pending' }]);
  });
});

describe('deactivating an administrator', () => {
  it('is proposed by a super_admin, approved by another, and the subject sessions stop at once', async () => {
    const subject = await createAdmin(db, 'admin');
    useSession(adminSession(subject, true));
    const req = () => new Request('http://127.0.0.1/api/admin/approvals');
    await expect(requireAdminFromRequest(req())).resolves.toMatchObject({ adminId: subject.id });
    await expect(proposeChange({ ctx: ctxOf(admin), input: { action: 'admin.deactivate', payload: { adminId: subject.id } } })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const p = await proposeChange({ ctx: ctxOf(superA), input: { action: 'admin.deactivate', payload: { adminId: subject.id, reason: 'left' } } });
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: true }), input: { id: p.id } })).rejects.toBeInstanceOf(ForbiddenError);
    await approveRequest({ ctx: ctxOf(superB, { mfa: true }), input: { id: p.id } });
    await expect(requireAdminFromRequest(req())).rejects.toBeInstanceOf(UnauthenticatedError);
    const [row] = await queryRows<{ status: string; sessions_valid_after: unknown }>(
      db,
      sql`SELECT status, sessions_valid_after FROM administrators WHERE id = ${subject.id}`,
    );
    expect(row!.status).toBe('inactive');
    expect(row!.sessions_valid_after).not.toBeNull();
  });

  it('the subject cannot approve their own deactivation', async () => {
    const p = await proposeChange({ ctx: ctxOf(superA), input: { action: 'admin.deactivate', payload: { adminId: superB.id } } });
    await expect(approveRequest({ ctx: ctxOf(superB, { mfa: true }), input: { id: p.id } })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
