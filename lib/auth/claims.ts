/**
 * What a RADIANT session carries (inside the Auth.js JWT, under `radiant`), and its lifetime.
 * Admin sessions last 8 hours, tenant sessions 12, counted from sign-in (absolute: activity does
 * not extend them). An admin session never carries a tenant id (the schema refuses one).
 * Framework-free: used by the Auth.js callbacks, the proxy and lib/auth/session.ts.
 */
import { z } from 'zod';
import { ADMIN_ROLES } from '../db/schema/governance';
import { TENANT_USER_ROLES } from '../db/schema/tenancy';

export const SESSION_HOURS = { admin: 8, tenant: 12 } as const;
/** Cookie/JWT upper bound: the longest audience lifetime. */
export const SESSION_MAX_AGE_SECONDS = Math.max(SESSION_HOURS.admin, SESSION_HOURS.tenant) * 3600;

const common = {
  userId: z.uuid(),
  email: z.string().min(3).max(255),
  mfa: z.boolean(),
  /** Unix seconds. */
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  /** Issue time in milliseconds, compared with the person's sessions_valid_after (lib/auth/revocation.ts). */
  issuedAtMs: z.number().int().optional(),
};

export const adminClaimsSchema = z.strictObject({ audience: z.literal('admin'), role: z.enum(ADMIN_ROLES), ...common });
export const tenantClaimsSchema = z.strictObject({
  audience: z.literal('tenant'),
  role: z.enum(TENANT_USER_ROLES),
  tenantId: z.uuid(),
  ...common,
});
export const sessionClaimsSchema = z.discriminatedUnion('audience', [adminClaimsSchema, tenantClaimsSchema]);

export type AdminClaims = z.infer<typeof adminClaimsSchema>;
export type TenantClaims = z.infer<typeof tenantClaimsSchema>;
export type SessionClaims = z.infer<typeof sessionClaimsSchema>;

export function newAdminClaims(a: { userId: string; email: string; role: AdminClaims['role']; mfa: boolean }, now = Date.now()): AdminClaims {
  const issuedAt = Math.floor(now / 1000);
  return { audience: 'admin', ...a, issuedAt, issuedAtMs: Math.floor(now), expiresAt: issuedAt + SESSION_HOURS.admin * 3600 };
}

export function newTenantClaims(t: { userId: string; email: string; role: TenantClaims['role']; tenantId: string }, now = Date.now()): TenantClaims {
  const issuedAt = Math.floor(now / 1000);
  return { audience: 'tenant', ...t, mfa: false, issuedAt, issuedAtMs: Math.floor(now), expiresAt: issuedAt + SESSION_HOURS.tenant * 3600 };
}

/** Valid, unexpired claims or null (malformed, mixed audience, or past its lifetime). */
export function liveClaims(value: unknown, now = Date.now()): SessionClaims | null {
  const r = sessionClaimsSchema.safeParse(value);
  if (!r.success) return null;
  const c = r.data;
  const lifetime = SESSION_HOURS[c.audience] * 3600;
  const nowS = Math.floor(now / 1000);
  if (c.expiresAt <= nowS || c.expiresAt - c.issuedAt > lifetime || c.issuedAt > nowS + 60) return null;
  if (c.issuedAtMs !== undefined && Math.floor(c.issuedAtMs / 1000) !== c.issuedAt) return null;
  return c;
}
