/**
 * The gateway: one framework-free core behind both the Node fast path (custom server) and the
 * Next route handlers under app/api/v1. Per request, with no database round trip in the steady
 * state: authenticate (cached key), parse and validate, route (cached catalog, tenant config and
 * routing rules), rate-limit, reserve budget, call upstream with retries/fallbacks/cooldown,
 * answer (streamed or not), then queue metering (batched writer) and settle.
 *
 *   POST /api/v1/chat/completions (alias /api/v1/chat)   OpenAI chat completions, streaming too
 *   POST /api/v1/embeddings                              OpenAI embeddings
 *   GET  /api/v1/models, /api/v1/models/{model}          OpenAI model list + price-only pricing
 *   POST /api/v1/pricing/optimize                        price optimizer (price-only answer)
 *
 * See docs/gateway.md for headers, limits, budgets, routing and metering guarantees.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import { getDbHandle, queryRows, type Db } from '../db/client';
import { withPlatform } from '../db/tenant';
import { BudgetExceededError, ProviderNotConfiguredError, RateLimitedError, ValidationError, fromZodIssues, isAppError } from '../errors';
import { optimizePrice, optimizeRequestSchema, toClientOptimization, type OptimizerCandidate } from '../pricing/optimizer';
import { buildClientModelPricing, categoryAveragePrices, categoryKey, type ClientModelPricing } from '../pricing/views';
import { TIER_LIMITS, type TenantTier } from '../pricing/volume';
import { priceUsage } from '../pricing/price';
import { Decimal } from '../pricing/money';
import { chatCompletionRequestSchema, embeddingRequestSchema } from './adapters/openai-types';
import { authenticate, KeyCache, requireScope, type KeyRecord } from './auth';
import { resolveOptions, type GatewayOptions, type ResolvedGatewayOptions } from './config';
import { GatewayError, TranslatedUpstreamError, toOpenAIError } from './errors';
import { KeyUsageTracker, ThermalTracker } from './thermal';
import { ProviderHealthTracker } from './health';
import { notifyBudgetSpend, notifyProviderCooldown, notifyProviderUnhealthy } from '../notifications/hooks';
import { nodeRequest, nodeSink } from './http/node';
import { sendJson, type GatewayRequest, type ResponseSink } from './http/types';
import { webRequest, webSink } from './http/web';
import { beginIdempotent, completeIdempotent, requestHash, type StoredResponse } from './idempotency';
import { registry, type InvalidationTarget } from './invalidation';
import { BudgetLedger, monthStart, nanoToDecimalString, toNano, type BudgetScope, type Reservation } from './limits/budget';
import { InProcessLimiter, RedisLimiter, rateLimitHeaders, type LimitCheck, type Limiter, type LimitDecision } from './limits/limiter';
import { gatewayLog, logGatewayRequest } from './log';
import {
  observeMeteringQueue,
  recordBudgetRejection,
  recordGatewayRequest,
  recordMeteringFlush,
  recordRateLimited,
  recordUpstream,
  recordUsageEventWriteFailure,
  type RateLimitScope,
  type UpstreamOutcome,
} from '../observability/metrics';
import { MeteringWriter, priceOf, type PendingUsage, type UsageStatus } from './metering/writer';
import { resolveProviderEndpoint, type ProviderEndpoint, type SecretDecrypter } from './providers';
import { openRedis, type GatewayBroadcast, type RedisBundle } from './redis';
import { ResponseCache, responseCacheKey } from './response-cache';
import { planRoute, isPriced, servesEndpoint, type Endpoint, type RoutePlan } from './router';
import {
  type CatalogSnapshot,
  RefreshingValue,
  type TenantConfig,
  loadCatalogSnapshot,
  loadTenantConfig,
  type GatewayModel,
  type GatewayProvider,
} from './state';
import { estimatePromptTokens } from './tokens';
import { attemptComplete, attemptStream, isClientFault, type AttemptArgs, type CompleteAnswer, type StreamedAnswer, type TokenUsage } from './upstream/execute';

const JSON_CT = 'application/json';
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };

interface RequestCtx {
  requestId: string;
  start: number;
  req: GatewayRequest;
  sink: ResponseSink;
  /** Headers every answer of this request carries (request id, rate limits, model). */
  headers: Record<string, string>;
  /** For the access log and metrics. */
  route: string;
  tenantId: string | null;
  model: string | null;
  provider: string | null;
}

interface Trace {
  attempts: number;
  /** The model that answered, or the last one tried. */
  model: GatewayModel;
  /** Catalog id of the model the request fell back from (the plan's primary). */
  fallbackFrom: string | null;
  primary: GatewayModel;
  refusals: Array<{ model: GatewayModel; code: string | null; message: string }>;
}

/**
 * Records what was sent, for idempotent replays. A JSON answer is HELD until the record is stored
 * (so a client that retries right after the answer finds it, never "in progress"); a stream is
 * passed through as it goes, and only its end waits for the record.
 */
