/**
 * The gateway: the process's shared state (cached keys, catalog and tenant configurations,
 * limiter, budget ledger, provider health, response cache, metering writer) and its lifecycle.
 * Requests run through pipeline/run.ts, which passes a request context through the stage modules
 * under stages/ as each endpoint under endpoints/ composes them. One framework-free core behind
 * both the Node fast path (custom server) and the Next route handlers under app/api/v1.
 *
 * See docs/gateway.md for headers, limits, budgets, routing and metering guarantees, and
 * docs/architecture.md for the pipeline.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import { getDbHandle, queryRows, type Db } from '../db/client';
import { withPlatform } from '../db/tenant';
import { ProviderNotConfiguredError } from '../errors';
import { notifyBudgetSpend, notifyProviderCooldown, notifyProviderUnhealthy } from '../notifications/hooks';
import { observeMeteringQueue, recordMeteringFlush, recordUsageEventWriteFailure } from '../observability/metrics';
import { KeyCache } from './auth';
import { resolveOptions, type GatewayOptions, type ResolvedGatewayOptions } from './config';
import { GatewayError, toOpenAIError } from './errors';
import { ProviderHealthTracker } from './health';
import { nodeRequest, nodeSink } from './http/node';
import { sendJson, type GatewayRequest, type ResponseSink } from './http/types';
import { webRequest, webSink } from './http/web';
import { registry, type InvalidationTarget } from './invalidation';
import { BudgetLedger, nanoToDecimalString, toNano, type BudgetScope } from './limits/budget';
import { InProcessLimiter, RedisLimiter, type Limiter } from './limits/limiter';
import { gatewayLog } from './log';
import { decryptSecret } from '../platform/secret-box';
import { endOpenStreams } from './upstream/open-streams';
import { MeteringWriter } from './metering/writer';
import { newRequestId } from './pipeline/context';
import { runRequest } from './pipeline/run';
import type { GatewayServices } from './pipeline/services';
import { resolveProviderEndpoint, type ProviderEndpoint, type SecretDecrypter } from './providers';
import { openRedis, type GatewayBroadcast, type RedisBundle } from './redis';
import { ResponseCache } from './response-cache';
import {
  loadCatalogSnapshot,
  loadTenantConfig,
  RefreshingValue,
  type CatalogSnapshot,
  type GatewayModel,
  type GatewayProvider,
  type TenantConfig,
} from './state';
import { KeyUsageTracker, ThermalTracker } from './thermal';

export interface GatewayStats {
  metering: MeteringWriter['stats'];
  meteringQueueDepth: number;
}

export class Gateway implements InvalidationTarget, GatewayServices {
  readonly instanceId = crypto.randomUUID();
  readonly options: ResolvedGatewayOptions;
  readonly redisBundle: RedisBundle | null;
  readonly keys: KeyCache;
  readonly limiter: Limiter;
  readonly budget: BudgetLedger;
  readonly health: ProviderHealthTracker;
  readonly thermal = new ThermalTracker();
  readonly keyUsage = new KeyUsageTracker();
  readonly writer: MeteringWriter;
  readonly responseCache: ResponseCache;
  private readonly catalog: RefreshingValue<CatalogSnapshot>;
  private readonly tenantConfigs = new Map<string, RefreshingValue<TenantConfig>>();
  private readonly endpoints = new Map<string, { version: number; value: ProviderEndpoint | ProviderNotConfiguredError }>();
  private catalogVersion = 0;
  private readyPromise: Promise<void> | null = null;
  private started = false;
  private statsTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private decrypt: SecretDecrypter | null = null;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly unobserveQueue: () => void;

  /** Node handler for the custom server's fast path. */
  readonly nodeHandler = (req: IncomingMessage, res: ServerResponse): Promise<void> => this.handle(nodeRequest(req, res), nodeSink(res));

  constructor(options: GatewayOptions = {}) {
    this.options = resolveOptions(options);
    const o = this.options;
    this.redisBundle = o.redisUrl ? openRedis(o.redisUrl, o.redisKeyPrefix) : null;
    const redis = this.redisBundle?.client ?? null;
    this.keys = new KeyCache(() => this.db(), o.keyCacheTtlMs);
    this.limiter = redis ? new RedisLimiter(redis, o.redisKeyPrefix) : new InProcessLimiter();
    this.writer = new MeteringWriter({
      db: () => this.meteringDb(),
      flushMs: o.meteringFlushMs,
      batchSize: o.meteringBatchSize,
      maxQueued: o.meteringMaxQueued,
      journalDir: o.meteringJournalDir,
      onFlush: (seconds) => recordMeteringFlush(seconds),
      onWriteFailure: (n) => n > 0 && recordUsageEventWriteFailure(n),
    });
    this.unobserveQueue = observeMeteringQueue(() => this.writer.depth);
    this.budget = new BudgetLedger(
      {
        loadSpent: o.spentSoFar ?? ((scope, since) => this.loadSpent(scope, since)),
        pendingSpent: (scope) =>
          this.writer.pendingSpend((u) => (scope.kind === 'tenant' ? u.tenantId === scope.tenantId : u.apiKeyId === scope.keyId), toNano),
      },
      redis,
      o.redisKeyPrefix,
      (scope, month, before, after) =>
        notifyBudgetSpend({
          tenantId: scope.tenantId,
          scope: scope.kind,
          apiKeyId: scope.keyId,
          period: month,
          cap: scope.cap,
          before: nanoToDecimalString(before),
          after: nanoToDecimalString(after),
        }),
    );
    this.health = new ProviderHealthTracker({
      failures: o.cooldownFailures,
      cooldownMs: o.cooldownMs,
      redis,
      prefix: o.redisKeyPrefix,
      broadcast: (providerId, until) => this.redisBundle?.publish({ type: 'cooldown', providerId, until, origin: this.instanceId }),
      onCooldown: notifyProviderCooldown,
      onUnhealthy: notifyProviderUnhealthy,
    });
    this.responseCache = new ResponseCache(redis, o.redisKeyPrefix, o.responseCacheMaxBytes);
    this.catalog = new RefreshingValue(
      async () => {
        const snap = await loadCatalogSnapshot(await this.db(), ++this.catalogVersion);
        this.thermal.seed(snap.models);
        return snap;
      },
      o.configTtlMs,
      'catalog',
    );
    registry().add(this);
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------

  /** Loads the catalog and starts the writer, the stats flusher and the Redis subscription.
   * Safe to call repeatedly; a failed start (database down) is retried by the next call. */
  ready(): Promise<void> {
    this.readyPromise ??= (async () => {
      if (!this.started) {
        this.started = true;
        this.decrypt = providerKeyDecrypter();
        this.writer.start();
        this.statsTimer = setInterval(() => void this.flushStats().catch(() => {}), this.options.statsFlushMs);
        this.statsTimer.unref();
        if (this.redisBundle) {
          await this.redisBundle.subscribe((m) => {
            if (m.origin !== this.instanceId) this.applyBroadcast(m);
          });
        }
      }
      await this.catalog.refresh();
    })().catch((err: unknown) => {
      this.readyPromise = null;
      throw err;
    });
    return this.readyPromise;
  }

  /** SIGTERM (docs/operations.md, "Stopping an instance"): requests in flight may finish until
   * the deadline minus a flush reserve; streams still open then are ended with a final event
   * (metered as partial); metering is flushed to the database until the deadline (what is left
   * stays in the journal); stats flushed; Redis closed. */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + deadlineMs;
    registry().delete(this);
    this.unobserveQueue();
    if (this.statsTimer) clearInterval(this.statsTimer);
    const reserve = Math.min(5000, Math.floor(deadlineMs * 0.3));
    const until = deadline - reserve;
    while (this.inflight.size > 0 && Date.now() < until) await Promise.race([...this.inflight, sleep(50)]).catch(() => {});
    if (this.inflight.size > 0) {
      const ended = endOpenStreams();
      gatewayLog.warn({ inflight: this.inflight.size, streamsEnded: ended }, 'shutdown deadline: ending open streams (metered as partial)');
      // Their usage is counted (tokenizer) and queued; the flush itself needs little time.
      const settle = deadline - Math.min(500, Math.floor(reserve / 2));
      while (this.inflight.size > 0 && Date.now() < settle) await Promise.race([...this.inflight, sleep(20)]).catch(() => {});
    }
    await this.writer.stop(Math.max(200, deadline - Date.now() - 200));
    await Promise.race([this.flushStats().catch(() => {}), sleep(Math.max(50, deadline - Date.now()))]);
    await this.redisBundle?.close();
  }

  async db(): Promise<Db> {
    return this.options.db ? this.options.db() : (await getDbHandle()).db;
  }

  private meteringDb(): Promise<Db> {
    return this.options.meteringDb ? this.options.meteringDb() : this.db();
  }

  /** Waits until every queued usage event is written (tests, shutdown). */
  async flushMetering(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.writer.depth > 0 || this.inflight.size > 0) {
      if (Date.now() > deadline) throw new Error(`metering not flushed within ${timeoutMs} ms (queued ${this.writer.depth})`);
      await Promise.race([...this.inflight, sleep(20)]).catch(() => {});
      await this.writer.tick();
      if (this.writer.depth > 0) await sleep(20);
    }
  }

  async flushStats(): Promise<void> {
    const db = await this.db();
    await Promise.allSettled([this.health.flush(db), this.thermal.flush(db), this.keyUsage.flush(db)]);
  }

  stats(): GatewayStats {
    return { metering: this.writer.stats, meteringQueueDepth: this.writer.depth };
  }

  // ------------------------------------------------------------------------------------------
  // Caches and invalidation
  // ------------------------------------------------------------------------------------------

  applyBroadcast(msg: GatewayBroadcast): void {
    switch (msg.type) {
      case 'key':
        this.keys.invalidateHash(msg.hash);
        break;
      case 'tenant':
        this.keys.invalidateTenant(msg.tenantId);
        this.tenantConfigs
          .get(msg.tenantId)
          ?.invalidate()
          .catch(() => {});
        this.budget.forget(`t:${msg.tenantId}`);
        break;
      case 'catalog':
        void this.catalog.invalidate().catch(() => {});
        for (const t of this.tenantConfigs.values()) void t.invalidate().catch(() => {});
        break;
      case 'cooldown':
        this.health.applyCooldown(msg.providerId, msg.until);
        break;
    }
  }

  /** Reloads catalog, markups and routing rules now (and every tenant config). */
  async reloadConfig(): Promise<void> {
    await this.catalog.invalidate();
    await Promise.all([...this.tenantConfigs.values()].map((t) => t.invalidate()));
  }

  async snapshot(): Promise<CatalogSnapshot> {
    const v = this.catalog.get();
    return v instanceof Promise ? await v : v;
  }

  async tenantConfig(tenantId: string): Promise<TenantConfig> {
    let rv = this.tenantConfigs.get(tenantId);
    if (!rv) {
      rv = new RefreshingValue(async () => loadTenantConfig(await this.db(), tenantId), this.options.configTtlMs, `tenant ${tenantId}`);
      this.tenantConfigs.set(tenantId, rv);
    }
    try {
      const v = rv.get();
      return v instanceof Promise ? await v : v;
    } catch (err) {
      throw new GatewayError(503, 'service_unavailable', 'The gateway cannot load this account’s configuration right now; retry shortly.', { cause: err });
    }
  }

  endpoint(p: GatewayProvider, snap: CatalogSnapshot): ProviderEndpoint {
    let e = this.endpoints.get(p.id);
    if (!e || e.version !== snap.version) {
      let value: ProviderEndpoint | ProviderNotConfiguredError;
      try {
        value = resolveProviderEndpoint(p, this.options.env, this.decrypt);
      } catch (err) {
        if (!(err instanceof ProviderNotConfiguredError)) throw err;
        value = err;
      }
      e = { version: snap.version, value };
      this.endpoints.set(p.id, e);
    }
    if (e.value instanceof ProviderNotConfiguredError) throw e.value;
    return e.value;
  }

  available(m: GatewayModel, snap: CatalogSnapshot): boolean {
    const p = snap.providers.get(m.providerId);
    if (!p) return false;
    try {
      this.endpoint(p, snap);
    } catch {
      return false;
    }
    return this.health.cooldownRemaining(p.id) === 0;
  }

  /** Month-to-date spend of a budget scope, from the ledger (the budget seeds from this). */
  private async loadSpent(scope: BudgetScope, since: Date): Promise<bigint> {
    const db = await this.db();
    const rows = await withPlatform(
      (tx) =>
        queryRows<{ total: string | number | null }>(
          tx,
          // Spend, plus the price held by video/3D jobs still running (lib/gateway/jobs/money.ts).
          scope.kind === 'tenant'
            ? sql`SELECT (coalesce((SELECT sum(price) FROM usage_events WHERE tenant_id = ${scope.tenantId} AND created_at >= ${since.toISOString()}), 0)
                + coalesce((SELECT sum(reserved_amount) FROM generation_jobs WHERE tenant_id = ${scope.tenantId} AND status IN ('queued', 'in_progress') AND created_at >= ${since.toISOString()}), 0))::text AS total`
            : sql`SELECT (coalesce((SELECT sum(price) FROM usage_events WHERE api_key_id = ${scope.keyId} AND created_at >= ${since.toISOString()}), 0)
                + coalesce((SELECT sum(reserved_amount) FROM generation_jobs WHERE api_key_id = ${scope.keyId} AND status IN ('queued', 'in_progress') AND created_at >= ${since.toISOString()}), 0))::text AS total`,
        ),
      db,
    );
    return toNano(String(rows[0]?.total ?? '0'));
  }

  // ------------------------------------------------------------------------------------------
  // HTTP entry points
  // ------------------------------------------------------------------------------------------

  /** Next route handlers: Web Request in, Web Response out (streams stay streams). */
  async handleWebRequest(request: Request): Promise<Response> {
    const ac = new AbortController();
    const sink = webSink(ac);
    void this.handle(webRequest(request, ac), sink);
    return sink.response;
  }

  async handle(req: GatewayRequest, sink: ResponseSink): Promise<void> {
    const p = (this.readyPromise === null ? this.ready().then(() => runRequest(this, req, sink)) : runRequest(this, req, sink)).catch((err: unknown) => {
      // Only a failed start gets here (runRequest answers everything else).
      const m = toOpenAIError(err, newRequestId());
      if (!sink.headersSent) sendJson(sink, m.status, m.headers, JSON.stringify(m.body));
    });
    this.inflight.add(p);
    try {
      await p;
    } finally {
      this.inflight.delete(p);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Decrypts providers.encrypted_api_key (sealed with context "provider:<id>"); a key that does
 * not decrypt counts as missing (503 provider_not_configured), and is never logged. */
function providerKeyDecrypter(): SecretDecrypter {
  return (sealed, providerId) => {
    try {
      return decryptSecret(sealed, `provider:${providerId}`);
    } catch {
      gatewayLog.warn({ providerId }, 'stored provider credential could not be decrypted');
      return null;
    }
  };
}
