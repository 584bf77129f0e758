/**
 * Tenant users' passwords: change (knowing the current one) and reset a forgotten one by e-mail.
 *
 *   requestPasswordReset  always answers the same, whether the address exists or not; when it
 *                         does (active user, live tenant) a 32-byte token is mailed as a link
 *                         (its SHA-256 is stored), valid RESET_TTL_MINUTES, single use; at most
 *                         RESET_MAX_PER_HOUR links per person per hour. The mail is sent after
 *                         the answer is decided, off the response path, so timing says nothing.
 *   resetPassword         token -> new password; the token is used up, every other open token of
 *                         that person is too, and all their sessions end (revokeSessions).
 *   changePassword        current + new password; all sessions end, this one included.
 */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { passwordResetTokens, tenants, users } from '../db/schema';
import { isUuid, withPlatform, withTenant } from '../db/tenant';
import { NotFoundError, ValidationError } from '../errors';
import { auditFields, writeAudit } from '../platform/audit';
import { publicBaseUrl } from '../governance/config';
import type { PublicContext, TenantContext } from '../platform/context';
import { ExpiredError } from '../governance/errors';
import { getMailer } from '../governance/mailer';
import { hashPassword, passwordProblem, verifyPassword } from '../governance/passwords';
import { logger } from '../observability/logger';
import { revokeSessions } from './revocation';
import { describeUserToken, lockUserToken, newUserToken, tokenHash, type DescribedUserToken } from './user-tokens';

export const RESET_TTL_MINUTES = 60;
export const RESET_MAX_PER_HOUR = 3;

export const RESET_REQUESTED_MESSAGE = 'If an account uses that address, we have sent it a link to choose a new password. The link works once, for one hour.';

export interface ResetRequestResult {
  message: string;
  /** Only without SMTP and only when RADIANT_DEMO_SHOW_RESET_LINK=1 (tests/demo): the link. */
  devLink?: string;
}

export async function requestPasswordReset({
  ctx: meta,
  input,
  baseUrl,
}: {
  ctx: PublicContext;
  input: { email?: unknown };
  baseUrl?: string;
}): Promise<ResetRequestResult> {
  const parsed = z.email().trim().toLowerCase().max(255).safeParse(input.email);
  if (!parsed.success) throw new ValidationError('Enter an e-mail address', [{ path: 'email', message: 'enter an e-mail address' }]);
  const address = parsed.data;
  const token = newUserToken();
  const created = await withPlatform(async (tx) => {
    const [u] = await tx
      .select({ id: users.id, tenantId: users.tenantId, email: users.email, status: users.status, tenantStatus: tenants.status })
      .from(users)
      .innerJoin(tenants, eq(tenants.id, users.tenantId))
      .where(and(sql`lower(${users.email}) = ${address}`, isNull(users.deletedAt)));
    if (!u || u.status !== 'active' || u.tenantStatus === 'cancelled') return null;
    const [recent] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(passwordResetTokens)
      .where(
        and(eq(passwordResetTokens.userId, u.id), eq(passwordResetTokens.purpose, 'reset'), gt(passwordResetTokens.createdAt, sql`now() - interval '1 hour'`)),
      );
    if (Number(recent?.n ?? 0) >= RESET_MAX_PER_HOUR) return null;
    await tx.insert(passwordResetTokens).values({
      tenantId: u.tenantId,
      userId: u.id,
      tokenHash: tokenHash(token),
      expiresAt: sql`now() + make_interval(mins => ${RESET_TTL_MINUTES})`,
      requestedIp: meta.ip && meta.ip.length <= 45 ? meta.ip : null,
    });
    await writeAudit(tx, {
      actor: { type: 'tenant_user', id: u.id, email: u.email },
      tenantId: u.tenantId,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      requestId: meta.requestId ?? null,
      action: 'tenant_user.password_reset_requested',
      resourceType: 'user',
      resourceId: u.id,
    });
    return u;
  });
  const link = `${publicBaseUrl(baseUrl)}/password/reset/${token}`;
  if (created) {
    const mailer = getMailer();
    // Not awaited: the answer must not take longer when the address exists.
    void mailer
      .send({
        to: created.email,
        subject: 'Choose a new RADIANT password',
        text: [
          `Someone (hopefully you) asked to reset the password of ${created.email}.`,
          '',
          `Choose a new password (valid ${RESET_TTL_MINUTES} minutes, single use):`,
          link,
          '',
          'If it was not you, ignore this mail: your password stays as it is.',
        ].join('\n'),
      })
      .catch((err: unknown) => logger.error({ err, requestId: meta.requestId }, 'password reset mail failed'));
    if (mailer.kind !== 'smtp' && process.env.RADIANT_DEMO_SHOW_RESET_LINK === '1') return { message: RESET_REQUESTED_MESSAGE, devLink: link };
  }
  return { message: RESET_REQUESTED_MESSAGE };
}

