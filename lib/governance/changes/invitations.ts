/**
 * Administrator invitations and deactivations are two-person changes (issue 17: one admin
 * inviting a second identity of their own would otherwise satisfy the two-person rule alone).
 *
 *   admin.invite      proposed by super_admin/admin (admins.invite), approved by a super_admin
 *                     (admins.manage; granting admin or super_admin is critical). The invitation
 *                     and its single-use link are created only when the approval executes; the
 *                     link is mailed after commit. Without SMTP (the demo) the APPROVER's answer
 *                     carries the link once (takeInvitationLink), never the proposer's.
 *   admin.deactivate  proposed by a super_admin (admins.manage), approved by another super_admin
 *                     who is not the subject: status -> inactive and every session revoked in the
 *                     same transaction; the last active super_admin cannot be deactivated.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { administrators, invitations } from '../../db/schema';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError } from '../../errors';
import { revokeAdminSessions } from '../../auth/revocation';
import { INVITATION_EXPIRY_DAYS, publicBaseUrl } from '../config';
import { defineExecutor, type ExecutedEvent, type RegisteredExecutor } from '../executors';
import { getLogger } from '../../observability/logger';
import { hashInvitationToken, newInvitationToken } from '../invitation-tokens';
import { getMailer } from '../mailer';
import { ADMIN_ROLES } from '../permissions';

export const inviteAdminPayload = z.object({
  email: z.email().trim().toLowerCase().max(255),
  role: z.enum(ADMIN_ROLES),
  message: z.string().trim().max(2000).optional(),
});

export const deactivateAdminPayload = z.object({
  adminId: z.uuid(),
  reason: z.string().trim().max(1000).optional(),
});

// Tokens minted inside an approval's transaction, mailed after it commits (same process).
const G = globalThis as typeof globalThis & {
  __radiantInviteTokens?: Map<string, { email: string; role: string; token: string; message?: string }>;
  __radiantInviteLinks?: Map<string, string>;
};
const minted = (G.__radiantInviteTokens ??= new Map());
const links = (G.__radiantInviteLinks ??= new Map());

/** The accept link of the invitation an approval just created, once, when no SMTP mailed it. */
export function takeInvitationLink(approvalRequestId: string): string | null {
  const url = links.get(approvalRequestId) ?? null;
  links.delete(approvalRequestId);
  return url;
}

async function deliver(requestId: string): Promise<void> {
  const m = minted.get(requestId);
  if (!m) return;
  minted.delete(requestId);
  const url = `${publicBaseUrl()}/invite/${m.token}`;
  const mailer = getMailer();
  const text = [
    `You are invited to administer RADIANT as ${m.role} (approved by a second administrator).`,
    ...(m.message ? ['', m.message] : []),
    '',
    `Accept the invitation (valid ${INVITATION_EXPIRY_DAYS} days, single use):`,
    url,
  ].join('\n');
  try {
    await mailer.send({ to: m.email, subject: 'Your RADIANT administrator invitation', text });
  } catch (err) {
    getLogger().error({ err, approvalRequestId: requestId }, 'invitation mail failed: revoke the invitation and invite again');
  }
  if (mailer.kind !== 'smtp') {
    if (links.size > 1000) links.clear();
    links.set(requestId, url);
  }
}