class RecordingSink implements ResponseSink {
  status = 0;
  headers: Record<string, string> = {};
  body = '';
  overflow = false;
  private held = false;
  private ended = false;
  constructor(private readonly inner: ResponseSink) {}
  get headersSent() {
    return this.held || this.inner.headersSent;
  }
  get statusCode() {
    return this.held ? this.status : this.inner.statusCode;
  }
  get closed() {
    return this.inner.closed;
  }
  start(status: number, headers: Record<string, string>) {
    this.status = status;
    this.headers = headers;
    if (headers['content-type']?.startsWith('text/event-stream')) this.inner.start(status, headers);
    else this.held = true;
  }
  write(chunk: string | Uint8Array) {
    this.capture(chunk);
    return this.held ? true : this.inner.write(chunk);
  }
  drain() {
    return this.held ? Promise.resolve() : this.inner.drain();
  }
  end(chunk?: string | Uint8Array) {
    if (chunk !== undefined) this.capture(chunk);
    this.ended = true;
    if (!this.held && chunk !== undefined) this.inner.write(chunk);
  }
  /** Sends a held answer / ends a passed-through stream. */
  release() {
    if (this.held) {
      this.held = false;
      this.inner.start(this.status, this.headers);
      this.inner.end(this.ended ? this.body : undefined);
    } else if (this.inner.headersSent) this.inner.end();
  }
  private capture(chunk: string | Uint8Array) {
    if (this.overflow) return;
    const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (this.body.length + s.length > 4 * 1024 * 1024) this.overflow = true;
    else this.body += s;
  }
}

export interface GatewayStats {
  metering: MeteringWriter['stats'];
  meteringQueueDepth: number;
}

export class Gateway implements InvalidationTarget {
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
        loadSpent: (scope, since) => this.loadSpent(scope, since),
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
        this.decrypt = await loadDecrypter();
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

