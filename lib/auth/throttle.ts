/**
 * Sign-in throttling on `login_attempts` (shared by every app instance through the database).
 *
 * Counted WITH the attempt, atomically: `admitAttempt` takes transaction-level advisory locks on
 * the e-mail and the client address, counts recent failures, and either refuses ("throttled",
 * recorded, not counted) or records the attempt as a failure BEFORE the password is checked;
 * `settleAttempt` then marks it a success or keeps the failure with its reason. A burst of 50
 * parallel wrong passwords therefore evaluates at most the limit; the rest are refused unseen.
 *
 * Lock-outs back off: at N failures for one e-mail (default 5) or one address (default 50) within
 * the window (default 15 minutes), the next attempt waits 1 minute after the last failure, then
 * 2, 4, 8 ... minutes per further failure, never longer than the window — so a stranger guessing
 * at an administrator's e-mail cannot lock them out for long, and each lock-out is audited once.
 * Failed attempts live here (pruned after RADIANT_LOGIN_ATTEMPTS_RETENTION_DAYS, default 30, by
 * the scheduled job), not in the append-only audit log; successes and lock-outs are audited.
 */
import { eq, sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { loginAttempts } from '../db/schema';
import { throttleSettings, type ThrottleSettings } from '../governance/config';

/** 'signup': self-service sign-ups (lib/tenants/signup.ts), limited like sign-ins. */
export type Audience = 'admin' | 'tenant' | 'signup';

export interface ThrottleState {
  throttled: boolean;
  scope?: 'email' | 'ip';
  retryAfterSeconds: number;
}

/** Base lock-out after reaching the limit; doubled per further failure, capped at the window. */
export const LOCKOUT_BASE_SECONDS = 60;

/** Lock-out length after `failures` failures (null below the limit). */
export function lockoutSeconds(failures: number, max: number, windowMinutes: number): number | null {
  if (failures < max) return null;
  const exp = Math.min(failures - max, 20);
  return Math.min(LOCKOUT_BASE_SECONDS * 2 ** exp, windowMinutes * 60);
}

async function retryAfter(q: Queryable, where: ReturnType<typeof sql>, s: ThrottleSettings, max: number, settledOnly = false): Promise<number | null> {
  const skip = settledOnly ? sql`AND coalesce(reason, '') <> 'in_progress'` : sql``;
  const rows = await queryRows<{ n: number | string; last_at: string | Date | null; now_at: string | Date }>(
    q,
    sql`SELECT count(*) AS n, max(created_at) AS last_at, now() AS now_at FROM login_attempts
        WHERE ${where} AND success = false AND coalesce(reason, '') NOT IN ('throttled', 'mfa_required') ${skip}
          AND created_at > now() - make_interval(mins => ${s.windowMinutes})`,
  );
  const r = rows[0];
  const lock = lockoutSeconds(Number(r?.n ?? 0), max, s.windowMinutes);
  if (lock === null || !r?.last_at) return null;
  const until = new Date(r.last_at).getTime() + lock * 1000;
  const now = new Date(r.now_at).getTime();
  return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : null;
}

export async function checkThrottle(
  q: Queryable,
  a: { audience: Audience; email: string; ip: string | null },
  s: ThrottleSettings = throttleSettings(),
  settledOnly = false,
): Promise<ThrottleState> {
  const byEmail = await retryAfter(q, sql`audience = ${a.audience} AND email = ${a.email.toLowerCase()}`, s, s.maxFailuresPerEmail, settledOnly);
  if (byEmail !== null) return { throttled: true, scope: 'email', retryAfterSeconds: byEmail };
  if (a.ip) {
    const byIp = await retryAfter(q, sql`ip_address = ${a.ip}`, s, s.maxFailuresPerIp, settledOnly);
    if (byIp !== null) return { throttled: true, scope: 'ip', retryAfterSeconds: byIp };
  }
  return { throttled: false, retryAfterSeconds: 0 };
}

/** Always e-mail first, then address: one order, no deadlock between concurrent sign-ins. */
async function lockFor(q: Queryable, audience: Audience, email: string, ip: string | null): Promise<void> {
  await q.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`radiant-login:${audience}:${email}`}))`);
  if (ip) await q.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`radiant-login-ip:${ip}`}))`);
}

export type Admission = { admitted: true; attemptId: string } | { admitted: false; state: ThrottleState };

/**
 * Atomically: refuse (record a 'throttled' row) or admit (record the attempt as a failure in
 * progress, counted from now on). Run it in its own short transaction, before the password check.
 */
export async function admitAttempt(
  q: Queryable,
  a: { audience: Audience; email: string; ip: string | null },
  s: ThrottleSettings = throttleSettings(),
): Promise<Admission> {
  const email = a.email.toLowerCase().slice(0, 255);
  await lockFor(q, a.audience, email, a.ip);
  const state = await checkThrottle(q, { ...a, email }, s);
  if (state.throttled) {
    await recordAttempt(q, { ...a, email, success: false, reason: 'throttled' });
    return { admitted: false, state };
  }
  const [row] = await q
    .insert(loginAttempts)
    .values({ audience: a.audience, email, ipAddress: a.ip, success: false, reason: 'in_progress' })
    .returning({ id: loginAttempts.id });
  return { admitted: true, attemptId: row!.id };
}

/** The outcome of an admitted attempt. Returns whether this failure started a lock-out. */
export async function settleAttempt(
  q: Queryable,
  attemptId: string,
  outcome: { success: true } | { success: false; reason: string },
  a?: { audience: Audience; email: string; ip: string | null },
  s: ThrottleSettings = throttleSettings(),
): Promise<{ lockedOut: ThrottleState | null }> {
  if (!outcome.success && a) await lockFor(q, a.audience, a.email.toLowerCase().slice(0, 255), a.ip);
  await q
    .update(loginAttempts)
    .set(outcome.success ? { success: true, reason: null } : { success: false, reason: outcome.reason })
    .where(eq(loginAttempts.id, attemptId));
  if (outcome.success || !a) return { lockedOut: null };
  // Settled failures only (serialised by the locks): the failure that reaches the limit, and each
  // later one that extends the back-off, reports a lock-out — once per step, not per racer.
  const state = await checkThrottle(q, a, s, true);
  return { lockedOut: state.throttled ? state : null };
}

export async function recordAttempt(
  q: Queryable,
  a: { audience: Audience; email: string; ip: string | null; success: boolean; reason?: string | null },
): Promise<void> {
  await q.insert(loginAttempts).values({
    audience: a.audience,
    email: a.email.toLowerCase().slice(0, 255),
    ipAddress: a.ip,
    success: a.success,
    reason: a.success ? null : (a.reason ?? 'bad_credentials'),
  });
}

export function loginAttemptsRetentionDays(env: Record<string, string | undefined> = process.env): number {
  const n = Number.parseInt(env.RADIANT_LOGIN_ATTEMPTS_RETENTION_DAYS ?? '30', 10);
  return Number.isFinite(n) && n >= 1 ? n : 30;
}

/** Retention: drop attempts older than `days` (the scheduled job in lib/jobs runs it daily). */
export async function pruneLoginAttempts(q: Queryable, days = loginAttemptsRetentionDays()): Promise<number> {
  const gone = await q
    .delete(loginAttempts)
    .where(sql`${loginAttempts.createdAt} < now() - make_interval(days => ${days})`)
    .returning({ id: loginAttempts.id });
  return gone.length;
}
