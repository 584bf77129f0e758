/**
 * Who acts on a tenant's people and settings: a platform administrator (support, through the
 * platform path) or one of the tenant's own users (through withTenant, so RLS holds too). Verbs
 * take either context as `ctx`; each checks the caller may do it. The tenant is a user's own
 * (`ctx.tenantId`), or the one an administrator names in `input.tenantId`.
 */
import type { Tx } from '../db/client';
import { isUuid, withPlatform, withTenant } from '../db/tenant';
import { ForbiddenError, NotFoundError } from '../errors';
import { auditFields as ctxAuditFields, type AuditEntry } from '../platform/audit';
import { isAdminCtx, type AdminContext, type TenantContext } from '../platform/context';
import { hasPermission, tenantHasPermission, type Permission, type TenantPermission } from '../governance/permissions';

export type TenantActor = AdminContext | TenantContext;

/** The tenant a verb acts on: a tenant user's own (naming another one is refused), or the one an
 * administrator names in `input.tenantId`. */
export function tenantOf(ctx: TenantActor, input: unknown): string {
  const named = typeof input === 'object' && input !== null && 'tenantId' in input ? (input as { tenantId: unknown }).tenantId : undefined;
  if (!isAdminCtx(ctx)) {
    if (named !== undefined && named !== ctx.tenantId) throw new ForbiddenError('That belongs to another organisation');
    return ctx.tenantId;
  }
  if (typeof named !== 'string' || !isUuid(named)) throw new NotFoundError('No such tenant');
  return named;
}

/** Refuses unless the caller holds the permission (admins: `adminPermission`; users: `userPermission`
 * and the tenant must be their own). */
export function authorize(ctx: TenantActor, tenantId: string, adminPermission: Permission, userPermission: TenantPermission): void {
  if (isAdminCtx(ctx)) {
    if (!hasPermission(ctx.role, adminPermission)) throw new ForbiddenError(`Your role (${ctx.role}) does not have the ${adminPermission} permission`);
    return;
  }
  if (ctx.tenantId !== tenantId) throw new ForbiddenError('That belongs to another organisation');
  if (!tenantHasPermission(ctx.role, userPermission)) throw new ForbiddenError('Only an owner of this organisation can do that');
}

/** Runs `fn` on the caller's path: platform for admins, the tenant's RLS context for users. */
export function onTenantPath<T>(ctx: TenantActor, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return isAdminCtx(ctx) ? withPlatform(fn) : withTenant(tenantId, fn);
}

export function auditFields(ctx: TenantActor, tenantId: string): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId' | 'tenantId'> {
  return { ...ctxAuditFields(ctx), tenantId };
}

export function actorLabel(ctx: TenantActor): string {
  return isAdminCtx(ctx) ? ctx.name || ctx.email : ctx.email;
}
