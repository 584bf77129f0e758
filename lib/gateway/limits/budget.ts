/**
 * Monthly spend caps on PRICE (tenants.monthly_budget, api_keys.monthly_budget) that hold under
 * concurrency: before calling upstream, a request RESERVES an estimate of its price (prompt
 * estimate + max_tokens at the model's price); the reservation is admitted only if
 * spent + reserved + estimate <= cap for every cap that applies; after the response it SETTLES to
 * the actual price. So N parallel requests near the cap can overshoot it by at most the amount by
 * which requests already in flight exceed their own estimates (docs/gateway.md).
 *
 * Amounts here are integer NANO-dollars (bigint in process; integers in Redis, exact up to about
 * $9,000,000 per scope and month). This is enforcement arithmetic only: the billed amounts in
 * usage_events stay exact decimals. Estimates are rounded UP, so the ledger never under-reserves.
 *
 * In process: each scope's month is seeded from SUM(price) of its usage_events (plus events still
 * queued in the metering writer) and refreshed every minute, so several instances without Redis
 * converge within about a minute. With Redis: one hash per scope and month, reserved and settled
 * by atomic Lua scripts; reservations of a crashed instance expire after 15 minutes.
 */
import type { Redis } from 'ioredis';
import { BudgetExceededError } from '../../errors';
import { Decimal, dec, type DecimalInput } from '../../pricing/money';
import { gatewayLog } from '../log';

export interface BudgetScope {
  /** "t:<tenantId>" or "k:<keyId>". */
  id: string;
  kind: 'tenant' | 'key';
  tenantId: string;
  keyId: string | null;
  capNano: bigint;
  cap: string;
}

export interface Reservation {
  scopes: BudgetScope[];
  amountNano: bigint;
  requestId: string;
  month: string;
  redis: boolean;
}

export interface BudgetSources {
  /** SUM(price) of the scope's usage events since monthStart, in nano-dollars. */
  loadSpent(scope: BudgetScope, monthStart: Date): Promise<bigint>;
  /** Spend of the scope still queued in the metering writer (not yet in the database). */
  pendingSpent(scope: BudgetScope): bigint;
}

const NANO = new Decimal(1_000_000_000);
const RESERVATION_TTL_MS = 15 * 60_000;
const REFRESH_MS = 60_000;

const PLAIN_AMOUNT = /^(\d+)(?:\.(\d*))?$/;

/** An amount in nano-dollars, rounded up. A plain non-negative decimal string (what the meter
 * hands over for every request) is cut at its ninth decimal without decimal.js. */
export function toNano(amount: DecimalInput): bigint {
  if (typeof amount === 'string') {
    const x = PLAIN_AMOUNT.exec(amount);
    if (x) {
      const frac = x[2] ?? '';
      const n = BigInt(x[1]! + frac.slice(0, 9).padEnd(9, '0'));
      return /[1-9]/.test(frac.slice(9)) ? n + 1n : n;
    }
  }
  return BigInt(dec(amount).times(NANO).ceil().toFixed());
}

export function nanoToDecimalString(n: bigint): string {
  return new Decimal(n.toString()).div(NANO).toFixed();
}

