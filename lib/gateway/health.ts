/**
 * Provider health from live traffic, and the circuit breaker.
 *
 *  - Every upstream attempt reports success (with latency) or failure. Counters are aggregated in
 *    memory and flushed to provider_health (one row per provider, region "default") every few
 *    seconds: request/error counts accumulate; status, error/success rate and latency describe
 *    the last interval; consecutive failures and cooldown are the breaker's state.
 *  - Breaker: `cooldownFailures` (3) consecutive failures of a provider put it in cooldown for
 *    `cooldownMs` (60 s): the router skips it (straight to the fallback chain). With Redis the
 *    failure count and the cooldown are shared by every instance (INCR + a broadcast).
 *  - Failures are provider-side problems only: 429, 5xx, timeouts, connection errors and our own
 *    credentials being refused. A client's invalid request or a content-policy refusal is not.
 */
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Db } from '../db/client';
import { withPlatform } from '../db/tenant';
import { gatewayLog } from './log';

interface ProviderStats {
  requests: number;
  errors: number;
  latencySum: number;
  successes: number;
  consecutive: number;
  cooldownUntil: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  dirty: boolean;
}

export interface HealthOptions {
  failures: number;
  cooldownMs: number;
  redis: Redis | null;
  prefix: string;
  /** Announce a cooldown to other instances. */
  broadcast?: (providerId: string, until: number) => void;
  /** This instance opened the breaker (not called for a cooldown another instance announced). */
  onCooldown?: (providerId: string, until: number, failures: number, lastError: string | null) => void;
  /** Live traffic turned a provider unhealthy (error rate >= 50 % in an interval, no cooldown);
   * errorRate is a fraction (0.5 = 50 %). */
  onUnhealthy?: (providerId: string, errorRate: number, lastError: string | null) => void;
}

export class ProviderHealthTracker {
  private readonly stats = new Map<string, ProviderStats>();
  private readonly sharedFails = new Map<string, number>();
  /** Status written by the last flush, per provider: a change to unhealthy is reported once. */
  private readonly lastStatus = new Map<string, string>();

  constructor(private readonly o: HealthOptions) {}

  private s(id: string): ProviderStats {
    let s = this.stats.get(id);
    if (!s) {
      s = {
        requests: 0,
        errors: 0,
        latencySum: 0,
        successes: 0,
        consecutive: 0,
        cooldownUntil: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        lastError: null,
        dirty: false,
      };
      this.stats.set(id, s);
    }
    return s;
  }

  /** Milliseconds of cooldown left (0 = available). */
  cooldownRemaining(providerId: string, now = Date.now()): number {
    const s = this.stats.get(providerId);
    return s && s.cooldownUntil > now ? s.cooldownUntil - now : 0;
  }

  success(providerId: string, latencyMs: number, now = Date.now()): void {
    const s = this.s(providerId);
    s.requests++;
    s.successes++;
    s.latencySum += latencyMs;
    s.lastSuccessAt = now;
    s.dirty = true;
    const hadFailures = s.consecutive > 0 || (this.sharedFails.get(providerId) ?? 0) > 0;
    s.consecutive = 0;
    if (hadFailures && this.o.redis) {
      this.sharedFails.set(providerId, 0);
      this.o.redis.del(`${this.o.prefix}cb:${providerId}:fails`).catch(() => {});
    }
  }

  failure(providerId: string, reason: string, now = Date.now()): void {
    const s = this.s(providerId);
    s.requests++;
    s.errors++;
    s.consecutive++;
    s.lastFailureAt = now;
    s.lastError = reason.slice(0, 500);
    s.dirty = true;
    if (s.consecutive >= this.o.failures) this.open(providerId, now);
    if (this.o.redis) {
      const k = `${this.o.prefix}cb:${providerId}:fails`;
      this.o.redis
        .multi()
        .incr(k)
        .pexpire(k, this.o.cooldownMs * 2)
        .exec()
        .then((res) => {
          const n = Number(res?.[0]?.[1] ?? 0);
          this.sharedFails.set(providerId, n);
          if (n >= this.o.failures && this.cooldownRemaining(providerId) === 0) this.open(providerId, Date.now());
        })
        .catch(() => {});
    }
  }

  /** Another instance opened the breaker. */
  applyCooldown(providerId: string, until: number): void {
    const s = this.s(providerId);
    if (until > s.cooldownUntil) {
      s.cooldownUntil = until;
      s.dirty = true;
    }
  }

