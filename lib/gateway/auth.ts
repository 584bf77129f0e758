/**
 * API-key authentication on the hot path without a database round trip per request:
 * SHA-256(key) -> key record (+ its tenant's status, tier, budget and opt-ins) in an in-memory
 * LRU with a short TTL (30 s). Revocation invalidates explicitly: in this process at once
 * (invalidateApiKey), in other instances through the Redis broadcast when REDIS_URL is set, and
 * otherwise within the TTL. Unknown keys are cached briefly too (5 s), so a flood of bad keys
 * does not become a flood of queries. If the database is unreachable, a stale entry is used
 * (for up to 10 minutes) rather than refusing known keys.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { apiKeys, tenants } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { GatewayError } from './errors';
import { hashApiKey } from './key-material';
import { TtlLru } from './lru';
import type { GatewayRequest } from './http/types';
import type { ApiKeyScope } from './keys';

export interface TenantInfo {
  id: string;
  status: string;
  tier: number;
  monthlyBudget: string | null;
  responseCacheEnabled: boolean;
  requestLoggingEnabled: boolean;
  settings: Record<string, unknown>;
  deleted: boolean;
}

export interface KeyRecord {
  keyId: string;
  hash: string;
  tenantId: string;
  userId: string | null;
  name: string;
  scopes: ReadonlySet<string>;
  rpm: number | null;
  tpm: number | null;
  monthlyBudget: string | null;
  status: string;
  expiresAt: number | null;
  tenant: TenantInfo;
}

const NEGATIVE_TTL_MS = 5_000;
const STALE_OK_MS = 10 * 60_000;

export async function loadKeyRecord(db: Db, hash: string): Promise<KeyRecord | null> {
  const rows = await withPlatform(
    (tx) =>
      tx
        .select({
          keyId: apiKeys.id,
          tenantId: apiKeys.tenantId,
          userId: apiKeys.userId,
          name: apiKeys.name,
          scopes: apiKeys.scopes,
          rpm: apiKeys.rateLimitRpm,
          tpm: apiKeys.rateLimitTpm,
          monthlyBudget: apiKeys.monthlyBudget,
          status: apiKeys.status,
          expiresAt: apiKeys.expiresAt,
          tStatus: tenants.status,
          tier: tenants.tier,
          tBudget: tenants.monthlyBudget,
          cache: tenants.responseCacheEnabled,
          logging: tenants.requestLoggingEnabled,
          settings: tenants.settings,
          deletedAt: tenants.deletedAt,
        })
        .from(apiKeys)
        .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
        .where(eq(apiKeys.keyHash, sql`${hash}`))
        .limit(1),
    db,
  );
  const r = rows[0];
  if (!r) return null;
  return {
    keyId: r.keyId,
    hash,
    tenantId: r.tenantId,
    userId: r.userId,
    name: r.name,
    scopes: new Set(r.scopes),
    rpm: r.rpm,
    tpm: r.tpm,
    monthlyBudget: r.monthlyBudget,
    status: r.status,
    expiresAt: r.expiresAt ? r.expiresAt.getTime() : null,
    tenant: {
      id: r.tenantId,
      status: r.tStatus,
      tier: r.tier,
      monthlyBudget: r.tBudget,
      responseCacheEnabled: r.cache,
      requestLoggingEnabled: r.logging,
      settings: (r.settings ?? {}) as Record<string, unknown>,
      deleted: r.deletedAt !== null,
    },
  };
}

export class KeyCache {
  private readonly lru = new TtlLru<KeyRecord | null>(50_000);
  private readonly inflight = new Map<string, Promise<KeyRecord | null>>();

  constructor(
    private readonly db: () => Promise<Db>,
    private readonly ttlMs: number,
  ) {}

  /** The cached answer for a key hash: a record, null (known unknown), or undefined (not cached:
   * a lookup would query the database). */
  cached(hash: string, now = Date.now()): KeyRecord | null | undefined {
    return this.lru.get(hash, now);
  }

  async lookup(hash: string, now = Date.now()): Promise<KeyRecord | null> {
    const fresh = this.lru.get(hash, now);
    if (fresh !== undefined) return fresh;
    let p = this.inflight.get(hash);
    if (!p) {
      p = this.load(hash).finally(() => this.inflight.delete(hash));
      this.inflight.set(hash, p);
    }
    return p;
  }

  private async load(hash: string): Promise<KeyRecord | null> {
    try {
      const rec = await loadKeyRecord(await this.db(), hash);
      this.lru.set(hash, rec, rec ? this.ttlMs : NEGATIVE_TTL_MS);
      return rec;
    } catch (err) {
      const stale = this.lru.peekEntry(hash);
      if (stale && stale.value && Date.now() - stale.expiresAt < STALE_OK_MS) return stale.value;
      throw new GatewayError(503, 'service_unavailable', 'The gateway cannot verify API keys right now; retry shortly.', { cause: err });
    }
  }

  invalidateHash(hash: string): void {
    this.lru.delete(hash);
  }

  invalidateTenant(tenantId: string): void {
    this.lru.deleteWhere((v) => v !== null && v.tenantId === tenantId);
  }

  clear(): void {
    this.lru.clear();
  }
}

/** The presented key: `Authorization: Bearer <key>` (OpenAI), or `x-api-key` / `api-key`. */
export function presentedKey(req: GatewayRequest): string | null {
  const auth = req.header('authorization');
  if (auth) {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return req.header('x-api-key') ?? req.header('api-key') ?? null;
}

/** Guards the database behind key lookups: asked before a key that is not cached is looked up
 * (may refuse), told when the lookup found no such key. */
export interface LookupGuard {
  admit(): Promise<void>;
  failed(): void;
}

export async function authenticate(cache: KeyCache, req: GatewayRequest, now = Date.now(), guard?: LookupGuard): Promise<KeyRecord> {
  const key = presentedKey(req);
  if (!key) {
    throw new GatewayError(
      401,
      'missing_api_key',
      "You didn't provide an API key. Provide it in the Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).",
      { type: 'invalid_request_error' },
    );
  }
  let rec: KeyRecord | null = null;
  if (key.length <= 200) {
    const hash = hashApiKey(key);
    const cached = cache.cached(hash, now);
    if (cached === undefined && guard) {
      await guard.admit();
      rec = await cache.lookup(hash, now);
      if (!rec) guard.failed();
    } else rec = cached === undefined ? await cache.lookup(hash, now) : cached;
  }
  if (!rec || rec.tenant.deleted) {
    throw new GatewayError(401, 'invalid_api_key', 'Incorrect API key provided. Create or look up your keys in the RADIANT portal.', {
      type: 'invalid_request_error',
    });
  }
  if (rec.status === 'revoked') throw new GatewayError(401, 'invalid_api_key', 'This API key has been revoked.', { type: 'invalid_request_error' });
  if (rec.status === 'expired' || (rec.expiresAt !== null && rec.expiresAt <= now)) {
    throw new GatewayError(401, 'invalid_api_key', 'This API key has expired.', { type: 'invalid_request_error' });
  }
  if (rec.tenant.status !== 'active') {
    throw new GatewayError(403, 'account_suspended', `This organization's account is ${rec.tenant.status}; API access is disabled.`, {
      type: 'permission_error',
    });
  }
  return rec;
}

export function requireScope(rec: KeyRecord, scope: ApiKeyScope): void {
  if (!rec.scopes.has(scope)) {
    throw new GatewayError(403, 'insufficient_scope', `This API key does not have the "${scope}" scope.`, { type: 'permission_error' });
  }
}
