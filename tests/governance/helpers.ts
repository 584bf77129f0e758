/** Governance test helpers: administrators per role, contexts, and an injected session. */
import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { administrators, auditLogs } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { newAdminClaims, newTenantClaims, type SessionClaims } from '../../lib/auth/claims';
import { setSessionResolverForTests } from '../../lib/auth/session';
import type { AdminContext } from '../../lib/platform/context';
import { hashPassword } from '../../lib/governance/passwords';
import type { AdminRole } from '../../lib/governance/permissions';
import { uniqueSuffix } from '../support/factories';

export type AdminRow = typeof administrators.$inferSelect;

export async function createAdmin(
  db: Db,
  role: AdminRole,
  opts: { password?: string; email?: string; mfaEnabled?: boolean; status?: AdminRow['status'] } = {},
): Promise<AdminRow> {
  const passwordHash = opts.password ? await hashPassword(opts.password) : null;
  return withPlatform(async (tx) => {
    const [row] = await tx
      .insert(administrators)
      .values({
        email: opts.email ?? `${role}-${uniqueSuffix()}@admins.test`,
        name: `${role} ${uniqueSuffix()}`,
        role,
        passwordHash,
        status: opts.status ?? 'active',
        mfaEnabled: opts.mfaEnabled ?? false,
      })
      .returning();
    return row!;
  }, db);
}

export function ctxOf(admin: Pick<AdminRow, 'id' | 'email' | 'name' | 'role'>, extra: Partial<AdminContext> = {}): AdminContext {
  return {
    adminId: admin.id,
    email: admin.email,
    name: admin.name,
    role: admin.role,
    mfa: false,
    ip: '203.0.113.7',
    userAgent: 'vitest',
    requestId: crypto.randomUUID(),
    ...extra,
  };
}

/** Every require* call now sees this session (null = signed out). */
export function useSession(claims: SessionClaims | null): void {
  setSessionResolverForTests(() => claims);
}

export function adminSession(admin: Pick<AdminRow, 'id' | 'email' | 'role'>, mfa = false): SessionClaims {
  return newAdminClaims({ userId: admin.id, email: admin.email, role: admin.role, mfa });
}

export function tenantSession(user: { id: string; email: string; tenantId: string; role: 'owner' | 'member' | 'billing' }): SessionClaims {
  return newTenantClaims({ userId: user.id, email: user.email, role: user.role, tenantId: user.tenantId });
}

export async function auditRowsFor(db: Db, where: { resourceId?: string; action?: string; requestId?: string }) {
  return withPlatform(async (tx) => {
    const rows = await tx.select().from(auditLogs).orderBy(auditLogs.createdAt);
    return rows.filter(
      (r) =>
        (where.resourceId === undefined || r.resourceId === where.resourceId) &&
        (where.action === undefined || r.action === where.action) &&
        (where.requestId === undefined || r.requestId === where.requestId),
    );
  }, db);
}

export async function approvalStatus(db: Db, id: string): Promise<string> {
  const [r] = await queryRows<{ status: string }>(db, sql`SELECT status FROM approval_requests WHERE id = ${id}`);
  return r!.status;
}

/** Moves a pending request's expiry into the past (allowed by the guard trigger while pending). */
export async function expireNow(db: Db, id: string): Promise<void> {
  await withPlatform((tx) => tx.execute(sql`UPDATE approval_requests SET expires_at = now() - interval '1 minute' WHERE id = ${id}`), db);
}

export async function adminById(db: Db, id: string) {
  return withPlatform(async (tx) => (await tx.select().from(administrators).where(eq(administrators.id, id)))[0]!, db);
}

/** drizzle wraps driver errors; the database's words are in the cause chain. */
export function errorChainText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}

/** An isolated provider + model (unique ids, an unusual category, a steep cost, both DISABLED)
 * so tests that change catalog rows never touch, or offer to routing, anything other test files
 * use on a shared database. */
export async function createTestCatalog(db: Db): Promise<{ providerId: string; modelId: string }> {
  const s = uniqueSuffix();
  const providerId = `gov-test-${s}`;
  const modelId = `gov-test-model-${s}`;
  await withPlatform(async (tx) => {
    await tx.execute(sql`INSERT INTO providers (id, name, display_name, category, enabled)
                         VALUES (${providerId}, ${providerId}, ${'Governance test ' + s}, '3d_generation', false)`);
    await tx.execute(sql`INSERT INTO models (id, provider_id, provider_model_id, litellm_id, name, display_name, category, pricing_type, cost_per_request, enabled)
                         VALUES (${modelId}, ${providerId}, ${modelId}, ${'gov/' + modelId}, ${modelId}, ${'Governance test model ' + s}, '3d_generation', 'per_request', 1000, false)`);
  }, db);
  return { providerId, modelId };
}
