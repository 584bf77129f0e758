/**
 * Sign-in throttling on `login_attempts` (shared by every app instance through the database):
 * more than N failures for one e-mail (default 5) or from one IP (default 50) within the window
 * (default 15 minutes) and further attempts are refused without checking the password until the
 * oldest counted failure leaves the window. Refused ("throttled") attempts are recorded but not
 * counted, so an attacker hammering an account cannot extend its lock-out forever.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Queryable } from '../db/client';
import { loginAttempts } from '../db/schema';
import { throttleSettings, type ThrottleSettings } from '../governance/config';

export type Audience = 'admin' | 'tenant';

export interface ThrottleState {
  throttled: boolean;
  scope?: 'email' | 'ip';
  retryAfterSeconds: number;
}

async function retryAfter(q: Queryable, where: ReturnType<typeof sql>, s: ThrottleSettings, max: number): Promise<number | null> {
  const rows = await queryRows<{ n: number | string; retry_at: string | Date | null }>(
    q,
    sql`WITH f AS (
          SELECT created_at FROM login_attempts
          WHERE ${where} AND success = false AND coalesce(reason, '') <> 'throttled'
            AND created_at > now() - make_interval(mins => ${s.windowMinutes})
        )
        SELECT (SELECT count(*) FROM f) AS n,
               (SELECT created_at FROM f ORDER BY created_at DESC OFFSET ${max - 1} LIMIT 1)
                 + make_interval(mins => ${s.windowMinutes}) AS retry_at`,
  );
  const r = rows[0];
  if (!r || Number(r.n) < max || !r.retry_at) return null;
  const at = new Date(r.retry_at).getTime();
  return Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

export async function checkThrottle(
  q: Queryable,
  a: { audience: Audience; email: string; ip: string | null },
  s: ThrottleSettings = throttleSettings(),
): Promise<ThrottleState> {
  const byEmail = await retryAfter(q, sql`audience = ${a.audience} AND email = ${a.email.toLowerCase()}`, s, s.maxFailuresPerEmail);
  if (byEmail !== null) return { throttled: true, scope: 'email', retryAfterSeconds: byEmail };
  if (a.ip) {
    const byIp = await retryAfter(q, sql`ip_address = ${a.ip}`, s, s.maxFailuresPerIp);
    if (byIp !== null) return { throttled: true, scope: 'ip', retryAfterSeconds: byIp };
  }
  return { throttled: false, retryAfterSeconds: 0 };
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

/** Retention: drop attempts older than `days` (run from a scheduled job). */
export async function pruneLoginAttempts(q: Queryable, days = 30): Promise<void> {
  await q.delete(loginAttempts).where(sql`${loginAttempts.createdAt} < now() - make_interval(days => ${days})`);
}
