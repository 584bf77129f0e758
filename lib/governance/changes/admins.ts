/** An administrator's role, changed only through an approval that a super_admin approves
 * (approvePermission 'admins.manage'); granting or removing super_admin is critical risk. */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { administrators } from '../../db/schema';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../../errors';
import { ADMIN_ROLES } from '../permissions';
import { defineExecutor, type RegisteredExecutor } from '../executors';

export const setAdminRolePayload = z.object({
  adminId: z.uuid(),
  role: z.enum(ADMIN_ROLES),
  reason: z.string().trim().max(1000).optional(),
});

export const adminExecutors: RegisteredExecutor[] = [
  defineExecutor('admin.set_role', {
    type: 'user_role_change',
    defaultRisk: 'high',
    label: "Change an administrator's role",
    proposePermission: 'admins.propose_role',
    approvePermission: 'admins.manage',
    validate: setAdminRolePayload,
    riskFor: (p) => (p.role === 'super_admin' ? 'critical' : 'high'),
    describe: (p) => `Change administrator ${p.adminId}'s role to ${p.role}`,
    async preview(tx, p) {
      const [a] = await tx
        .select({ id: administrators.id, email: administrators.email, role: administrators.role })
        .from(administrators)
        .where(and(eq(administrators.id, p.adminId), isNull(administrators.deletedAt)));
      if (!a) throw new NotFoundError('No such administrator');
      if (a.role === p.role) throw new ValidationError(`${a.email} already has the role ${p.role}`, [{ path: 'payload.role', message: 'unchanged' }]);
      return [{ resourceType: 'administrator', resourceId: a.id, before: { email: a.email, role: a.role }, after: { email: a.email, role: p.role } }];
    },
    checkApprover(p, approver) {
      if (approver.adminId === p.adminId) throw new ForbiddenError('You cannot approve a change of your own role');
    },
    async execute(tx, p) {
      const [a] = await tx
        .select({ id: administrators.id, email: administrators.email, role: administrators.role, status: administrators.status })
        .from(administrators)
        .where(and(eq(administrators.id, p.adminId), isNull(administrators.deletedAt)))
        .for('update');
      if (!a) throw new NotFoundError('No such administrator');
      if (a.role === p.role) throw new ValidationError(`${a.email} already has the role ${p.role}`);
      if (a.role === 'super_admin') {
        // Lock every other super_admin row so two demotions cannot both pass this check.
        const others = await tx
          .select({ id: administrators.id })
          .from(administrators)
          .where(
            and(eq(administrators.role, 'super_admin'), eq(administrators.status, 'active'), ne(administrators.id, a.id), isNull(administrators.deletedAt)),
          )
          .for('update');
        if (others.length === 0) throw new InvalidStateError('The last active super_admin cannot be demoted');
      }
      await tx
        .update(administrators)
        .set({ role: p.role, updatedAt: sql`now()` })
        .where(eq(administrators.id, a.id));
      return [{ resourceType: 'administrator', resourceId: a.id, oldValues: { email: a.email, role: a.role }, newValues: { email: a.email, role: p.role } }];
    },
  }),
];
