/**
 * Ending sessions at once. Sessions are JWTs (no session table), so a session cannot be deleted;
 * instead each person's row carries `sessions_valid_after`, and lib/auth/session.ts (which
 * re-reads the row on every request) refuses claims issued before it. Call these in the same
 * transaction as the change that warrants them (password change or reset, deactivation, MFA
 * reset, role removal): when the transaction commits, every existing session of that person stops
 * on its next request; a sign-in after the commit gets a fresh, valid session.
 *
 *   revokeSessions(tx, userId)        a tenant user (tx from withTenant or withPlatform)
 *   revokeAdminSessions(tx, adminId)  an administrator (tx from withPlatform)
 *
 * The instant is taken from the app's clock, the same clock that stamps claims.issuedAtMs.
 */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { administrators, users } from '../db/schema';
import type { SessionClaims } from './claims';

export async function revokeSessions(db: Queryable, userId: string, at: Date = new Date()): Promise<void> {
  await db.update(users).set({ sessionsValidAfter: at }).where(eq(users.id, userId));
}

export async function revokeAdminSessions(db: Queryable, adminId: string, at: Date = new Date()): Promise<void> {
  await db.update(administrators).set({ sessionsValidAfter: at }).where(eq(administrators.id, adminId));
}

/** When the session was issued, in milliseconds (claims from before issuedAtMs existed: seconds). */
export function issuedAtMs(claims: Pick<SessionClaims, 'issuedAt' | 'issuedAtMs'>): number {
  return claims.issuedAtMs ?? claims.issuedAt * 1000;
}

/** True when the session was issued before the person's sessions were revoked. */
export function sessionRevoked(claims: Pick<SessionClaims, 'issuedAt' | 'issuedAtMs'>, validAfter: Date | null | undefined): boolean {
  return !!validAfter && issuedAtMs(claims) < validAfter.getTime();
}