  /** Flushes metering and stats and releases connections (SIGTERM). */
  async shutdown(deadlineMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    registry().delete(this);
    this.unobserveQueue();
    if (this.statsTimer) clearInterval(this.statsTimer);
    // Let requests in flight finish (bounded) so their usage is metered.
    const until = Date.now() + Math.min(deadlineMs, 5000);
    while (this.inflight.size > 0 && Date.now() < until) await Promise.race([...this.inflight, sleep(50)]).catch(() => {});
    await this.writer.stop(Math.max(1000, until + deadlineMs - Date.now()));
    await this.flushStats().catch(() => {});
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
        this.tenantConfigs.get(msg.tenantId)?.invalidate().catch(() => {});
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

  private async snapshot(): Promise<CatalogSnapshot> {
    const v = this.catalog.get();
    return v instanceof Promise ? await v : v;
  }

  private async tenantConfig(tenantId: string): Promise<TenantConfig> {
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

  private endpoint(p: GatewayProvider, snap: CatalogSnapshot): ProviderEndpoint {
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

  private available(m: GatewayModel, snap: CatalogSnapshot): boolean {
    const p = snap.providers.get(m.providerId);
    if (!p) return false;
    try {
      this.endpoint(p, snap);
    } catch {
      return false;
    }
    return this.health.cooldownRemaining(p.id) === 0;
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
    const ctx: RequestCtx = { requestId: newRequestId(), start: Date.now(), req, sink, headers: {}, route: routeOf(req.path), tenantId: null, model: null, provider: null };
    ctx.headers['x-request-id'] = ctx.requestId;
    const p = this.dispatch(ctx).catch((err: unknown) => this.respondError(ctx, err));
    this.inflight.add(p);
    try {
      await p;
    } finally {
      this.inflight.delete(p);
      const status = ctx.req.signal.aborted && !ctx.sink.headersSent ? 499 : ctx.sink.statusCode || 500;
      const ms = Date.now() - ctx.start;
      recordGatewayRequest({ route: ctx.route, model: ctx.model, provider: ctx.provider, status }, ms / 1000);
      logGatewayRequest({ requestId: ctx.requestId, tenantId: ctx.tenantId, route: ctx.route, method: req.method, status, latencyMs: ms, model: ctx.model, provider: ctx.provider });
    }
  }

  private async dispatch(ctx: RequestCtx): Promise<void> {
    if (this.readyPromise === null) await this.ready();
    const { method, path } = ctx.req;
    const route = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    if (route === '/api/v1/chat/completions' || route === '/api/v1/chat') return this.onlyPost(ctx, () => this.completion(ctx, 'chat'));
    if (route === '/api/v1/embeddings') return this.onlyPost(ctx, () => this.completion(ctx, 'embeddings'));
    if (route === '/api/v1/models') return this.onlyGet(ctx, () => this.listModels(ctx, null));
    if (route.startsWith('/api/v1/models/')) return this.onlyGet(ctx, () => this.listModels(ctx, decodeURIComponent(route.slice('/api/v1/models/'.length))));
    if (route === '/api/v1/pricing/optimize') return this.onlyPost(ctx, () => this.optimize(ctx));
    throw new GatewayError(404, 'unknown_url', `Unknown request URL: ${method} ${path}.`);
  }

  private onlyPost(ctx: RequestCtx, fn: () => Promise<void>): Promise<void> {
    if (ctx.req.method !== 'POST') throw new GatewayError(405, 'method_not_allowed', `Method ${ctx.req.method} is not allowed on ${ctx.req.path}; use POST.`, { headers: { allow: 'POST' } });
    return fn();
  }

  private onlyGet(ctx: RequestCtx, fn: () => Promise<void>): Promise<void> {
    if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') throw new GatewayError(405, 'method_not_allowed', `Method ${ctx.req.method} is not allowed on ${ctx.req.path}; use GET.`, { headers: { allow: 'GET' } });
    return fn();
  }

  private respondError(ctx: RequestCtx, err: unknown): void {
    const m = toOpenAIError(err, ctx.requestId);
    if (ctx.sink.headersSent) {
      if (!ctx.sink.closed) ctx.sink.end();
      return;
    }
    sendJson(ctx.sink, m.status, { ...ctx.headers, ...m.headers }, JSON.stringify(m.body));
  }

  private parseJson(raw: Buffer): unknown {
    if (raw.length === 0) throw new GatewayError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new GatewayError(400, 'invalid_json', 'We could not parse the JSON body of your request. Send valid JSON (Content-Type: application/json).');
    }
  }

  // ------------------------------------------------------------------------------------------
  // Chat completions and embeddings
  // ------------------------------------------------------------------------------------------

  private async completion(ctx: RequestCtx, endpoint: Endpoint): Promise<void> {
    const o = this.options;
    // Metering could lose this request (journal down and the in-memory bound reached): refuse
    // rather than serve it unbilled (docs/gateway.md, "Metering").
    if (!this.writer.acceptingPaidRequests) {
      throw new GatewayError(503, 'service_unavailable', 'The gateway cannot record usage right now; retry shortly.', { headers: { 'retry-after': '5' } });
    }
    const key = await authenticate(this.keys, ctx.req, ctx.start);
    ctx.tenantId = key.tenantId;
    requireScope(key, endpoint === 'chat' ? 'chat' : 'embeddings');
    const raw = await ctx.req.readBody(o.maxBodyBytes);

    const idemKey = ctx.req.header('idempotency-key');
    if (idemKey) {
      const hash = requestHash('POST', endpoint === 'chat' ? '/api/v1/chat/completions' : '/api/v1/embeddings', raw);
      const out = await this.idempotencyBegin(key.tenantId, idemKey, hash, ctx.requestId);
      if (out.kind === 'replay') {
        const r = out.response;
        ctx.sink.start(r.status, { 'content-type': r.contentType, ...r.headers, 'x-request-id': out.requestId, 'idempotent-replayed': 'true' });
        ctx.sink.end(r.body);
        return;
      }
      const recorder = new RecordingSink(ctx.sink);
      const inner = ctx.sink;
      ctx.sink = recorder;
      try {
        await this.completionBody(ctx, endpoint, key, raw);
      } catch (err) {
        this.respondError(ctx, err);
      }
      ctx.sink = inner;
      // A response the client did not receive whole (or too big to keep) releases the key.
      const stored: StoredResponse = {
        status: recorder.overflow || ctx.req.signal.aborted ? 599 : recorder.status,
        contentType: recorder.headers['content-type'] ?? JSON_CT,
        headers: pick(recorder.headers, ['x-radiant-model', 'x-radiant-provider', 'x-radiant-cache', 'x-radiant-fallback-from']),
        body: recorder.body,
      };
      try {
        await completeIdempotent(await this.db(), key.tenantId, idemKey, stored);
      } catch (err) {
        gatewayLog.warn({ requestId: ctx.requestId, err: String(err) }, 'idempotent response not stored; the key stays in progress until it expires');
      }
      recorder.release();
      return;
    }
    await this.completionBody(ctx, endpoint, key, raw);
  }

  private async idempotencyBegin(tenantId: string, idemKey: string, hash: string, requestId: string) {
    try {
      return await beginIdempotent(await this.db(), tenantId, idemKey, hash, requestId);
    } catch (err) {
      if (isAppError(err)) throw err;
      throw new GatewayError(503, 'service_unavailable', 'Idempotency keys cannot be checked right now; retry shortly or send the request without Idempotency-Key.', { cause: err });
    }
  }

  private async completionBody(ctx: RequestCtx, endpoint: Endpoint, key: KeyRecord, raw: Buffer): Promise<void> {
    const o = this.options;
    const json = this.parseJson(raw);
    const parsed = (endpoint === 'chat' ? chatCompletionRequestSchema : embeddingRequestSchema).safeParse(json);
    if (!parsed.success) throw new ValidationError('Invalid request body', fromZodIssues(parsed.error.issues));
    const body = parsed.data as Record<string, unknown>;
    const stream = endpoint === 'chat' && body.stream === true;

    const [snap, tenant] = await Promise.all([this.snapshot(), this.tenantConfig(key.tenantId)]);
    const promptTokens = estimatePromptTokens(body);
    const plan = planRoute({
      endpoint,
      requested: String(body.model),
      body,
      tenant,
      tenantId: key.tenantId,
      snap,
      header: (n) => ctx.req.header(n),
      promptTokens,
      available: (m) => this.available(m, snap),
      thermal: (id) => this.thermal.state(id),
      now: ctx.start,
    });

    // ---- rate limits ----
    const maxOut = (body.max_completion_tokens ?? body.max_tokens) as number | null | undefined;
    const tokenCost = promptTokens + (typeof maxOut === 'number' && maxOut > 0 ? maxOut : 0);
    const checks = this.limitChecks(key, tenant, plan, tokenCost);
    const decision = await this.limiter.consume(checks, ctx.start);
    Object.assign(ctx.headers, rateLimitHeaders(decision.states));
    if (!decision.allowed) {
      const v = decision.violated!;
      recordRateLimited(limitScope(v.check.key));
      const what = v.check.kind === 'requests' ? 'requests' : 'tokens';
      throw new RateLimitedError(
        `Rate limit reached for ${what} per minute (limit ${v.check.limit}, used ${Math.floor(v.used)}). Retry after ${decision.retryAfterSeconds}s.`,
        decision.retryAfterSeconds,
        {},
      );
    }
    this.keyUsage.touch(key.keyId, ctx.start);

    // ---- response cache (non-streamed, tenant opt-in) ----
    let cacheKey: string | null = null;
    if (!stream && key.tenant.responseCacheEnabled && !/no-cache|no-store/i.test(ctx.req.header('cache-control') ?? '')) {
      cacheKey = responseCacheKey(key.tenantId, endpoint, plan.primary.id, body);
      const hit = await this.responseCache.get(cacheKey);
      if (hit) return this.serveCacheHit(ctx, endpoint, key, tenant, snap, plan, hit, decision, checks, body);
      ctx.headers['x-radiant-cache'] = 'miss';
    }

    // ---- budget reservation ----
    const scopes = budgetScopes(key);
    let reservation: Reservation | null = null;
    if (scopes.length > 0) {
      const estimate = this.estimatePrice(plan, tenant, snap, promptTokens, typeof maxOut === 'number' && maxOut > 0 ? maxOut : o.defaultOutputEstimateTokens, ctx.start);
      try {
        reservation = await this.budget.reserve(scopes, toNano(estimate), ctx.requestId, new Date(ctx.start));
      } catch (err) {
        if (err instanceof BudgetExceededError) {
          recordBudgetRejection(/this API key/.test(err.message) ? 'key' : 'tenant');
          this.adjustTokens(decision, checks, -tokenCost);
          throw err;
        }
        throw new GatewayError(503, 'service_unavailable', 'Spend limits cannot be checked right now; retry shortly.', { cause: err });
      }
    }

    // ---- upstream ----
    const trace: Trace = { attempts: 0, model: plan.primary, primary: plan.primary, fallbackFrom: null, refusals: [] };
    let outcome: CompleteAnswer | StreamedAnswer | null = null;
    let failure: unknown = null;
    try {
      outcome = await this.runChain(ctx, endpoint, plan, body, raw, stream, trace, snap);
    } catch (err) {
      failure = err;
    }

    // ---- answer (non-streamed) ----
    let status: UsageStatus;
    let httpStatus = 200;
    let errorCode: string | null = null;
    let usage: TokenUsage = { input: 0, cached: 0, output: 0, estimated: false };
    let ttfb: number | null = null;
    if (outcome?.kind === 'complete') {
      this.answerHeaders(ctx, trace);
      ctx.sink.start(200, { 'content-type': JSON_CT, ...ctx.headers });
      ctx.sink.end(outcome.body);
      ttfb = Date.now() - ctx.start;
      status = 'success';
      usage = outcome.usage;
      if (cacheKey) {
        this.responseCache.set(cacheKey, { body: outcome.body, modelId: trace.model.id, inputTokens: usage.input, cachedInputTokens: usage.cached, outputTokens: usage.output }, cacheTtl(key, o.responseCacheTtlSeconds));
      }
    } else if (outcome?.kind === 'stream') {
      status = outcome.status;
      usage = outcome.usage;
      ttfb = outcome.ttfbMs;
      errorCode = outcome.errorCode;
      httpStatus = 200;
    } else {
      status = ctx.req.signal.aborted ? 'cancelled' : 'error';
      const mapped = toOpenAIError(failure, ctx.requestId);
      httpStatus = mapped.status;
      errorCode = mapped.body.error.code ?? mapped.body.error.type;
      if (ctx.req.signal.aborted) errorCode = 'client_disconnected';
    }

    // ---- metering, settlement, logs (off the response path) ----
    const model = trace.model;
    ctx.model ??= model.name;
    ctx.provider ??= model.providerId;
    // A request that got no answer at all (error, or the client left before one) costs nothing.
    const answered = outcome !== null;
    const coldStart = answered && model.isSelfHosted ? this.coldStart(model.id, ctx.start) : false;
    const m = tenant.markupFor(model, snap, ctx.start);
    const event: PendingUsage = {
      kind: 'usage',
      requestId: ctx.requestId,
      tenantId: key.tenantId,
      userId: key.userId,
      apiKeyId: key.keyId,
      modelId: model.id,
      providerId: model.providerId,
      requestedModel: plan.requested,
      endpoint: endpoint === 'chat' ? 'chat.completions' : 'embeddings',
      usage: { inputTokens: usage.input, cachedInputTokens: usage.cached, outputTokens: usage.output, requests: 1, coldStart },
      cost: model.cost,
      markupPercent: m.markupPercent.toFixed(),
      markupSource: m.source,
      free: !answered,
      tokensEstimated: usage.estimated,
      cacheHit: false,
      latencyMs: Date.now() - ctx.start,
      ttfbMs: ttfb,
      status,
      httpStatus,
      errorCode,
      attemptCount: Math.max(1, trace.attempts),
      fallbackFrom: trace.fallbackFrom,
      metadata: {
        ...(coldStart ? { coldStart: true } : {}),
        ...(plan.auto ? { auto: true } : {}),
        ...(stream ? { stream: true } : {}),
        ...(trace.refusals.length ? { refusedBy: trace.refusals.map((r) => r.model.name) } : {}),
      },
      createdAt: ctx.start,
    };
    this.writer.enqueue(event);
    if (reservation) this.budget.settle(reservation, toNano(priceOf(event).price));
    this.adjustTokens(decision, checks, answered ? usage.input + usage.output - tokenCost : -tokenCost);
    for (const r of trace.refusals) {
      this.writer.enqueue({
        kind: 'rejection',
        tenantId: key.tenantId,
        requestId: ctx.requestId,
        apiKeyId: key.keyId,
        modelId: r.model.id,
        providerId: r.model.providerId,
        errorCode: r.code,
        message: r.message,
        fallbackModelId: trace.model.id !== r.model.id ? trace.model.id : null,
        fallbackSucceeded: trace.model.id !== r.model.id ? status === 'success' : null,
        createdAt: ctx.start,
      });
    }
    if (key.tenant.requestLoggingEnabled) {
      const responseBody =
        outcome?.kind === 'complete'
          ? outcome.parsed
          : outcome?.kind === 'stream'
            ? { stream: true, content: outcome.summary.content, finish_reason: outcome.summary.finishReason, status }
            : { error: toOpenAIError(failure, ctx.requestId).body.error };
      this.writer.enqueue({
        kind: 'log',
        tenantId: key.tenantId,
        requestId: ctx.requestId,
        apiKeyId: key.keyId,
        model: model.name,
        requestBody: body,
        responseBody,
        createdAt: ctx.start,
        expiresAt: ctx.start + tenant.requestLogRetentionDays * 86_400_000,
      });
    }
    if (failure !== null) throw failure;
  }

  private serveCacheHit(
    ctx: RequestCtx,
    endpoint: Endpoint,
    key: KeyRecord,
    tenant: TenantConfig,
    snap: CatalogSnapshot,
    plan: RoutePlan,
    hit: { body: string; modelId: string; inputTokens: number; cachedInputTokens: number; outputTokens: number },
    decision: LimitDecision,
    checks: LimitCheck[],
    body: Record<string, unknown>,
  ): void {
    const model = snap.byId.get(hit.modelId) ?? plan.primary;
    ctx.model = model.name;
    ctx.provider = model.providerId;
    ctx.headers['x-radiant-cache'] = 'hit';
    ctx.headers['x-radiant-model'] = model.name;
    ctx.headers['x-radiant-provider'] = model.providerId;
    ctx.sink.start(200, { 'content-type': JSON_CT, ...ctx.headers });
    ctx.sink.end(hit.body);
    const m = tenant.markupFor(model, snap, ctx.start);
    this.adjustTokens(decision, checks, -Number.MAX_SAFE_INTEGER);
    this.writer.enqueue({
      kind: 'usage',
      requestId: ctx.requestId,
      tenantId: key.tenantId,
      userId: key.userId,
      apiKeyId: key.keyId,
      modelId: model.id,
      providerId: model.providerId,
      requestedModel: plan.requested,
      endpoint: endpoint === 'chat' ? 'chat.completions' : 'embeddings',
      usage: { inputTokens: hit.inputTokens, cachedInputTokens: hit.cachedInputTokens, outputTokens: hit.outputTokens, requests: 1 },
      cost: model.cost,
      markupPercent: m.markupPercent.toFixed(),
      markupSource: m.source,
      free: true,
      tokensEstimated: false,
      cacheHit: true,
      latencyMs: Date.now() - ctx.start,
      ttfbMs: Date.now() - ctx.start,
      status: 'success',
      httpStatus: 200,
      errorCode: null,
      attemptCount: 0,
      fallbackFrom: null,
      metadata: { cacheHit: true },
      createdAt: ctx.start,
    });
    if (key.tenant.requestLoggingEnabled) {
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(hit.body);
      } catch {
        /* stored as sent */
      }
      this.writer.enqueue({
        kind: 'log',
        tenantId: key.tenantId,
        requestId: ctx.requestId,
        apiKeyId: key.keyId,
        model: model.name,
        requestBody: body,
        responseBody: parsed,
        createdAt: ctx.start,
        expiresAt: ctx.start + tenant.requestLogRetentionDays * 86_400_000,
      });
    }
  }

  private answerHeaders(ctx: RequestCtx, trace: Trace): void {
    ctx.model = trace.model.name;
    ctx.provider = trace.model.providerId;
    ctx.headers['x-radiant-model'] = trace.model.name;
    ctx.headers['x-radiant-provider'] = trace.model.providerId;
    if (trace.fallbackFrom) ctx.headers['x-radiant-fallback-from'] = trace.primary.name;
  }

  private coldStart(modelId: string, at: number): boolean {
    const before = this.thermal.touch(modelId, at);
    return before === 'OFF' || before === 'COLD';
  }

  private limitChecks(key: KeyRecord, tenant: TenantConfig, plan: RoutePlan, tokenCost: number): LimitCheck[] {
    const limits = tenantLimits(key);
    const t = key.tenantId;
    const checks: LimitCheck[] = [
      { key: `t:${t}:rpm`, kind: 'requests', limit: limits.rpm, cost: 1 },
      { key: `t:${t}:tpm`, kind: 'tokens', limit: limits.tpm, cost: tokenCost },
    ];
    if (key.rpm) checks.push({ key: `k:${key.keyId}:rpm`, kind: 'requests', limit: key.rpm, cost: 1 });
    if (key.tpm) checks.push({ key: `k:${key.keyId}:tpm`, kind: 'tokens', limit: key.tpm, cost: tokenCost });
    const access = tenant.access.get(plan.primary.id);
    if (access?.rpm) checks.push({ key: `tm:${t}:${plan.primary.id}:rpm`, kind: 'requests', limit: access.rpm, cost: 1 });
    if (access?.tpm) checks.push({ key: `tm:${t}:${plan.primary.id}:tpm`, kind: 'tokens', limit: access.tpm, cost: tokenCost });
    for (const r of plan.rateRules) checks.push({ key: `r:${r.id}:${t}:rpm`, kind: 'requests', limit: r.rateLimitRpm!, cost: 1 });
    return checks;
  }

  private adjustTokens(decision: LimitDecision, checks: LimitCheck[], delta: number): void {
    if (delta === 0) return;
    for (const c of checks) {
      if (c.kind !== 'tokens') continue;
      const d = delta === -Number.MAX_SAFE_INTEGER ? -c.cost : Math.max(-c.cost, delta);
      this.limiter.adjust(c.key, decision.windowIndex, d);
    }
  }

  /** Upper estimate of a request's price: every model of the chain, prompt + max output. */
  private estimatePrice(plan: RoutePlan, tenant: TenantConfig, snap: CatalogSnapshot, prompt: number, output: number, at: number): Decimal {
    let max = new Decimal(0);
    for (const m of plan.chain) {
      const cold = m.isSelfHosted && ['OFF', 'COLD'].includes(this.thermal.state(m.id, at));
      const p = priceUsage({
        cost: m.cost,
        usage: { inputTokens: Math.ceil(prompt * 1.1) + 16, outputTokens: output, requests: 1, coldStart: cold },
        markupPercent: tenant.markupFor(m, snap, at).markupPercent,
      }).price;
      if (p.greaterThan(max)) max = p;
    }
    return max;
  }

  private async loadSpent(scope: BudgetScope, since: Date): Promise<bigint> {
    const db = await this.db();
    const rows = await withPlatform(
      (tx) =>
        queryRows<{ total: string | number | null }>(
          tx,
          scope.kind === 'tenant'
            ? sql`SELECT coalesce(sum(price), 0)::text AS total FROM usage_events WHERE tenant_id = ${scope.tenantId} AND created_at >= ${since.toISOString()}`
            : sql`SELECT coalesce(sum(price), 0)::text AS total FROM usage_events WHERE api_key_id = ${scope.keyId} AND created_at >= ${since.toISOString()}`,
        ),
      db,
    );
    return toNano(String(rows[0]?.total ?? '0'));
  }

  /**
   * Tries the chain: each model with retries (exponential backoff with jitter, Retry-After
   * honoured up to maxRetryAfterMs) on retryable failures; a provider in cooldown is skipped;
   * a client error is returned at once; a content-policy refusal falls back only along a
   * routing rule's chain.
   */
  private async runChain(
    ctx: RequestCtx,
    endpoint: Endpoint,
    plan: RoutePlan,
    body: Record<string, unknown>,
    raw: Buffer,
    stream: boolean,
    trace: Trace,
    snap: CatalogSnapshot,
  ): Promise<CompleteAnswer | StreamedAnswer> {
    const o = this.options;
    let lastErr: unknown = null;
    let cooldownWait = 0;
    /** A refused answer kept in case every fallback fails. */
    let refused: { answer: CompleteAnswer; model: GatewayModel; fallbackFrom: string | null } | null = null;
    const forward: Record<string, string> = {};
    for (const h of o.forwardHeaders) {
      const v = ctx.req.header(h);
      if (v !== undefined) forward[h] = v;
    }
    for (let ci = 0; ci < plan.chain.length; ci++) {
      const model = plan.chain[ci]!;
      const provider = snap.providers.get(model.providerId)!;
      let ep: ProviderEndpoint;
      try {
        ep = this.endpoint(provider, snap);
      } catch (err) {
        lastErr = err;
        continue;
      }
      for (let retry = 0; ; retry++) {
        const cool = this.health.cooldownRemaining(provider.id);
        if (cool > 0) {
          cooldownWait = cooldownWait === 0 ? cool : Math.min(cooldownWait, cool);
          if (!(lastErr instanceof TranslatedUpstreamError)) lastErr = null;
          break;
        }
        if (ctx.req.signal.aborted) throw new GatewayError(499, 'client_disconnected', 'The client closed the connection.');
        trace.attempts++;
        trace.model = model;
        trace.fallbackFrom = ci > 0 ? plan.primary.id : null;
        const attemptStart = Date.now();
        const args: AttemptArgs = {
          endpoint,
          model,
          provider,
          ep,
          body,
          raw,
          requestId: ctx.requestId,
          signal: ctx.req.signal,
          timeoutMs: o.upstreamTimeoutMs,
          idleTimeoutMs: o.streamIdleTimeoutMs,
          forwardHeaders: forward,
        };
        try {
          const answer = stream
            ? await attemptStream(args, {
                sink: ctx.sink,
                startedAt: ctx.start,
                headers: () => {
                  this.answerHeaders(ctx, trace);
                  return { ...SSE_HEADERS, ...ctx.headers };
                },
              })
            : await attemptComplete(args);
          this.health.success(provider.id, Date.now() - attemptStart);
          recordUpstream({ provider: provider.id, model: model.name, outcome: answer.refusal ? 'refused' : answer.kind === 'stream' && answer.status === 'cancelled' ? 'cancelled' : 'success' }, (Date.now() - attemptStart) / 1000);
          if (answer.refusal) {
            trace.refusals.push({ model, code: 'content_filter', message: 'The provider refused to answer (content policy).' });
            // A refused non-streamed answer may fall back along a routing rule's chain.
            if (answer.kind === 'complete' && plan.chainFromRule && ci < plan.chain.length - 1) {
              refused ??= { answer, model, fallbackFrom: trace.fallbackFrom };
              lastErr = null;
              break;
            }
          }
          return answer;
        } catch (err) {
          recordUpstream({ provider: provider.id, model: model.name, outcome: upstreamOutcome(err, ctx.req.signal.aborted) }, (Date.now() - attemptStart) / 1000);
          if (ctx.req.signal.aborted) throw err;
          if (isClientFault(err)) throw err;
          if (!(err instanceof TranslatedUpstreamError)) throw err;
          lastErr = err;
          const kind = err.translated.kind;
          if (kind === 'content_policy') {
            trace.refusals.push({ model, code: err.translated.body.error.code, message: err.translated.body.error.message });
            if (plan.chainFromRule && ci < plan.chain.length - 1) break;
            throw err;
          }
          if (kind === 'authentication' || kind === 'permission' || err.translated.retryable) {
            this.health.failure(provider.id, `${kind}: HTTP ${err.translated.upstreamStatus}`);
          }
          if (!err.translated.retryable) break; // 401/403/404 upstream: next model
          if (retry >= o.maxRetries) break;
          if (this.health.cooldownRemaining(provider.id) > 0) continue; // loop head moves on
          let wait = Math.min(o.maxBackoffMs, o.retryBaseMs * 2 ** retry);
          wait = wait / 2 + Math.random() * (wait / 2); // jitter
          if (err.retryAfterMs !== null) {
            if (err.retryAfterMs > o.maxRetryAfterMs) break; // too long: try the next model instead
            wait = Math.max(wait, err.retryAfterMs);
          }
          await sleepAbortable(wait, ctx.req.signal);
        }
      }
    }
    if (refused) {
      trace.model = refused.model;
      trace.fallbackFrom = refused.fallbackFrom;
      return refused.answer;
    }
    if (lastErr) throw lastErr;
    if (cooldownWait > 0) {
      throw new GatewayError(503, 'provider_unavailable', 'The provider for this model is temporarily unavailable after repeated failures; retry shortly.', {
        type: 'api_error',
        headers: { 'retry-after': String(Math.max(1, Math.ceil(cooldownWait / 1000))) },
      });
    }
    throw new GatewayError(503, 'provider_unavailable', 'No provider could serve this request.', { type: 'api_error' });
  }

  // ------------------------------------------------------------------------------------------
  // Models and pricing
  // ------------------------------------------------------------------------------------------

  private async listModels(ctx: RequestCtx, one: string | null): Promise<void> {
    const key = await authenticate(this.keys, ctx.req, ctx.start);
    ctx.tenantId = key.tenantId;
    requireScope(key, 'models');
    const [snap, tenant] = await Promise.all([this.snapshot(), this.tenantConfig(key.tenantId)]);
    const list = this.modelsView(snap, tenant, ctx.start);
    if (one !== null) {
      const m = snap.find(one);
      const item = m ? list.find((x) => x.id === m.name) : undefined;
      if (!item) throw new GatewayError(404, 'model_not_found', `The model '${one}' does not exist or you do not have access to it.`, { param: 'model' });
      sendJson(ctx.sink, 200, ctx.headers, JSON.stringify(item));
      return;
    }
    sendJson(ctx.sink, 200, ctx.headers, JSON.stringify({ object: 'list', data: list }));
  }

  /** Price-only model list for a tenant, memoised per snapshot and tenant config (60 s). */
  private modelsView(snap: CatalogSnapshot, tenant: TenantConfig, at: number): ModelListItem[] {
    const memo = tenant.memo.get('models');
    if (memo && memo.version === snap.version && at < memo.until) return memo.value as ModelListItem[];
    const visible = snap.models.filter((m) => tenant.allows(m, snap) && isPriced(m));
    const entries = visible.map((m) => ({ model: m, markupPercent: tenant.markupFor(m, snap, at).markupPercent }));
    const averages = categoryAveragePrices(entries);
    const items: ModelListItem[] = entries.map((e) => ({
      id: e.model.name,
      object: 'model',
      created: releaseSeconds(e.model.releaseDate),
      owned_by: e.model.providerId,
      pricing: buildClientModelPricing({ model: e.model, markupPercent: e.markupPercent, categoryAveragePrice: averages.get(categoryKey(e.model)) ?? null }),
    }));
    tenant.memo.set('models', { version: snap.version, value: items, until: at + 60_000 });
    return items;
  }

  private async optimize(ctx: RequestCtx): Promise<void> {
    const key = await authenticate(this.keys, ctx.req, ctx.start);
    ctx.tenantId = key.tenantId;
    requireScope(key, 'models');
    const json = this.parseJson(await ctx.req.readBody(1024 * 1024));
    const parsed = optimizeRequestSchema.safeParse(json);
    if (!parsed.success) throw new ValidationError('Invalid optimization request', fromZodIssues(parsed.error.issues));
    const [snap, tenant] = await Promise.all([this.snapshot(), this.tenantConfig(key.tenantId)]);
    const candidates: OptimizerCandidate[] = snap.models
      .filter((m) => tenant.allows(m, snap) && isPriced(m) && servesEndpoint(m, snap, 'chat'))
      .map((m) => ({
        model: m,
        markupPercent: tenant.markupFor(m, snap, ctx.start).markupPercent,
        isAvailable: this.available(m, snap),
        isEstimated: m.costIsEstimated,
        thermalState: m.isSelfHosted ? this.thermal.state(m.id) : null,
      }));
    const result = optimizePrice(parsed.data, candidates);
    sendJson(ctx.sink, 200, ctx.headers, JSON.stringify(toClientOptimization(result)));
  }

  private background(p: Promise<unknown>): void {
    const q = p.catch((err: unknown) => gatewayLog.warn({ err: String(err) }, 'background task failed'));
    this.inflight.add(q);
    void q.finally(() => this.inflight.delete(q));
  }
}

export interface ModelListItem {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  pricing: ClientModelPricing;
}

/** The tenant's rpm/tpm: its tier's (TIER_LIMITS), unless tenants.settings.rateLimits sets a
 * contract-specific { rpm, tpm } (either may be given). */
export function tenantLimits(key: KeyRecord): { rpm: number; tpm: number } {
  const tier = TIER_LIMITS[(key.tenant.tier in TIER_LIMITS ? key.tenant.tier : 1) as TenantTier];
  const custom = key.tenant.settings.rateLimits as { rpm?: unknown; tpm?: unknown } | undefined;
  const pos = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : null);
  return { rpm: pos(custom?.rpm) ?? tier.rpm, tpm: pos(custom?.tpm) ?? tier.tpm };
}

