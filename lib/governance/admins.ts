/** Platform administrators: the list (role, MFA, last sign-in) and role changes, which are
 * always PROPOSED as an approval request (admin.set_role), never applied directly. */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { administrators, approvalRequests } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { revokeAdminSessions } from '../auth/revocation';
import { auditFields, writeAudit } from '../platform/audit';
import { proposeChange, type ApprovalView } from './approvals';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import type { AdminContext } from '../platform/context';
import { ADMIN_ROLES, hasPermission, type AdminRole } from './permissions';

export interface AdminView {
  id: string;
  email: string;
  name: string;
  role: AdminRole;
  status: string;
  mfaEnabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  /** A pending admin.set_role request for this administrator, if any. */
  pendingRoleChange: { requestId: string; role: string } | null;
  /** A pending admin.deactivate request for this administrator, if any. */
  pendingDeactivation: { requestId: string } | null;
}

export async function listAdmins({ ctx }: { ctx: AdminContext }): Promise<AdminView[]> {
  if (!hasPermission(ctx.role, 'admins.read')) throw new ForbiddenError('Your role cannot list administrators');
  return withPlatform(async (tx) => {
    const rows = await tx
      .select({
        id: administrators.id,
        email: administrators.email,
        name: administrators.name,
        role: administrators.role,
        status: administrators.status,
        mfaEnabled: administrators.mfaEnabled,
        lastLoginAt: administrators.lastLoginAt,
        createdAt: administrators.createdAt,
      })
      .from(administrators)
      .where(isNull(administrators.deletedAt))
      .orderBy(asc(administrators.email));
    const pending = await tx
      .select({ id: approvalRequests.id, action: approvalRequests.action, payload: approvalRequests.payload })
      .from(approvalRequests)
      .where(
        and(
          inArray(approvalRequests.action, ['admin.set_role', 'admin.deactivate']),
          eq(approvalRequests.status, 'pending'),
          sql`${approvalRequests.expiresAt} > now()`,
        ),
      );
    const byAdmin = new Map<string, { requestId: string; role: string }>();
    const deactivations = new Map<string, { requestId: string }>();
    for (const p of pending) {
      const payload = p.payload as { adminId?: string; role?: string };
      if (p.action === 'admin.deactivate' && payload.adminId) deactivations.set(payload.adminId, { requestId: p.id });
      else if (payload.adminId && payload.role) byAdmin.set(payload.adminId, { requestId: p.id, role: payload.role });
    }
    return rows.map((r) => ({
      ...r,
      lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      pendingRoleChange: byAdmin.get(r.id) ?? null,
      pendingDeactivation: deactivations.get(r.id) ?? null,
    }));
  });
}

export const roleChangeInputSchema = z.object({
  role: z.enum(ADMIN_ROLES),
  reason: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(1000).optional()),
});

/** Proposes changing an administrator's role; a super_admin other than the proposer (and other
 * than the subject) must approve it. */
export async function proposeRoleChange({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: { adminId: string; role: unknown; reason?: unknown };
}): Promise<ApprovalView> {
  if (!hasPermission(ctx.role, 'admins.propose_role')) throw new ForbiddenError(`Your role (${ctx.role}) cannot propose role changes`);
  const { role, reason } = roleChangeInputSchema.parse(input);
  if (!isUuid(input.adminId)) throw new NotFoundError('No such administrator');
  const [target] = await withPlatform((tx) =>
    tx
      .select({ id: administrators.id, email: administrators.email, role: administrators.role })
      .from(administrators)
      .where(and(eq(administrators.id, input.adminId), isNull(administrators.deletedAt))),
  );
  if (!target) throw new NotFoundError('No such administrator');
  if (target.role === role) throw new ValidationError(`${target.email} already has the role ${role}`, [{ path: 'role', message: 'unchanged' }]);
  return proposeChange({
    ctx,
    input: {
      action: 'admin.set_role',
      payload: { adminId: target.id, role, ...(reason ? { reason } : {}) },
      title: `Change ${target.email}'s role from ${target.role} to ${role}`,
      ...(reason ? { description: reason } : {}),
      impactAnalysis: `${target.email} gets the permissions of ${role} instead of ${target.role} from their next request.`,
      rollbackPlan: `Propose admin.set_role for ${target.email} back to ${target.role}.`,
    },
  });
}

