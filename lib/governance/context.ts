/**
 * Who is acting, built once per request from the session (lib/auth/session.ts) and passed to
 * every domain verb as `ctx`. The tenant of a TenantContext comes from the session, never from
 * input; an AdminContext has no tenant at all (admins reach tenants through the platform path).
 */
import type { AdminRole, TenantRole } from './permissions';

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

/** Background work (expiry sweeps, schedulers). */
export interface SystemContext extends RequestMeta {
  system: string;
}
