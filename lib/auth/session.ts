/**
 * Who is calling, for pages, server actions and route handlers.
 *
 *   requireAdmin(permission?)                         server components / actions -> AdminContext
 *   requireAdminFromRequest(req, permission?, reqId)  route handlers               -> AdminContext
 *   requireTenantUser(roles?)                         server components / actions -> TenantContext
 *   requireTenantUserFromRequest(req, roles?, reqId)  route handlers               -> TenantContext
 *   requireAdminPage(permission?)                     pages: redirects to /admin/sign-in when needed
 *   requireTenantPage(roles?)                         pages: redirects to /portal/sign-in when needed
 *
 * No session -> UnauthenticatedError (401); a session of the other audience -> ForbiddenError
 * (403): a tenant session never passes requireAdmin*, an admin session never passes
 * requireTenantUser* (and carries no tenant). The session only names the person: their current
 * role and status are re-read from the database on every call, so a role change, suspension or
 * MFA reset applies to the next request, and sessions issued before the person's
 * sessions_valid_after (lib/auth/revocation.ts revokeSessions) are refused.
 *
 * Tests inject the session with `setSessionResolverForTests` (refused outside vitest).
 */
import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import { administrators, tenants, users } from '../db/schema';
import { withPlatform, withTenant } from '../db/tenant';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { AdminContext, RequestMeta, TenantContext } from '../platform/context';
import { hasPermission, type Permission, type TenantRole } from '../governance/permissions';
import { newRequestId } from '../platform/request-id';
import type { SessionClaims } from './claims';
import { claimsFromSession } from './config';
import { clientIp, userAgent } from './request-meta';
import { sessionRevoked } from './revocation';

export type { AdminContext, TenantContext } from '../platform/context';

export type SessionResolver = (req?: Request) => Promise<SessionClaims | null> | SessionClaims | null;

const TEST_KEY = Symbol.for('radiant.auth.test-session-resolver');
type G = typeof globalThis & { [TEST_KEY]?: SessionResolver | null };

/** Tests only: decide what session every require* call sees (null restores the real one). */
export function setSessionResolverForTests(resolver: SessionResolver | null): void {
  if (!process.env.VITEST) throw new Error('setSessionResolverForTests is only available under vitest');
  (globalThis as G)[TEST_KEY] = resolver;
}

/** The current session's claims (valid and unexpired) or null. */
export async function currentClaims(req?: Request): Promise<SessionClaims | null> {
  const test = process.env.VITEST ? (globalThis as G)[TEST_KEY] : null;
  if (test) return (await test(req)) ?? null;
  const { auth } = await import('./auth');
  return claimsFromSession(await auth());
}

async function metaFromNextHeaders(requestId?: string): Promise<RequestMeta> {
  try {
    const { headers } = await import('next/headers');
    const h = await headers();
    return { ip: clientIp(h), userAgent: userAgent(h), requestId: requestId ?? h.get('x-request-id') ?? newRequestId() };
  } catch {
    return { ip: null, userAgent: null, requestId: requestId ?? newRequestId() };
  }
}

function metaFromRequest(req: Request, requestId?: string): RequestMeta {
  return { ip: clientIp(req.headers), userAgent: userAgent(req.headers), requestId: requestId ?? newRequestId() };
}

async function adminContext(claims: SessionClaims | null, permission: Permission | undefined, meta: RequestMeta): Promise<AdminContext> {
  if (!claims) throw new UnauthenticatedError('Sign in as an administrator');
  if (claims.audience !== 'admin') throw new ForbiddenError('This area is for platform administrators');
  const [admin] = await withPlatform((tx) =>
    tx
      .select({
        id: administrators.id,
        email: administrators.email,
        name: administrators.name,
        role: administrators.role,
        status: administrators.status,
        mfaEnabled: administrators.mfaEnabled,
        sessionsValidAfter: administrators.sessionsValidAfter,
      })
      .from(administrators)
      .where(and(eq(administrators.id, claims.userId), isNull(administrators.deletedAt))),
  );
  if (!admin || admin.status !== 'active') throw new UnauthenticatedError('Your administrator account is not active: sign in again');
  if (sessionRevoked(claims, admin.sessionsValidAfter)) throw new UnauthenticatedError('This session has ended: sign in again');
  const ctx: AdminContext = {
    adminId: admin.id,
    email: admin.email,
    name: admin.name,
    role: admin.role,
    mfa: claims.mfa && admin.mfaEnabled,
    ...meta,
  };
  if (permission && !hasPermission(ctx.role, permission)) {
    throw new ForbiddenError(`Your role (${ctx.role}) does not have the ${permission} permission`);
  }
  return ctx;
}

