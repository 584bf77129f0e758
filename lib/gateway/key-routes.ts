/** Session contexts -> key-management contexts (the tenant always comes from the session or, for
 * administrators, from the URL of the admin path). */
import type { AdminContext, TenantContext } from '../platform/context';
import type { KeyManagementCtx } from './keys';

export function portalKeyCtx(ctx: TenantContext): KeyManagementCtx {
  return {
    tenantId: ctx.tenantId,
    actor: { type: 'tenant_user', userId: ctx.userId, email: ctx.email, role: ctx.role },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  };
}

export function adminKeyCtx(ctx: AdminContext, tenantId: string): KeyManagementCtx {
  return {
    tenantId,
    actor: { type: 'admin', adminId: ctx.adminId, email: ctx.email },
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    requestId: ctx.requestId,
  };
}
