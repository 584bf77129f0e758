/** Platform administrators: the list (role, MFA, last sign-in) and role changes, which are
 * always PROPOSED as an approval request (admin.set_role), never applied directly. */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { administrators, approvalRequests } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { proposeChange, type ApprovalView } from './approvals';
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
      .select({ id: approvalRequests.id, payload: approvalRequests.payload })
      .from(approvalRequests)
      .where(and(eq(approvalRequests.action, 'admin.set_role'), eq(approvalRequests.status, 'pending'), sql`${approvalRequests.expiresAt} > now()`));
    const byAdmin = new Map<string, { requestId: string; role: string }>();
    for (const p of pending) {
      const payload = p.payload as { adminId?: string; role?: string };
      if (payload.adminId && payload.role) byAdmin.set(payload.adminId, { requestId: p.id, role: payload.role });
    }
    return rows.map((r) => ({
      ...r,
      lastLoginAt: r.lastLoginAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      pendingRoleChange: byAdmin.get(r.id) ?? null,
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