const ROUTES = ['/api/v1/chat/completions', '/api/v1/chat', '/api/v1/embeddings', '/api/v1/models', '/api/v1/pricing/optimize'];

/** Route template for metrics and logs (bounded set). */
function routeOf(path: string): string {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (ROUTES.includes(p)) return p;
  if (p.startsWith('/api/v1/models/')) return '/api/v1/models/{model}';
  return '/api/v1/{unknown}';
}

function limitScope(key: string): RateLimitScope {
  return key.startsWith('t:') ? 'tenant' : key.startsWith('k:') ? 'key' : key.startsWith('tm:') ? 'model' : 'rule';
}

function upstreamOutcome(err: unknown, aborted: boolean): UpstreamOutcome {
  if (aborted) return 'cancelled';
  if (err instanceof TranslatedUpstreamError) {
    const k = err.translated.kind;
    if (k === 'rate_limit') return 'rate_limited';
    if (k === 'timeout') return 'timeout';
    if (k === 'content_policy') return 'refused';
    if (err.translated.upstreamStatus === 502 && /reach the upstream/.test(err.message)) return 'connection_error';
  }
  return 'error';
}

function budgetScopes(key: KeyRecord): BudgetScope[] {
  const scopes: BudgetScope[] = [];
  if (key.tenant.monthlyBudget !== null) {
    scopes.push({ id: `t:${key.tenantId}`, kind: 'tenant', tenantId: key.tenantId, keyId: null, capNano: toNano(key.tenant.monthlyBudget), cap: key.tenant.monthlyBudget });
  }
  if (key.monthlyBudget !== null) {
    scopes.push({ id: `k:${key.keyId}`, kind: 'key', tenantId: key.tenantId, keyId: key.keyId, capNano: toNano(key.monthlyBudget), cap: key.monthlyBudget });
  }
  return scopes;
}

function cacheTtl(key: KeyRecord, dflt: number): number {
  const v = key.tenant.settings.responseCacheTtlSeconds;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : dflt;
}

function releaseSeconds(date: string | null): number {
  if (!date) return 0;
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(t) ? Math.floor(t / 1000) : 0;
}

function pick(h: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) if (h[n] !== undefined) out[n] = h[n]!;
  return out;
}

export function newRequestId(): string {
  return `req_${crypto.randomUUID().replace(/-/g, '')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sleepAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Decrypts providers.encrypted_api_key (sealed with context "provider:<id>"); a key that does
 * not decrypt counts as missing (503 provider_not_configured), and is never logged. */
async function loadDecrypter(): Promise<SecretDecrypter> {
  const { decryptSecret } = await import('../governance/secret-box');
  return (sealed, providerId) => {
    try {
      return decryptSecret(sealed, `provider:${providerId}`);
    } catch {
      gatewayLog.warn({ providerId }, 'stored provider credential could not be decrypted');
      return null;
    }
  };
}

export { monthStart };
