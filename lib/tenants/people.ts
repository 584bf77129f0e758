/**
 * A tenant's people: list, change a role, remove, transfer ownership. Tenant owners do this in
 * the portal (withTenant, RLS); administrators do the same for support from the console
 * (platform path, permission tenants.manage). Every change is audited in its transaction. A
 * tenant always keeps at least one owner. Removing a person is a soft delete: their login stops
 * at once (the session check re-reads the user on every request).
 */
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { users } from '../db/schema';
import { isUuid } from '../db/tenant';
import { InvalidStateError, NotFoundError, ValidationError } from '../errors';
import { writeAudit } from '../platform/audit';
import { isAdminCtx } from '../platform/context';
import type { TenantRole } from '../governance/permissions';
import { auditFields, authorize, onTenantPath, tenantOf, type TenantActor } from './actor';
import { roleChangeSchema, userIdSchema } from './schemas';

export interface PersonView {
  id: string;
  email: string;
  name: string | null;
  role: TenantRole;
  status: string;
  lastLoginAt: string | null;
  createdAt: string;
}

const cols = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  status: users.status,
  lastLoginAt: users.lastLoginAt,
  createdAt: users.createdAt,
};

function toView(r: {
  id: string;
  email: string;
  name: string | null;
  role: TenantRole;
  status: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}): PersonView {
  return { ...r, lastLoginAt: r.lastLoginAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() };
}

/** `input.tenantId`: the tenant an administrator looks at (a tenant user's is their own). */
export async function listPeople({ ctx, input }: { ctx: TenantActor; input?: { tenantId?: string } }): Promise<PersonView[]> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.read', 'portal.read');
  const rows = await onTenantPath(ctx, tenantId, (tx) =>
    tx
      .select(cols)
      .from(users)
      .where(and(eq(users.tenantId, tenantId), isNull(users.deletedAt)))
      .orderBy(asc(users.email))
      .limit(1000),
  );
  return rows.map(toView);
}

async function lockPerson(tx: Tx, tenantId: string, userId: string) {
  if (!isUuid(userId)) throw new NotFoundError('No such person');
  const [u] = await tx
    .select(cols)
    .from(users)
    .where(and(eq(users.id, userId), eq(users.tenantId, tenantId), isNull(users.deletedAt)))
    .for('update');
  if (!u) throw new NotFoundError('No such person in this organisation');
  return u;
}

async function otherOwners(tx: Tx, tenantId: string, userId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), ne(users.id, userId), isNull(users.deletedAt), eq(users.status, 'active')));
  return Number(r?.n ?? 0);
}

export async function changePersonRole({ ctx, input }: { ctx: TenantActor; input: unknown }): Promise<PersonView> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.manage', 'users.manage');
  const p = roleChangeSchema.parse(input);
  return onTenantPath(ctx, tenantId, async (tx) => {
    // Owners serialise on the tenant's owner rows so two demotions cannot leave nobody in charge.
    await tx.execute(sql`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role = 'owner' FOR UPDATE`);
    const u = await lockPerson(tx, tenantId, p.userId);
    if (u.role === p.role) throw new ValidationError(`${u.email} is already ${p.role}`, [{ path: 'role', message: 'choose a different role' }]);
    if (u.role === 'owner' && (await otherOwners(tx, tenantId, u.id)) === 0) {
      throw new InvalidStateError('An organisation needs at least one owner: make someone else owner first');
    }
    const [updated] = await tx.update(users).set({ role: p.role, updatedAt: new Date() }).where(eq(users.id, u.id)).returning(cols);
    await writeAudit(tx, {
      ...auditFields(ctx, tenantId),
      action: 'tenant_user.role_changed',
      resourceType: 'user',
      resourceId: u.id,
      oldValues: { email: u.email, role: u.role },
      newValues: { email: u.email, role: p.role },
    });
    return toView(updated!);
  });
}

export async function removePerson({ ctx, input }: { ctx: TenantActor; input: unknown }): Promise<{ id: string }> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.manage', 'users.manage');
  const p = userIdSchema.parse(input);
  return onTenantPath(ctx, tenantId, async (tx) => {
    await tx.execute(sql`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role = 'owner' FOR UPDATE`);
    const u = await lockPerson(tx, tenantId, p.userId);
    if (u.role === 'owner' && (await otherOwners(tx, tenantId, u.id)) === 0) {
      throw new InvalidStateError('This is the last owner: transfer ownership before removing them');
    }
    // The e-mail is freed (logins are unique by e-mail) so the person can be invited again later.
    const now = new Date();
    await tx
      .update(users)
      .set({ status: 'inactive', deletedAt: now, updatedAt: now, passwordHash: null, email: sql`${users.email} || '#removed-' || ${now.getTime()}` })
      .where(eq(users.id, u.id));
    await writeAudit(tx, {
      ...auditFields(ctx, tenantId),
      action: 'tenant_user.removed',
      resourceType: 'user',
      resourceId: u.id,
      oldValues: { email: u.email, role: u.role, status: u.status },
      newValues: { status: 'removed' },
    });
    return { id: u.id };
  });
}

/** Makes `userId` an owner. An owner handing over steps down to member; an administrator doing it
 * for support makes the new person the only owner (the others become members). */
export async function transferOwnership({ ctx, input }: { ctx: TenantActor; input: unknown }): Promise<PersonView> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.manage', 'users.manage');
  const p = userIdSchema.parse(input);
  return onTenantPath(ctx, tenantId, async (tx) => {
    await tx.execute(sql`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role = 'owner' FOR UPDATE`);
    const to = await lockPerson(tx, tenantId, p.userId);
    if (to.status !== 'active') throw new InvalidStateError(`${to.email} is not active`);
    if (!isAdminCtx(ctx) && to.id === ctx.userId)
      throw new ValidationError('You already own this organisation', [{ path: 'userId', message: 'choose someone else' }]);
    const demoted = !isAdminCtx(ctx)
      ? await tx.update(users).set({ role: 'member', updatedAt: new Date() }).where(eq(users.id, ctx.userId)).returning({ id: users.id, email: users.email })
      : await tx
          .update(users)
          .set({ role: 'member', updatedAt: new Date() })
          .where(and(eq(users.tenantId, tenantId), eq(users.role, 'owner'), ne(users.id, to.id), isNull(users.deletedAt)))
          .returning({ id: users.id, email: users.email });
    const [updated] = await tx.update(users).set({ role: 'owner', updatedAt: new Date() }).where(eq(users.id, to.id)).returning(cols);
    await writeAudit(tx, {
      ...auditFields(ctx, tenantId),
      action: 'tenant.ownership_transferred',
      resourceType: 'user',
      resourceId: to.id,
      oldValues: { owner: demoted.map((d) => d.email), newOwnerRole: to.role },
      newValues: { owner: to.email, steppedDown: demoted.map((d) => d.email) },
    });
    return toView(updated!);
  });
}
