/**
 * Rate limiting: a sliding-window counter per limit key (the "sliding window log" approximated
 * with two fixed windows: estimate = previous x (1 - elapsed/window) + current), checked and
 * consumed for several limits at once, all or nothing. In-process by default; with Redis, one
 * atomic Lua script per request so several gateway instances enforce one limit.
 *
 * Limits applied per request (gateway.ts): the tenant tier's rpm/tpm (TIER_LIMITS), the key's
 * rpm/tpm, the tenant+model rpm/tpm (tenant_model_access) and routing rules of action rate_limit.
 * Tokens are consumed at admission as an estimate (prompt estimate + max_tokens) and corrected
 * with `adjust()` once the real usage is known.
 */
import type { Redis } from 'ioredis';
import { gatewayLog } from '../log';

export const WINDOW_MS = 60_000;

export interface LimitCheck {
  /** Unique limit key, e.g. "t:<tenant>:rpm". */
  key: string;
  kind: 'requests' | 'tokens';
  limit: number;
  cost: number;
}

export interface LimitState {
  check: LimitCheck;
  /** Usage estimate after this request (including its cost when allowed). */
  used: number;
  remaining: number;
  /** Seconds until the window has capacity for a request of this cost again / until full reset. */
  resetSeconds: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** The limit that refused (when !allowed). */
  violated?: LimitState;
  retryAfterSeconds: number;
  states: LimitState[];
  /** Window index the request was counted in (for adjust()). */
  windowIndex: number;
}

export interface Limiter {
  consume(checks: LimitCheck[], now?: number): Promise<LimitDecision>;
  /** Adds `delta` (may be negative) to a token counter in the window the request was counted in. */
  adjust(key: string, windowIndex: number, delta: number): void;
  close?(): Promise<void>;
}

/** Seconds until `used + cost <= limit` under the sliding estimate (>= 1 when refused). */
export function waitSeconds(prev: number, cur: number, elapsed: number, limit: number, cost: number): number {
  const W = WINDOW_MS;
  // Within the current window, the previous window's weight decays linearly.
  if (cur + cost <= limit && prev > 0) {
    // need prev * (1 - (elapsed + t)/W) <= limit - cost - cur
    const room = limit - cost - cur;
    const t = W * (1 - room / prev) - elapsed;
    return Math.max(1, Math.ceil(t / 1000));
  }
  // Otherwise wait for the next window, where the current count becomes the decaying one.
  const toNext = W - elapsed;
  if (cost > limit) return Math.ceil(toNext / 1000) + 60;
  const s = cur > 0 ? W * (1 - (limit - cost) / cur) : 0;
  return Math.max(1, Math.ceil((toNext + Math.max(0, s)) / 1000));
}

function estimate(prev: number, cur: number, elapsed: number): number {
  return prev * (1 - elapsed / WINDOW_MS) + cur;
}

interface Counter {
  window: number;
  cur: number;
  prev: number;
}

export class InProcessLimiter implements Limiter {
  private readonly counters = new Map<string, Counter>();
  private lastSweep = Date.now();

  consume(checks: LimitCheck[], now = Date.now()): Promise<LimitDecision> {
    return Promise.resolve(this.consumeSync(checks, now));
  }

  consumeSync(checks: LimitCheck[], now = Date.now()): LimitDecision {
    const win = Math.floor(now / WINDOW_MS);
    const elapsed = now - win * WINDOW_MS;
    if (now - this.lastSweep > WINDOW_MS) this.sweep(win, now);
    const states: LimitState[] = [];
    let violated: LimitState | undefined;
    let retry = 0;
    const counters: Counter[] = [];
    for (const check of checks) {
      const c = this.counter(check.key, win);
      counters.push(c);
      const used = estimate(c.prev, c.cur, elapsed);
      if (used + check.cost > check.limit) {
        const wait = waitSeconds(c.prev, c.cur, elapsed, check.limit, check.cost);
        const st: LimitState = { check, used, remaining: Math.max(0, Math.floor(check.limit - used)), resetSeconds: wait };
        states.push(st);
        if (!violated || wait > retry) {
          violated = st;
          retry = wait;
        }
      } else {
        states.push({
          check,
          used: used + check.cost,
          remaining: Math.max(0, Math.floor(check.limit - used - check.cost)),
          resetSeconds: Math.max(1, Math.ceil((WINDOW_MS - elapsed) / 1000)),
        });
      }
    }
    if (violated) return { allowed: false, violated, retryAfterSeconds: retry, states, windowIndex: win };
    for (let i = 0; i < checks.length; i++) counters[i]!.cur += checks[i]!.cost;
    return { allowed: true, retryAfterSeconds: 0, states, windowIndex: win };
  }

  adjust(key: string, windowIndex: number, delta: number): void {
    const c = this.counters.get(key);
    if (!c || delta === 0) return;
    if (c.window === windowIndex) c.cur = Math.max(0, c.cur + delta);
    else if (c.window === windowIndex + 1) c.prev = Math.max(0, c.prev + delta);
  }

  private counter(key: string, win: number): Counter {
    let c = this.counters.get(key);
    if (!c) {
      c = { window: win, cur: 0, prev: 0 };
      this.counters.set(key, c);
    } else if (c.window !== win) {
      c.prev = c.window === win - 1 ? c.cur : 0;
      c.cur = 0;
      c.window = win;
    }
    return c;
  }

