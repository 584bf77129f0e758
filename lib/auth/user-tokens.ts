/**
 * The single-use links sent to tenant users (password reset, sign-up e-mail verification): rows of
 * password_reset_tokens told apart by `purpose`, stored as the SHA-256 of a 32-byte random token.
 * Each flow reads only its own purpose. What the link's page shows (`describeUserToken`, no side
 * effect: mail scanners open links) and the row its action locks (`lockUserToken`) are read here
 * once for both flows; what each flow then does stays with the flow.
 */
import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { passwordResetTokens, users } from '../db/schema';
import { withPlatform } from '../db/tenant';

export type UserTokenPurpose = 'reset' | 'verify_email';

export type DescribedUserToken = { ok: true; email: string } | { ok: false; reason: 'invalid' | 'used' | 'expired' };

export const tokenHash = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

export const newUserToken = () => crypto.randomBytes(32).toString('base64url');

const matches = (purpose: UserTokenPurpose, token: string) =>
  and(eq(passwordResetTokens.tokenHash, tokenHash(token)), eq(passwordResetTokens.purpose, purpose));

/** Whether a link is still usable, for its page (a form, or a clear reason). */
export async function describeUserToken(purpose: UserTokenPurpose, token: string): Promise<DescribedUserToken> {
  if (!token || token.length > 200) return { ok: false, reason: 'invalid' };
  const [r] = await withPlatform((tx) =>
    tx
      .select({ usedAt: passwordResetTokens.usedAt, expiresAt: passwordResetTokens.expiresAt, email: users.email })
      .from(passwordResetTokens)
      .innerJoin(users, eq(users.id, passwordResetTokens.userId))
      .where(matches(purpose, token)),
  );
  if (!r) return { ok: false, reason: 'invalid' };
  if (r.usedAt) return { ok: false, reason: 'used' };
  if (r.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, email: r.email };
}

/** The token's row locked for its action, with its person and whether it has expired by the
 * database's clock; undefined when no such token exists. */
export async function lockUserToken(tx: Tx, purpose: UserTokenPurpose, token: string) {
  const [t] = await tx
    .select({
      r: passwordResetTokens,
      expired: sql<boolean>`${passwordResetTokens.expiresAt} <= now()`,
      email: users.email,
      status: users.status,
      deletedAt: users.deletedAt,
    })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(matches(purpose, token))
    .for('update', { of: passwordResetTokens });
  // PGlite answers a boolean expression as 't'/'f' text here.
  return t && { ...t, expired: t.expired === true || (t.expired as unknown) === 't' };
}
