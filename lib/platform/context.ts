/**
 * Who is acting: one context type per audience, built once per request (from the session, the API
 * key, or by the scheduler) and passed to every domain verb as `ctx` (docs/architecture.md,
 * "Domain verbs"). The tenant of a TenantContext comes from the session or key, never from input;
 * an AdminContext has no tenant (admins reach tenants through the platform path); a
 * SystemContext is background work (schedulers, sweeps, the CLI).
 */
import type { AdminRole, TenantRole } from '../governance/permissions';
import { newRequestId } from './request-id';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

export interface AdminContext extends RequestMeta {
  adminId: string;
  email: string;
  name: string;
  role: AdminRole;
  /** True when this session passed a TOTP (or recovery-code) check at sign-in. */
  mfa: boolean;
}

export interface TenantContext extends RequestMeta {
  userId: string;
  tenantId: string;
  email: string;
  role: TenantRole;
}

/** A caller with no actor yet (signing in, resetting a password, accepting an invitation): what
 * the request says about itself, for the audit row. */
export type PublicContext = Partial<RequestMeta>;

/** Background work (expiry sweeps, schedulers, the CLI). */
export interface SystemContext extends RequestMeta {
  system: string;
}

export type AnyContext = AdminContext | TenantContext | SystemContext;

export function isAdminCtx(ctx: AnyContext): ctx is AdminContext {
  return 'adminId' in ctx;
}

export function isTenantCtx(ctx: AnyContext): ctx is TenantContext {
  return 'tenantId' in ctx && 'userId' in ctx;
}

/** A context for background work named `system` (shows as `system:<name>` in the audit log). */
export function systemCtx(system: string): SystemContext {
  return { system, ip: null, userAgent: null, requestId: newRequestId() };
}

/** Back-office verbs (billing, catalog sync) run for an administrator or for the system. */
export type OperatorContext = AdminContext | SystemContext;

/** administrators.id of the caller, or null for the system. */
export function adminIdOf(ctx: OperatorContext): string | null {
  return isAdminCtx(ctx) ? ctx.adminId : null;
}
