/**
 * Exact-match response cache (opt-in per tenant: tenants.response_cache_enabled).
 *
 * Key: SHA-256 of tenant id + endpoint + resolved model id + the request body as parsed and
 * re-serialised (model, messages and every parameter), for non-streamed requests only. Entries
 * never cross tenants. TTL: tenants.settings.responseCacheTtlSeconds, else 3600 s. Stored in
 * Redis when configured (shared by instances), else in an in-process LRU bounded in bytes.
 * Clients skip the cache with `Cache-Control: no-cache` (or no-store).
 *
 * Metering policy (docs/gateway.md): a hit is served without calling a provider, so it is
 * metered as its own usage event with cache_hit = true, the original token counts, and cost = 0
 * and price = 0 (the markup in force is still recorded). Hits count against the request rate
 * limit but not the token limit.
 */
import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { TtlLru } from './lru';

export interface CachedResponse {
  /** The JSON body as sent the first time. */
  body: string;
  modelId: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

export function responseCacheKey(tenantId: string, endpoint: string, modelId: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${tenantId}\n${endpoint}\n${modelId}\n${JSON.stringify(body)}`)
    .digest('hex');
}

export class ResponseCache {
  private readonly lru: TtlLru<CachedResponse>;

  constructor(
    private readonly redis: Redis | null,
    private readonly prefix: string,
    maxBytes: number,
  ) {
    this.lru = new TtlLru<CachedResponse>(100_000, maxBytes);
  }

  async get(key: string): Promise<CachedResponse | null> {
    if (this.redis) {
      try {
        const v = await this.redis.get(`${this.prefix}rc:${key}`);
        return v ? (JSON.parse(v) as CachedResponse) : null;
      } catch {
        return null;
      }
    }
    return this.lru.get(key) ?? null;
  }

  set(key: string, value: CachedResponse, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    if (this.redis) {
      this.redis.set(`${this.prefix}rc:${key}`, JSON.stringify(value), 'EX', ttlSeconds).catch(() => {});
      return;
    }
    this.lru.set(key, value, ttlSeconds * 1000, value.body.length * 2 + 200);
  }
}
