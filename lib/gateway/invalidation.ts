/**
 * Cache invalidation across the gateway instances of this process (immediately) and of other
 * processes (Redis broadcast when REDIS_URL is set; otherwise their caches expire within the
 * TTL, 30 s by default). Called by the key service on revoke, and by admin code when a tenant's
 * status/tier/budget/model access or the catalog, markups or routing rules change.
 */
import type { GatewayBroadcast, RedisBundle } from './redis';
import { openRedis } from './redis';

export interface InvalidationTarget {
  readonly instanceId: string;
  applyBroadcast(msg: GatewayBroadcast): void;
  readonly redisBundle: RedisBundle | null;
}

const REGISTRY_KEY = Symbol.for('radiant.gateway.instances');
const PUBLISHER_KEY = Symbol.for('radiant.gateway.publisher');
type G = typeof globalThis & { [REGISTRY_KEY]?: Set<InvalidationTarget>; [PUBLISHER_KEY]?: RedisBundle };

export function registry(): Set<InvalidationTarget> {
  const g = globalThis as G;
  return (g[REGISTRY_KEY] ??= new Set());
}

function envPublisher(): RedisBundle | null {
  const url = process.env.REDIS_URL;
  if (!url) return null;
  const g = globalThis as G;
  return (g[PUBLISHER_KEY] ??= openRedis(url, process.env.RADIANT_REDIS_PREFIX ?? 'radiant:'));
}

export function broadcast(msg: GatewayBroadcast): void {
  const seen = new Set<string>();
  for (const gw of registry()) {
    gw.applyBroadcast(msg);
    const r = gw.redisBundle;
    if (r && !seen.has(r.prefix)) {
      seen.add(r.prefix);
      r.publish({ ...msg, origin: gw.instanceId });
    }
  }
  const env = envPublisher();
  if (env && !seen.has(env.prefix)) env.publish(msg);
}

/** An API key was revoked or changed (hash = SHA-256 of the key, api_keys.key_hash). */
export function invalidateApiKey(hash: string): void {
  broadcast({ type: 'key', hash });
}

/** A tenant's status, tier, budget, opt-ins, model access or tenant markups changed. */
export function invalidateTenant(tenantId: string): void {
  broadcast({ type: 'tenant', tenantId });
}

/** Models, providers, markup overrides or routing rules changed. */
export function invalidateCatalog(): void {
  broadcast({ type: 'catalog' });
}

export async function closeInvalidationPublisher(): Promise<void> {
  const g = globalThis as G;
  const p = g[PUBLISHER_KEY];
  delete g[PUBLISHER_KEY];
  if (p) await p.close();
}