  private sweep(win: number, now: number): void {
    this.lastSweep = now;
    for (const [k, c] of this.counters) if (c.window < win - 1) this.counters.delete(k);
  }
}

/**
 * KEYS: for each check, the current and previous window counters (2 keys per check).
 * ARGV: elapsed ms, window ms, then limit and cost per check.
 * Returns { allowed(0|1), violatedIndex(1-based or 0), then prev, cur per check }.
 */
const CONSUME_LUA = `
local elapsed = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local n = #KEYS / 2
local out = {1, 0}
local ok = true
for i = 1, n do
  local cur = tonumber(redis.call('GET', KEYS[2*i-1]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[2*i]) or '0')
  local limit = tonumber(ARGV[2 + 2*i - 1])
  local cost = tonumber(ARGV[2 + 2*i])
  local used = prev * (1 - elapsed / window) + cur
  if ok and used + cost > limit then
    ok = false
    out[1] = 0
    out[2] = i
  end
  out[#out + 1] = tostring(prev)
  out[#out + 1] = tostring(cur)
end
if ok then
  for i = 1, n do
    local cost = tonumber(ARGV[2 + 2*i])
    if cost > 0 then
      redis.call('INCRBY', KEYS[2*i-1], cost)
      redis.call('PEXPIRE', KEYS[2*i-1], window * 2 + 1000)
    end
  end
end
return out
`;

type RedisWithLimit = Redis & {
  radiantLimit(...args: Array<string | number>): Promise<Array<number | string>>;
};

export class RedisLimiter implements Limiter {
  private readonly redis: RedisWithLimit;
  private readonly fallback = new InProcessLimiter();

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!(redis as unknown as Partial<RedisWithLimit>).radiantLimit) redis.defineCommand('radiantLimit', { lua: CONSUME_LUA });
    this.redis = redis as RedisWithLimit;
  }

  private key(k: string, win: number): string {
    return `${this.prefix}rl:${k}:${win}`;
  }

  async consume(checks: LimitCheck[], now = Date.now()): Promise<LimitDecision> {
    if (checks.length === 0) return { allowed: true, retryAfterSeconds: 0, states: [], windowIndex: Math.floor(now / WINDOW_MS) };
    const win = Math.floor(now / WINDOW_MS);
    const elapsed = now - win * WINDOW_MS;
    const keys: string[] = [];
    const argv: Array<string | number> = [elapsed, WINDOW_MS];
    for (const c of checks) {
      keys.push(this.key(c.key, win), this.key(c.key, win - 1));
      argv.push(c.limit, c.cost);
    }
    let res: Array<number | string>;
    try {
      res = await this.redis.radiantLimit(keys.length, ...keys, ...argv);
    } catch (err) {
      // Redis unavailable: enforce this instance's share in process rather than failing requests.
      gatewayLog.warn({ err: String(err) }, 'redis limiter unavailable; using in-process limits');
      return this.fallback.consumeSync(checks, now);
    }
    const allowed = Number(res[0]) === 1;
    const violatedIndex = Number(res[1]);
    const states: LimitState[] = [];
    let violated: LimitState | undefined;
    let retry = 0;
    checks.forEach((check, i) => {
      const prev = Number(res[2 + 2 * i]);
      const cur = Number(res[3 + 2 * i]);
      const used = estimate(prev, cur, elapsed);
      if (!allowed && violatedIndex === i + 1) {
        const wait = waitSeconds(prev, cur, elapsed, check.limit, check.cost);
        violated = { check, used, remaining: Math.max(0, Math.floor(check.limit - used)), resetSeconds: wait };
        retry = wait;
        states.push(violated);
      } else {
        const after = allowed ? used + check.cost : used;
        states.push({
          check,
          used: after,
          remaining: Math.max(0, Math.floor(check.limit - after)),
          resetSeconds: Math.max(1, Math.ceil((WINDOW_MS - elapsed) / 1000)),
        });
      }
    });
    return violated
      ? { allowed: false, violated, retryAfterSeconds: retry, states, windowIndex: win }
      : { allowed, retryAfterSeconds: 0, states, windowIndex: win };
  }

  adjust(key: string, windowIndex: number, delta: number): void {
    if (delta === 0) return;
    const k = this.key(key, windowIndex);
    this.redis
      .incrby(k, Math.round(delta))
      .then(() => this.redis.pexpire(k, WINDOW_MS * 2 + 1000))
      .catch(() => {});
  }
}

/** OpenAI's rate-limit headers for the most constrained request and token limits. */
export function rateLimitHeaders(states: LimitState[]): Record<string, string> {
  const h: Record<string, string> = {};
  let req: LimitState | undefined;
  let tok: LimitState | undefined;
  for (const s of states) {
    if (s.check.kind === 'requests') {
      if (!req || s.remaining < req.remaining) req = s;
    } else if (!tok || s.remaining < tok.remaining) tok = s;
  }
  if (req) {
    h['x-ratelimit-limit-requests'] = String(req.check.limit);
    h['x-ratelimit-remaining-requests'] = String(req.remaining);
    h['x-ratelimit-reset-requests'] = `${req.resetSeconds}s`;
  }
  if (tok) {
    h['x-ratelimit-limit-tokens'] = String(tok.check.limit);
    h['x-ratelimit-remaining-tokens'] = String(tok.remaining);
    h['x-ratelimit-reset-tokens'] = `${tok.resetSeconds}s`;
  }
  return h;
}
