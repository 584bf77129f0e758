/**
 * Who acts on a tenant's people and settings: a platform administrator (support, through the
 * platform path) or one of the tenant's own users (through withTenant, so RLS holds too). One
 * small union instead of two copies of every verb; each verb checks the actor may do it.
 */
import type { Tx } from '../db/client';
import { withPlatform, withTenant } from '../db/tenant';
import { ForbiddenError } from '../errors';
import { auditFields as ctxAuditFields, type AuditEntry } from '../platform/audit';
import type { AdminContext, TenantContext } from '../platform/context';
import { hasPermission, tenantHasPermission, type Permission, type TenantPermission } from '../governance/permissions';

export type TenantActor = { kind: 'admin'; ctx: AdminContext } | { kind: 'user'; ctx: TenantContext };

export const asAdmin = (ctx: AdminContext): TenantActor => ({ kind: 'admin', ctx });
export const asUser = (ctx: TenantContext): TenantActor => ({ kind: 'user', ctx });

/** Refuses unless the actor holds the permission (admins: `adminPermission`; users: `userPermission`
 * and the tenant must be their own). */
export function authorize(actor: TenantActor, tenantId: string, adminPermission: Permission, userPermission: TenantPermission): void {
  if (actor.kind === 'admin') {
    if (!hasPermission(actor.ctx.role, adminPermission))
      throw new ForbiddenError(`Your role (${actor.ctx.role}) does not have the ${adminPermission} permission`);
    return;
  }
  if (actor.ctx.tenantId !== tenantId) throw new ForbiddenError('That belongs to another organisation');
  if (!tenantHasPermission(actor.ctx.role, userPermission)) throw new ForbiddenError('Only an owner of this organisation can do that');
}

/** Runs `fn` on the actor's path: platform for admins, the tenant's RLS context for users. */
export function onTenantPath<T>(actor: TenantActor, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return actor.kind === 'admin' ? withPlatform(fn) : withTenant(tenantId, fn);
}

export function auditFields(actor: TenantActor, tenantId: string): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId' | 'tenantId'> {
  return { ...ctxAuditFields(actor.ctx), tenantId };
}

export function actorLabel(actor: TenantActor): string {
  return actor.kind === 'admin' ? actor.ctx.name || actor.ctx.email : actor.ctx.email;
}