async function tenantContext(claims: SessionClaims | null, roles: readonly TenantRole[] | undefined, meta: RequestMeta): Promise<TenantContext> {
  if (!claims) throw new UnauthenticatedError('Sign in to the portal');
  if (claims.audience !== 'tenant') throw new ForbiddenError('This area is for customer accounts; administrators act on tenants from the admin console');
  const row = await withTenant(claims.tenantId, async (tx) => {
    const [u] = await tx
      .select({ id: users.id, email: users.email, role: users.role, status: users.status, sessionsValidAfter: users.sessionsValidAfter })
      .from(users)
      .where(and(eq(users.id, claims.userId), isNull(users.deletedAt)));
    const [t] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, claims.tenantId));
    return u && t ? { ...u, tenantStatus: t.status } : null;
  });
  if (!row || row.status !== 'active') throw new UnauthenticatedError('Your account is not active: sign in again');
  if (sessionRevoked(claims, row.sessionsValidAfter)) throw new UnauthenticatedError('This session has ended: sign in again');
  if (row.tenantStatus !== 'active') throw new ForbiddenError('This organisation is not active');
  const ctx: TenantContext = { userId: row.id, tenantId: claims.tenantId, email: row.email, role: row.role, ...meta };
  if (roles && roles.length && !roles.includes(ctx.role)) {
    throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}`);
  }
  return ctx;
}

export async function requireAdmin(permission?: Permission, requestId?: string): Promise<AdminContext> {
  return adminContext(await currentClaims(), permission, await metaFromNextHeaders(requestId));
}

export async function requireAdminFromRequest(req: Request, permission?: Permission, requestId?: string): Promise<AdminContext> {
  return adminContext(await currentClaims(req), permission, metaFromRequest(req, requestId));
}

export async function requireTenantUser(roles?: readonly TenantRole[], requestId?: string): Promise<TenantContext> {
  return tenantContext(await currentClaims(), roles, await metaFromNextHeaders(requestId));
}

export async function requireTenantUserFromRequest(req: Request, roles?: readonly TenantRole[], requestId?: string): Promise<TenantContext> {
  return tenantContext(await currentClaims(req), roles, metaFromRequest(req, requestId));
}

export type PageAccess<C> = { ok: true; ctx: C } | { ok: false; reason: string };

/**
 * For admin pages: redirects to /admin/sign-in when there is no (admin) session; returns
 * { ok: false, reason } when the admin lacks the permission, for the page to show.
 */
export async function requireAdminPage(permission?: Permission): Promise<PageAccess<AdminContext>> {
  const { redirect } = await import('next/navigation');
  try {
    return { ok: true, ctx: await requireAdmin(permission) };
  } catch (err) {
    if (err instanceof UnauthenticatedError) redirect('/admin/sign-in');
    if (err instanceof ForbiddenError) {
      const claims = await currentClaims();
      if (claims?.audience !== 'admin') redirect('/admin/sign-in?error=wrong_audience');
      return { ok: false, reason: err.message };
    }
    throw err;
  }
}

/** For portal pages: redirects to /portal/sign-in when there is no (tenant) session. */
export async function requireTenantPage(roles?: readonly TenantRole[]): Promise<PageAccess<TenantContext>> {
  const { redirect } = await import('next/navigation');
  try {
    return { ok: true, ctx: await requireTenantUser(roles) };
  } catch (err) {
    if (err instanceof UnauthenticatedError) redirect('/portal/sign-in');
    if (err instanceof ForbiddenError) {
      const claims = await currentClaims();
      if (claims?.audience !== 'tenant') redirect('/portal/sign-in?error=wrong_audience');
      return { ok: false, reason: err.message };
    }
    throw err;
  }
}