/**
 * An administrator changes their own password: the current one must be right, the new one must
 * pass the password rule and differ from it. Every session of this person ends when it commits,
 * this one included (a JWT session cannot be re-stamped safely: a stolen one could re-stamp
 * itself past a revocation), so they sign in again with the new password. Audited.
 */
export async function changeOwnPassword({ ctx, input }: { ctx: AdminContext; input: { current?: unknown; password?: unknown } }): Promise<void> {
  if (!hasPermission(ctx.role, 'account.self')) throw new ForbiddenError('Your role cannot change this account');
  const current = typeof input.current === 'string' ? input.current : '';
  const password = typeof input.password === 'string' ? input.password : '';
  if (!isUuid(ctx.adminId)) throw new NotFoundError('No such administrator');
  await withPlatform(async (tx) => {
    const [a] = await tx
      .select({ hash: administrators.passwordHash, email: administrators.email })
      .from(administrators)
      .where(and(eq(administrators.id, ctx.adminId), isNull(administrators.deletedAt)))
      .for('update');
    if (!a) throw new NotFoundError('No such administrator');
    if (!(await verifyPassword(a.hash, current)))
      throw new ValidationError('Your current password is not correct', [{ path: 'current', message: 'not correct' }]);
    const problem = passwordProblem(password, a.email);
    if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);
    if (await verifyPassword(a.hash, password))
      throw new ValidationError('Choose a password different from the current one', [{ path: 'password', message: 'same as the current one' }]);
    const now = new Date();
    await tx
      .update(administrators)
      .set({ passwordHash: await hashPassword(password), updatedAt: now })
      .where(eq(administrators.id, ctx.adminId));
    await revokeAdminSessions(tx, ctx.adminId, now);
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'admin.password_changed',
      resourceType: 'administrator',
      resourceId: ctx.adminId,
      metadata: { sessionsRevoked: true },
    });
  });
}

export const deactivationInputSchema = z.object({
  reason: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(1000).optional()),
});

/** Proposes deactivating an administrator (admin.deactivate): a super_admin proposes, another
 * super_admin (not the subject) approves; the status and every session end in the approval's
 * transaction (lib/governance/changes/invitations.ts). */
export async function proposeDeactivation({ ctx, input }: { ctx: AdminContext; input: { adminId: string; reason?: unknown } }): Promise<ApprovalView> {
  if (!hasPermission(ctx.role, 'admins.manage')) throw new ForbiddenError(`Your role (${ctx.role}) cannot propose deactivating an administrator`);
  const { reason } = deactivationInputSchema.parse(input);
  if (!isUuid(input.adminId)) throw new NotFoundError('No such administrator');
  if (input.adminId === ctx.adminId) throw new ValidationError('You cannot deactivate yourself', [{ path: 'adminId', message: 'yourself' }]);
  const [target] = await withPlatform((tx) =>
    tx
      .select({ id: administrators.id, email: administrators.email, role: administrators.role })
      .from(administrators)
      .where(and(eq(administrators.id, input.adminId), isNull(administrators.deletedAt))),
  );
  if (!target) throw new NotFoundError('No such administrator');
  return proposeChange({
    ctx,
    input: {
      action: 'admin.deactivate',
      payload: { adminId: target.id, ...(reason ? { reason } : {}) },
      title: `Deactivate ${target.email} (${target.role})`,
      ...(reason ? { description: reason } : {}),
      impactAnalysis: `${target.email} cannot sign in, and every session of theirs stops on its next request, as soon as this is approved.`,
      rollbackPlan: `Invite ${target.email} again (an approval).`,
    },
  });
}
