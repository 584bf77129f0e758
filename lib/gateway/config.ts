/**
 * Gateway options: everything tunable, with defaults from the environment. Tests pass their own
 * (short timeouts, a private env with fake-upstream base URLs, a Redis key prefix).
 */
import path from 'node:path';
import type { Db } from '../db/client';
import type { BudgetScope } from './limits/budget';

export interface GatewayOptions {
  /** Environment to read provider base URLs / credentials from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Database (default: the process handle from lib/db/client). */
  db?: () => Promise<Db>;
  /** Database used by the metering writer only (tests inject outages here). Default: `db`. */
  meteringDb?: () => Promise<Db>;
  /** Month-to-date spend of a budget scope in nano-dollars, which the budget ledger starts from.
   * Default: read from the database (usage events plus running jobs' reservations); stage tests,
   * which have no database, inject their own. */
  spentSoFar?: (scope: BudgetScope, monthStart: Date) => Promise<bigint>;
  /** Redis for limits, budgets, cooldowns, response cache and cache invalidation (default REDIS_URL). */
  redisUrl?: string | null;
  /** Prefix of every Redis key and channel (default "radiant:"). */
  redisKeyPrefix?: string;

  /** TTL of cached API keys (default 30 s); revocation also invalidates explicitly. */
  keyCacheTtlMs?: number;
  /** TTL of the catalog/markup/routing snapshot and tenant configs (default 30 s). */
  configTtlMs?: number;

  /** Time allowed for an upstream to send response headers / a whole non-streamed body (default 120 s). */
  upstreamTimeoutMs?: number;
  /** Longest pause between two chunks of a streamed upstream response (default 60 s). */
  streamIdleTimeoutMs?: number;
  /** Retries per model on 429/5xx/timeouts/connection errors (default 3). */
  maxRetries?: number;
  /** First backoff step (default 250 ms); doubles per retry with jitter, capped by maxBackoffMs. */
  retryBaseMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After honoured before moving to the next model instead (default 10 s). */
  maxRetryAfterMs?: number;
  /** Consecutive failures that put a provider in cooldown (default 3) and for how long (60 s). */
  cooldownFailures?: number;
  cooldownMs?: number;

  /** Metering: flush interval (250 ms), batch size (500), max events held in memory before
   * spilling to the journal (100 000), journal folder (RADIANT_DATA_DIR/metering-journal). */
  meteringFlushMs?: number;
  meteringBatchSize?: number;
  meteringMaxQueued?: number;
  meteringJournalDir?: string;

  /** Provider health / thermal state / key usage flush interval (default 5 s). */
  statsFlushMs?: number;

  /** Response cache default TTL (3600 s) and in-process size bound (64 MiB). */
  responseCacheTtlSeconds?: number;
  responseCacheMaxBytes?: number;

  /** Largest accepted request body (default 20 MiB). */
  maxBodyBytes?: number;
  /** Client headers forwarded to upstreams as-is (default none; tests forward x-fake-*). */
  forwardHeaders?: string[];
  /** Default output estimate (tokens) when the client sets no max_tokens (budget reservation). */
  defaultOutputEstimateTokens?: number;
  /** Most completions one chat request may ask for with `n` (default 8); more is a 400. */
  maxCompletionsPerRequest?: number;
  /** Failed API-key authentications allowed per client address and minute (default 30); past it
   * unknown keys are refused without a database lookup (429). */
  authFailuresPerMinute?: number;
}

export type ResolvedGatewayOptions = Required<Omit<GatewayOptions, 'db' | 'meteringDb' | 'redisUrl' | 'spentSoFar'>> & {
  db: (() => Promise<Db>) | null;
  meteringDb: (() => Promise<Db>) | null;
  spentSoFar: ((scope: BudgetScope, monthStart: Date) => Promise<bigint>) | null;
  redisUrl: string | null;
};

function num(v: string | undefined, dflt: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}

export function resolveOptions(o: GatewayOptions = {}): ResolvedGatewayOptions {
  const env = o.env ?? process.env;
  const dataDir = path.resolve(env.RADIANT_DATA_DIR ?? '.radiant');
  return {
    env,
    db: o.db ?? null,
    meteringDb: o.meteringDb ?? null,
    spentSoFar: o.spentSoFar ?? null,
    redisUrl: o.redisUrl === undefined ? env.REDIS_URL || null : o.redisUrl,
    redisKeyPrefix: o.redisKeyPrefix ?? env.RADIANT_REDIS_PREFIX ?? 'radiant:',
    keyCacheTtlMs: o.keyCacheTtlMs ?? num(env.RADIANT_KEY_CACHE_TTL_MS, 30_000),
    configTtlMs: o.configTtlMs ?? num(env.RADIANT_CONFIG_TTL_MS, 30_000),
    upstreamTimeoutMs: o.upstreamTimeoutMs ?? num(env.RADIANT_UPSTREAM_TIMEOUT_MS, 120_000),
    streamIdleTimeoutMs: o.streamIdleTimeoutMs ?? num(env.RADIANT_STREAM_IDLE_TIMEOUT_MS, 60_000),
    maxRetries: o.maxRetries ?? num(env.RADIANT_MAX_RETRIES, 3),
    retryBaseMs: o.retryBaseMs ?? num(env.RADIANT_RETRY_BASE_MS, 250),
    maxBackoffMs: o.maxBackoffMs ?? 8_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? num(env.RADIANT_MAX_RETRY_AFTER_MS, 10_000),
    cooldownFailures: o.cooldownFailures ?? 3,
    cooldownMs: o.cooldownMs ?? num(env.RADIANT_COOLDOWN_MS, 60_000),
    meteringFlushMs: o.meteringFlushMs ?? num(env.RADIANT_METERING_FLUSH_MS, 250),
    meteringBatchSize: o.meteringBatchSize ?? 500,
    meteringMaxQueued: o.meteringMaxQueued ?? num(env.RADIANT_METERING_MAX_QUEUED, 100_000),
    meteringJournalDir: o.meteringJournalDir ?? path.join(dataDir, 'metering-journal'),
    statsFlushMs: o.statsFlushMs ?? 5_000,
    responseCacheTtlSeconds: o.responseCacheTtlSeconds ?? 3600,
    responseCacheMaxBytes: o.responseCacheMaxBytes ?? 64 * 1024 * 1024,
    maxBodyBytes: o.maxBodyBytes ?? 20 * 1024 * 1024,
    forwardHeaders: o.forwardHeaders ?? [],
    defaultOutputEstimateTokens: o.defaultOutputEstimateTokens ?? 1024,
    maxCompletionsPerRequest: o.maxCompletionsPerRequest ?? num(env.RADIANT_MAX_COMPLETIONS_PER_REQUEST, 8),
    authFailuresPerMinute: o.authFailuresPerMinute ?? num(env.RADIANT_AUTH_FAILURES_PER_MINUTE, 30),
  };
}
