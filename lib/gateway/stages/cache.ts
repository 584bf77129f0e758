/**
 * Stage: the tenant's exact-match response cache (opt-in, non-streamed answers only; clients
 * skip it with Cache-Control: no-cache / no-store). Policy and metering of hits:
 * lib/gateway/response-cache.ts and docs/gateway.md.
 */
import type { KeyRecord } from '../auth';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import { responseCacheKey, type CachedResponse } from '../response-cache';

export interface CacheLookup {
  /** Where to store the answer (null: this request does not use the cache). */
  key: string | null;
  hit: CachedResponse | null;
}

const NO_CACHE: CacheLookup = { key: null, hit: null };

export async function lookupCache(
  gw: GatewayServices,
  ctx: RequestContext,
  key: KeyRecord,
  endpoint: string,
  modelId: string,
  body: unknown,
  cacheable: boolean,
): Promise<CacheLookup> {
  if (!cacheable || !key.tenant.responseCacheEnabled || /no-cache|no-store/i.test(ctx.req.header('cache-control') ?? '')) return NO_CACHE;
  const cacheKey = responseCacheKey(key.tenantId, endpoint, modelId, body);
  const hit = await gw.responseCache.get(cacheKey);
  ctx.headers['x-radiant-cache'] = hit ? 'hit' : 'miss';
  return { key: cacheKey, hit };
}

export function storeInCache(gw: GatewayServices, key: KeyRecord, lookup: CacheLookup, value: CachedResponse): void {
  if (lookup.key) gw.responseCache.set(lookup.key, value, cacheTtl(key, gw.options.responseCacheTtlSeconds));
}

function cacheTtl(key: KeyRecord, dflt: number): number {
  const v = key.tenant.settings.responseCacheTtlSeconds;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : dflt;
}