  private open(providerId: string, now: number): void {
    const s = this.s(providerId);
    const until = now + this.o.cooldownMs;
    if (s.cooldownUntil >= until - 1000) return;
    s.cooldownUntil = until;
    s.consecutive = 0;
    s.dirty = true;
    gatewayLog.warn({ providerId, cooldownMs: this.o.cooldownMs }, 'provider in cooldown after consecutive failures');
    if (this.o.redis) {
      this.o.redis.del(`${this.o.prefix}cb:${providerId}:fails`).catch(() => {});
      this.sharedFails.set(providerId, 0);
    }
    this.o.broadcast?.(providerId, until);
    this.o.onCooldown?.(providerId, until, this.o.failures, s.lastError);
  }

  /** Writes the interval's figures to provider_health and starts a new interval. */
  async flush(db: Db): Promise<void> {
    const rows: Array<Record<string, unknown>> = [];
    const taken = new Map<string, { requests: number; errors: number; latencySum: number; successes: number }>();
    const now = Date.now();
    const turnedUnhealthy: Array<{ id: string; errorRate: number; lastError: string | null }> = [];
    for (const [id, s] of this.stats) {
      if (!s.dirty) continue;
      taken.set(id, { requests: s.requests, errors: s.errors, latencySum: s.latencySum, successes: s.successes });
      const errorRate = s.requests > 0 ? (s.errors / s.requests) * 100 : 0;
      const inCooldown = s.cooldownUntil > now;
      const status = inCooldown || (s.requests > 0 && errorRate >= 50) ? 'unhealthy' : errorRate >= 5 ? 'degraded' : s.requests > 0 ? 'healthy' : 'unknown';
      // A cooldown has its own notification; "unhealthy" is for a provider failing without one.
      if (status === 'unhealthy' && !inCooldown && this.lastStatus.get(id) !== 'unhealthy') turnedUnhealthy.push({ id, errorRate, lastError: s.lastError });
      this.lastStatus.set(id, status);
      rows.push({
        provider_id: id,
        status,
        latency_ms: s.successes > 0 ? Math.round(s.latencySum / s.successes) : null,
        error_rate: s.requests > 0 ? errorRate.toFixed(2) : null,
        success_rate: s.requests > 0 ? (100 - errorRate).toFixed(2) : null,
        request_count: s.requests,
        error_count: s.errors,
        consecutive_failures: s.consecutive,
        cooldown_until: inCooldown ? new Date(s.cooldownUntil).toISOString() : null,
        last_success_at: s.lastSuccessAt ? new Date(s.lastSuccessAt).toISOString() : null,
        last_failure_at: s.lastFailureAt ? new Date(s.lastFailureAt).toISOString() : null,
        last_error: s.lastError,
      });
    }
    for (const u of turnedUnhealthy) this.o.onUnhealthy?.(u.id, Math.round(u.errorRate * 100) / 10_000, u.lastError);
    if (rows.length === 0) return;
    await withPlatform(async (tx) => {
      await tx.execute(sql`
        INSERT INTO provider_health (provider_id, region, status, latency_ms, error_rate, success_rate, request_count,
          error_count, consecutive_failures, cooldown_until, last_check_at, last_success_at, last_failure_at, last_error, updated_at)
        SELECT x.provider_id, 'default', x.status, x.latency_ms, x.error_rate, x.success_rate, x.request_count, x.error_count,
          x.consecutive_failures, x.cooldown_until, now(), x.last_success_at, x.last_failure_at, x.last_error, now()
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(provider_id varchar, status varchar, latency_ms int,
          error_rate numeric, success_rate numeric, request_count bigint, error_count bigint, consecutive_failures int,
          cooldown_until timestamptz, last_success_at timestamptz, last_failure_at timestamptz, last_error text)
        WHERE EXISTS (SELECT 1 FROM providers p WHERE p.id = x.provider_id)
        ON CONFLICT (provider_id, region) DO UPDATE SET
          status = excluded.status,
          latency_ms = coalesce(excluded.latency_ms, provider_health.latency_ms),
          error_rate = excluded.error_rate,
          success_rate = excluded.success_rate,
          request_count = provider_health.request_count + excluded.request_count,
          error_count = provider_health.error_count + excluded.error_count,
          consecutive_failures = excluded.consecutive_failures,
          cooldown_until = excluded.cooldown_until,
          last_check_at = now(),
          last_success_at = coalesce(excluded.last_success_at, provider_health.last_success_at),
          last_failure_at = coalesce(excluded.last_failure_at, provider_health.last_failure_at),
          last_error = coalesce(excluded.last_error, provider_health.last_error),
          updated_at = now()`);
    }, db);
    for (const [id, t] of taken) {
      const s = this.stats.get(id)!;
      s.requests -= t.requests;
      s.errors -= t.errors;
      s.latencySum -= t.latencySum;
      s.successes -= t.successes;
      s.dirty = s.requests > 0 || s.cooldownUntil > Date.now();
    }
  }
}