/** Whether a reset link is still usable (the page shows the form or a clear reason). */
export function describeResetToken(token: string): Promise<DescribedUserToken> {
  return describeUserToken('reset', token);
}

export async function resetPassword({ ctx: meta, input }: { ctx: PublicContext; input: { token?: unknown; password?: unknown } }): Promise<{ email: string }> {
  const token = typeof input.token === 'string' ? input.token : '';
  const password = typeof input.password === 'string' ? input.password : '';
  if (!token || token.length > 200) throw new NotFoundError('This reset link is not valid');
  const expired = Symbol('expired');
  const out = await withPlatform(async (tx) => {
    const t = await lockUserToken(tx, 'reset', token);
    if (!t || t.deletedAt || t.status !== 'active') throw new NotFoundError('This reset link is not valid');
    if (t.r.usedAt) throw new NotFoundError('This reset link has already been used: ask for a new one');
    if (t.expired) return expired;
    const problem = passwordProblem(password, t.email);
    if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);
    const now = new Date();
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), updatedAt: now })
      .where(eq(users.id, t.r.userId));
    // This token and every other open one of the person are used up.
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, t.r.userId), isNull(passwordResetTokens.usedAt)));
    await revokeSessions(tx, t.r.userId, now);
    await writeAudit(tx, {
      actor: { type: 'tenant_user', id: t.r.userId, email: t.email },
      tenantId: t.r.tenantId,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent ?? null,
      requestId: meta.requestId ?? null,
      action: 'tenant_user.password_reset',
      resourceType: 'user',
      resourceId: t.r.userId,
      metadata: { sessionsRevoked: true },
    });
    return { email: t.email };
  });
  if (out === expired) throw new ExpiredError('This reset link has expired: ask for a new one');
  return out;
}

export async function changePassword({ ctx, input }: { ctx: TenantContext; input: { current?: unknown; password?: unknown } }): Promise<void> {
  const current = typeof input.current === 'string' ? input.current : '';
  const password = typeof input.password === 'string' ? input.password : '';
  if (!isUuid(ctx.userId)) throw new NotFoundError('No such user');
  await withTenant(ctx.tenantId, async (tx) => {
    const [u] = await tx.select({ hash: users.passwordHash, email: users.email }).from(users).where(eq(users.id, ctx.userId)).for('update');
    if (!u) throw new NotFoundError('No such user');
    if (!(await verifyPassword(u.hash, current)))
      throw new ValidationError('Your current password is not correct', [{ path: 'current', message: 'not correct' }]);
    const problem = passwordProblem(password, u.email);
    if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);
    if (await verifyPassword(u.hash, password))
      throw new ValidationError('Choose a password different from the current one', [{ path: 'password', message: 'same as the current one' }]);
    const now = new Date();
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), updatedAt: now })
      .where(eq(users.id, ctx.userId));
    await revokeSessions(tx, ctx.userId, now);
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'tenant_user.password_changed',
      resourceType: 'user',
      resourceId: ctx.userId,
      metadata: { sessionsRevoked: true },
    });
  });
}