export const invitationExecutors: RegisteredExecutor[] = [
  defineExecutor('admin.invite', {
    type: 'user_role_change',
    defaultRisk: 'high',
    label: 'Invite an administrator',
    proposePermission: 'admins.invite',
    approvePermission: 'admins.manage',
    validate: inviteAdminPayload,
    riskFor: (p) => (p.role === 'super_admin' || p.role === 'admin' ? 'critical' : 'high'),
    describe: (p) => `Invite ${p.email} as ${p.role}`,
    async preview(tx, p) {
      const [a] = await tx
        .select({ id: administrators.id })
        .from(administrators)
        .where(and(sql`lower(${administrators.email}) = ${p.email}`, isNull(administrators.deletedAt)));
      if (a) throw new ConflictError(`${p.email} is already an administrator`);
      return [{ resourceType: 'invitation', resourceId: p.email, before: null, after: { email: p.email, role: p.role } }];
    },
    async execute(tx, p, ctx) {
      const [a] = await tx
        .select({ id: administrators.id })
        .from(administrators)
        .where(and(sql`lower(${administrators.email}) = ${p.email}`, isNull(administrators.deletedAt)));
      if (a) throw new ConflictError(`${p.email} is already an administrator`);
      await tx
        .update(invitations)
        .set({ status: 'expired' })
        .where(and(sql`lower(${invitations.email}) = ${p.email}`, eq(invitations.status, 'pending'), sql`${invitations.expiresAt} <= now()`));
      const [live] = await tx
        .select({ id: invitations.id })
        .from(invitations)
        .where(and(sql`lower(${invitations.email}) = ${p.email}`, eq(invitations.status, 'pending')));
      if (live) throw new ConflictError(`An invitation for ${p.email} is already pending`);
      const token = newInvitationToken();
      const [row] = await tx
        .insert(invitations)
        .values({
          email: p.email,
          role: p.role,
          message: p.message ?? null,
          tokenHash: hashInvitationToken(token),
          invitedBy: ctx.request.initiatedBy,
          purpose: 'invite',
          status: 'pending',
          expiresAt: sql`now() + make_interval(days => ${INVITATION_EXPIRY_DAYS})`,
        })
        .returning();
      minted.set(ctx.request.id, { email: p.email, role: p.role, token, ...(p.message ? { message: p.message } : {}) });
      return [
        {
          resourceType: 'invitation',
          resourceId: row!.id,
          oldValues: null,
          newValues: { email: p.email, role: p.role, invitedBy: ctx.request.initiatedBy, approvedBy: ctx.approver.adminId, expiresAt: row!.expiresAt },
        },
      ];
    },
  }),

  defineExecutor('admin.deactivate', {
    type: 'user_role_change',
    defaultRisk: 'high',
    label: 'Deactivate an administrator',
    proposePermission: 'admins.manage',
    approvePermission: 'admins.manage',
    validate: deactivateAdminPayload,
    describe: (p) => `Deactivate administrator ${p.adminId}`,
    async preview(tx, p) {
      const [a] = await tx
        .select({ id: administrators.id, email: administrators.email, status: administrators.status })
        .from(administrators)
        .where(and(eq(administrators.id, p.adminId), isNull(administrators.deletedAt)));
      if (!a) throw new NotFoundError('No such administrator');
      if (a.status === 'inactive') throw new ConflictError(`${a.email} is already inactive`);
      return [{ resourceType: 'administrator', resourceId: a.id, before: { email: a.email, status: a.status }, after: { email: a.email, status: 'inactive' } }];
    },
    checkApprover(p, approver) {
      if (approver.adminId === p.adminId) throw new ForbiddenError('You cannot approve your own deactivation');
    },
    async execute(tx, p) {
      const [a] = await tx
        .select({ id: administrators.id, email: administrators.email, role: administrators.role, status: administrators.status })
        .from(administrators)
        .where(and(eq(administrators.id, p.adminId), isNull(administrators.deletedAt)))
        .for('update');
      if (!a) throw new NotFoundError('No such administrator');
      if (a.status === 'inactive') throw new ConflictError(`${a.email} is already inactive`);
      if (a.role === 'super_admin' && a.status === 'active') {
        const others = await tx
          .select({ id: administrators.id })
          .from(administrators)
          .where(
            and(eq(administrators.role, 'super_admin'), eq(administrators.status, 'active'), ne(administrators.id, a.id), isNull(administrators.deletedAt)),
          )
          .for('update');
        if (others.length === 0) throw new InvalidStateError('The last active super_admin cannot be deactivated');
      }
      await tx
        .update(administrators)
        .set({ status: 'inactive', updatedAt: sql`now()` })
        .where(eq(administrators.id, a.id));
      await revokeAdminSessions(tx, a.id);
      return [
        { resourceType: 'administrator', resourceId: a.id, oldValues: { email: a.email, status: a.status }, newValues: { email: a.email, status: 'inactive' } },
      ];
    },
  }),
];

/** After an approved `admin.invite` commits: mail the invitation (listed in ../executor-registry.ts). */
export async function deliverInvitationAfterExecuted(e: ExecutedEvent): Promise<void> {
  if (e.request.action === 'admin.invite') await deliver(e.request.id);
}