export function monthKey(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

interface Entry {
  spent: bigint;
  reserved: bigint;
  settledTotal: bigint;
  seededAt: number;
  seeding: Promise<void> | null;
}

const RESERVE_LUA = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local rid = ARGV[3]
local amount = tonumber(ARGV[4])
local n = #KEYS / 3
for i = 1, n do
  local h, z, a = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for _, m in ipairs(expired) do
    local amt = tonumber(redis.call('HGET', a, m) or '0')
    redis.call('HINCRBY', h, 'reserved', -amt)
    redis.call('HDEL', a, m)
  end
  if #expired > 0 then redis.call('ZREMRANGEBYSCORE', z, '-inf', now) end
  if redis.call('HEXISTS', h, 'spent') == 0 then return {-1, i} end
  local spent = tonumber(redis.call('HGET', h, 'spent'))
  local reserved = tonumber(redis.call('HGET', h, 'reserved') or '0')
  local cap = tonumber(ARGV[4 + i])
  if spent + reserved + amount > cap then return {0, i} end
end
for i = 1, n do
  local h, z, a = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  redis.call('HINCRBY', h, 'reserved', amount)
  redis.call('ZADD', z, now + ttl, rid)
  redis.call('HSET', a, rid, amount)
  redis.call('PEXPIRE', h, 3456000000)
  redis.call('PEXPIRE', z, 3456000000)
  redis.call('PEXPIRE', a, 3456000000)
end
return {1, 0}
`;

const SETTLE_LUA = `
local rid = ARGV[1]
local actual = ARGV[2]
local n = #KEYS / 3
local out = {}
for i = 1, n do
  local h, z, a = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local amt = redis.call('HGET', a, rid)
  if amt then
    redis.call('HINCRBY', h, 'reserved', -tonumber(amt))
    redis.call('HDEL', a, rid)
    redis.call('ZREM', z, rid)
  end
  if redis.call('HEXISTS', h, 'spent') == 1 then
    out[i] = redis.call('HINCRBY', h, 'spent', actual)
  else
    out[i] = -1
  end
end
return out
`;

type RedisWithBudget = Redis & {
  radiantBudgetReserve(...args: Array<string | number>): Promise<[number, number]>;
  radiantBudgetSettle(...args: Array<string | number>): Promise<number[]>;
};

/**
 * Told after a settle moved a scope's spend of `month` from `before` to `after` (nano-dollars),
 * as the ledger saw it: with Redis the shared, atomic figure (so exactly one request of all
 * instances crosses a threshold); in process this instance's view.
 */
export type SpendListener = (scope: BudgetScope, month: string, beforeNano: bigint, afterNano: bigint) => void;

export class BudgetLedger {
  private readonly entries = new Map<string, Entry>();
  private readonly redis: RedisWithBudget | null;

  constructor(
    private readonly sources: BudgetSources,
    redis: Redis | null = null,
    private readonly prefix = 'radiant:',
    private readonly onSpend?: SpendListener,
  ) {
    if (redis) {
      const r = redis as unknown as Partial<RedisWithBudget>;
      if (!r.radiantBudgetReserve) redis.defineCommand('radiantBudgetReserve', { lua: RESERVE_LUA });
      if (!r.radiantBudgetSettle) redis.defineCommand('radiantBudgetSettle', { lua: SETTLE_LUA });
    }
    this.redis = (redis as RedisWithBudget | null) ?? null;
  }

  /** Reserve `amountNano` on every scope or throw BudgetExceededError (429 insufficient_quota). */
  async reserve(scopes: BudgetScope[], amountNano: bigint, requestId: string, now = new Date()): Promise<Reservation> {
    const month = monthKey(now);
    if (this.redis) {
      try {
        return await this.reserveRedis(scopes, amountNano, requestId, now, month);
      } catch (err) {
        if (err instanceof BudgetExceededError) throw err;
        gatewayLog.warn({ err: String(err) }, 'redis budget ledger unavailable; using the in-process ledger');
      }
    }
    await Promise.all(scopes.map((s) => this.ensureSeeded(s, month, now)));
    // Check and reserve with no await in between: atomic within this process.
    for (const s of scopes) {
      const e = this.entries.get(`${s.id}:${month}`)!;
      if (e.spent + e.reserved + amountNano > s.capNano) throw exceeded(s);
    }
    for (const s of scopes) this.entries.get(`${s.id}:${month}`)!.reserved += amountNano;
    return { scopes, amountNano, requestId, month, redis: false };
  }

  /** Replace the reservation by the actual price (0 for failed requests). */
  settle(r: Reservation, actualNano: bigint): void {
    if (r.redis && this.redis) {
      const keys = r.scopes.flatMap((s) => this.redisKeys(s, r.month));
      this.redis
        .radiantBudgetSettle(keys.length, ...keys, r.requestId, actualNano.toString())
        .then((after) => {
          if (!this.onSpend || actualNano <= 0n) return;
          r.scopes.forEach((s, i) => {
            const a = Number(after?.[i] ?? -1);
            if (a >= 0) this.tell(s, r.month, BigInt(a) - actualNano, BigInt(a));
          });
        })
        .catch((err: unknown) => {
          gatewayLog.warn({ err: String(err) }, 'redis budget settle failed');
        });
      return;
    }
    for (const s of r.scopes) {
      const e = this.entries.get(`${s.id}:${r.month}`);
      if (!e) continue;
      e.reserved -= r.amountNano;
      if (e.reserved < 0n) e.reserved = 0n;
      const before = e.spent;
      e.spent += actualNano;
      e.settledTotal += actualNano;
      if (actualNano > 0n) this.tell(s, r.month, before, e.spent);
    }
  }

  /**
   * Move spend by `deltaNano` (may be negative) in the month of `at`, without a reservation: a
   * long-running job's hold, counted as spend from its creation, replaced by its final price
   * (lib/gateway/jobs/money.ts). A scope this instance has not seeded is left alone: its seed
   * reads the database, which already holds the new figure.
   */
  adjust(scopes: BudgetScope[], deltaNano: bigint, at: Date, requestId: string): void {
    if (deltaNano === 0n || scopes.length === 0) return;
    this.settle({ scopes, amountNano: 0n, requestId, month: monthKey(at), redis: this.redis !== null }, deltaNano);
  }

  private tell(s: BudgetScope, month: string, before: bigint, after: bigint): void {
    if (!this.onSpend) return;
    try {
      this.onSpend(s, month, before, after);
    } catch (err) {
      gatewayLog.warn({ err: String(err) }, 'budget spend listener failed');
    }
  }

  /** Spent and reserved of a scope this month as this instance sees it (for tests and views). */
  snapshot(scopeId: string, at = new Date()): { spent: bigint; reserved: bigint } | null {
    const e = this.entries.get(`${scopeId}:${monthKey(at)}`);
    return e ? { spent: e.spent, reserved: e.reserved } : null;
  }

  /** Forget a scope (e.g. a cap changed) so it is re-seeded from the database. */
  forget(scopeId: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(`${scopeId}:`)) this.entries.delete(k);
  }

  private redisKeys(s: BudgetScope, month: string): string[] {
    const base = `${this.prefix}budget:${s.id}:${month}`;
    return [base, `${base}:res`, `${base}:amt`];
  }

  private async reserveRedis(scopes: BudgetScope[], amountNano: bigint, requestId: string, now: Date, month: string): Promise<Reservation> {
    const redis = this.redis!;
    const keys = scopes.flatMap((s) => this.redisKeys(s, month));
    const args = [now.getTime(), RESERVATION_TTL_MS, requestId, amountNano.toString(), ...scopes.map((s) => s.capNano.toString())];
    for (let attempt = 0; attempt < 3; attempt++) {
      const [ok, idx] = await redis.radiantBudgetReserve(keys.length, ...keys, ...args);
      if (Number(ok) === 1) return { scopes, amountNano, requestId, month, redis: true };
      const scope = scopes[Number(idx) - 1]!;
      if (Number(ok) === 0) throw exceeded(scope);
      // -1: this scope's month is not in Redis yet: seed it from the database (first writer wins).
      const pending = this.sources.pendingSpent(scope);
      const spent = (await this.sources.loadSpent(scope, monthStart(now))) + pending;
      const h = this.redisKeys(scope, month)[0]!;
      await redis.hsetnx(h, 'spent', spent.toString());
    }
    throw new Error('budget ledger: could not seed Redis');
  }

  private ensureSeeded(s: BudgetScope, month: string, now: Date): Promise<void> | void {
    const key = `${s.id}:${month}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { spent: 0n, reserved: 0n, settledTotal: 0n, seededAt: 0, seeding: null };
      this.entries.set(key, e);
    }
    if (e.seededAt === 0) return (e.seeding ??= this.seed(s, e, now));
    if (Date.now() - e.seededAt > REFRESH_MS && !e.seeding) {
      // Background refresh: other instances' spend arrives through the database.
      e.seeding = this.seed(s, e, now).catch(() => {});
    }
  }

  private async seed(s: BudgetScope, e: Entry, now: Date): Promise<void> {
    const settledBefore = e.settledTotal;
    const pending = this.sources.pendingSpent(s);
    try {
      const fromDb = await this.sources.loadSpent(s, monthStart(now));
      // Events settled while the query ran are neither in `pending` nor (usually) in the database.
      e.spent = fromDb + pending + (e.settledTotal - settledBefore);
      e.seededAt = Date.now();
    } catch (err) {
      if (e.seededAt === 0) {
        e.seeding = null;
        throw err;
      }
    } finally {
      e.seeding = null;
    }
  }
}

function exceeded(s: BudgetScope): BudgetExceededError {
  const who = s.kind === 'tenant' ? 'your organization' : 'this API key';
  return new BudgetExceededError(
    `You exceeded your current quota: the monthly budget of $${s.cap} for ${who} is used up (or this request could exceed it). Raise the budget or wait for the next month.`,
    s.kind,
  );
}
