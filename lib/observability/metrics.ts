/**
 * Prometheus metrics (prom-client): ONE registry per process, kept on globalThis so the Next.js
 * bundle (route handlers, /api/metrics) and the custom server's gateway fast path
 * (scripts/start.ts) record into and export the same series.
 *
 * Hot-path recording functions (recordGatewayRequest, recordUpstream, ...) are cheap: label
 * values are normalised to a bounded set (unknown models/providers -> "other", statuses -> a
 * three-digit code) and the labelled child is cached, so a call is a Map lookup plus an add.
 *
 * Business figures (revenue, cost, requests month to date) are NOT process counters: they are
 * read from the database at scrape time (./business-metrics.ts), so they survive restarts and
 * agree across instances. docs/operations.md lists every series.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CATALOG_MODELS, CATALOG_PROVIDERS } from '../catalog';

// ---- bounded label values ------------------------------------------------------------------

export const OTHER = 'other';
export const NONE = 'none';
const MAX_DYNAMIC_LABELS = 500;
const MAX_ROUTES = 200;

export const UPSTREAM_OUTCOMES = ['success', 'error', 'timeout', 'rate_limited', 'refused', 'cancelled', 'connection_error'] as const;
export type UpstreamOutcome = (typeof UPSTREAM_OUTCOMES)[number];
export const RATE_LIMIT_SCOPES = ['tenant', 'key', 'model', 'provider', 'rule', 'ip'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];
export const BUDGET_SCOPES = ['tenant', 'key'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

class LabelSet {
  private readonly allowed = new Set<string>();
  constructor(
    initial: Iterable<string>,
    private readonly max: number,
  ) {
    for (const v of initial) this.allowed.add(v);
  }
  add(values: Iterable<string>): void {
    for (const v of values) {
      if (this.allowed.size >= this.max) return;
      if (v && v.length <= 150) this.allowed.add(v);
    }
  }
  norm(v: string | null | undefined): string {
    if (v === null || v === undefined || v === '') return NONE;
    return this.allowed.has(v) ? v : OTHER;
  }
}

const ROUTE_RE = /^\/[A-Za-z0-9/_\-.:[\]{}]*$/;

class RouteSet {
  private readonly seen = new Set<string>();
  norm(route: string | null | undefined): string {
    if (!route) return NONE;
    if (this.seen.has(route)) return route;
    if (!ROUTE_RE.test(route) || route.length > 120 || this.seen.size >= MAX_ROUTES) return OTHER;
    this.seen.add(route);
    return route;
  }
}

function normStatus(status: number | string): string {
  const s = String(status);
  return /^[1-5]\d\d$/.test(s) ? s : OTHER;
}

function normEnum<T extends string>(v: string, allowed: readonly T[]): string {
  return (allowed as readonly string[]).includes(v) ? v : OTHER;
}

// ---- the metric set -----------------------------------------------------------------------------

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const FLUSH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RadiantMetrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'model' | 'provider' | 'status'>;
  httpDuration: Histogram<'route' | 'model' | 'provider'>;
  upstreamRequests: Counter<'provider' | 'model' | 'outcome'>;
  upstreamDuration: Histogram<'provider'>;
  rateLimited: Counter<'scope'>;
  budgetRejections: Counter<'scope'>;
  meteringQueueDepth: Gauge;
  meteringFlushDuration: Histogram;
  usageEventWriteFailures: Counter;
  notificationsCreated: Counter<'event'>;
  notificationDeliveries: Counter<'channel' | 'outcome'>;
  models: LabelSet;
  providers: LabelSet;
  routes: RouteSet;
  /** Functions reporting the metering queue depth (one per writer in this process). */
  queueProbes: Set<() => number>;
  /** Scrape-time collectors (business figures from the database, notification backlog). */
  collectors: Set<() => Promise<void>>;
  children: Map<string, { inc(n?: number): void } | { observe(v: number): void }>;
}

function create(): RadiantMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const queueProbes = new Set<() => number>();
  const m: RadiantMetrics = {
    registry,
    httpRequests: new Counter({
      name: 'radiant_http_requests_total',
      help: 'HTTP requests answered, by route template, model and provider (gateway calls) and HTTP status.',
      labelNames: ['route', 'model', 'provider', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'radiant_http_request_duration_seconds',
      help: 'Time to the last byte of the response, by route, model and provider (status is left out to bound cardinality; see radiant_http_requests_total).',
      labelNames: ['route', 'model', 'provider'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'radiant_upstream_requests_total',
      help: 'Attempts made to upstream providers, by provider, model and outcome.',
      labelNames: ['provider', 'model', 'outcome'] as const,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'radiant_upstream_duration_seconds',
      help: 'Latency of upstream provider attempts (to the end of the response or stream).',
      labelNames: ['provider'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    rateLimited: new Counter({
      name: 'radiant_rate_limited_total',
      help: 'Requests refused with 429 by a rate limit, by the scope of the limit.',
      labelNames: ['scope'] as const,
      registers,
    }),
    budgetRejections: new Counter({
      name: 'radiant_budget_rejections_total',
      help: 'Requests refused because a monthly budget is exhausted, by scope.',
      labelNames: ['scope'] as const,
      registers,
    }),
    meteringQueueDepth: new Gauge({
      name: 'radiant_metering_queue_depth',
      help: 'Usage events waiting in memory to be written to the database.',
      registers,
      collect() {
        let n = 0;
        for (const probe of queueProbes) {
          try {
            n += probe();
          } catch {
            /* a writer that went away */
          }
        }
        this.set(n);
      },
    }),
    meteringFlushDuration: new Histogram({
      name: 'radiant_metering_flush_duration_seconds',
      help: 'Duration of metering batch writes to the database.',
      buckets: FLUSH_BUCKETS,
      registers,
    }),
    usageEventWriteFailures: new Counter({
      name: 'radiant_usage_event_write_failures_total',
      help: 'Failed attempts to write usage events (the batch is retried; see docs/operations.md).',
      registers,
    }),
    notificationsCreated: new Counter({
      name: 'radiant_notifications_total',
      help: 'Notification events accepted by the notifier, by event.',
      labelNames: ['event'] as const,
      registers,
    }),
    notificationDeliveries: new Counter({
      name: 'radiant_notification_deliveries_total',
      help: 'Email/Slack delivery attempts, by channel and outcome (sent, retry, failed).',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    }),
    models: new LabelSet(
      CATALOG_MODELS.flatMap((mm) => [mm.name, mm.id]),
      CATALOG_MODELS.length * 2 + MAX_DYNAMIC_LABELS,
    ),
    providers: new LabelSet(
      CATALOG_PROVIDERS.map((p) => p.id),
      CATALOG_PROVIDERS.length + MAX_DYNAMIC_LABELS,
    ),
    routes: new RouteSet(),
    queueProbes,
    collectors: new Set(),
    children: new Map(),
  };
  return m;
}

const GLOBAL_KEY = Symbol.for('radiant.metrics');
type G = typeof globalThis & { [GLOBAL_KEY]?: RadiantMetrics };

export function getMetrics(): RadiantMetrics {
  const g = globalThis as G;
  g[GLOBAL_KEY] ??= create();
  return g[GLOBAL_KEY];
}

function counterChild(key: string, make: () => { inc(n?: number): void }): { inc(n?: number): void } {
  const m = getMetrics();
  let c = m.children.get(key) as { inc(n?: number): void } | undefined;
  if (!c) {
    c = make();
    m.children.set(key, c);
  }
  return c;
}

function histogramChild(key: string, make: () => { observe(v: number): void }): { observe(v: number): void } {
  const m = getMetrics();
  let c = m.children.get(key) as { observe(v: number): void } | undefined;
  if (!c) {
    c = make();
    m.children.set(key, c);
  }
  return c;
}

export interface RequestLabels {
  /** Route TEMPLATE, e.g. "/api/v1/chat/completions" or "/api/admin/approvals/[id]" — never a raw URL. */
  route: string;
  /** Catalog model name that served the request (not the client's raw string). */
  model?: string | null;
  provider?: string | null;
  status: number;
}

/** One finished HTTP request (gateway or any other route). */
export function recordGatewayRequest(labels: RequestLabels, seconds: number): void {
  const m = getMetrics();
  const route = m.routes.norm(labels.route);
  const model = m.models.norm(labels.model);
  const provider = m.providers.norm(labels.provider);
  const status = normStatus(labels.status);
  counterChild(`h\u0001${route}\u0001${model}\u0001${provider}\u0001${status}`, () => m.httpRequests.labels(route, model, provider, status)).inc();
  histogramChild(`d\u0001${route}\u0001${model}\u0001${provider}`, () => m.httpDuration.labels(route, model, provider)).observe(seconds);
}

/** Same as recordGatewayRequest, for routes that serve no model. */
export function recordHttpRequest(route: string, status: number, seconds: number): void {
  recordGatewayRequest({ route, status, model: null, provider: null }, seconds);
}

/** One attempt against an upstream provider (each retry and fallback is an attempt). */
export function recordUpstream(labels: { provider: string; model?: string | null; outcome: UpstreamOutcome }, seconds?: number): void {
  const m = getMetrics();
  const provider = m.providers.norm(labels.provider);
  const model = m.models.norm(labels.model);
  const outcome = normEnum(labels.outcome, UPSTREAM_OUTCOMES);
  counterChild(`u\u0001${provider}\u0001${model}\u0001${outcome}`, () => m.upstreamRequests.labels(provider, model, outcome)).inc();
  if (seconds !== undefined && Number.isFinite(seconds)) {
    histogramChild(`ud\u0001${provider}`, () => m.upstreamDuration.labels(provider)).observe(seconds);
  }
}

export function recordRateLimited(scope: RateLimitScope): void {
  const m = getMetrics();
  const s = normEnum(scope, RATE_LIMIT_SCOPES);
  counterChild(`rl\u0001${s}`, () => m.rateLimited.labels(s)).inc();
}

export function recordBudgetRejection(scope: BudgetScope): void {
  const m = getMetrics();
  const s = normEnum(scope, BUDGET_SCOPES);
  counterChild(`br\u0001${s}`, () => m.budgetRejections.labels(s)).inc();
}

/** Registers a function returning a metering writer's queue depth; returns an unregister. */
export function observeMeteringQueue(probe: () => number): () => void {
  const m = getMetrics();
  m.queueProbes.add(probe);
  return () => m.queueProbes.delete(probe);
}

export function recordMeteringFlush(seconds: number): void {
  getMetrics().meteringFlushDuration.observe(seconds);
}

export function recordUsageEventWriteFailure(count = 1): void {
  getMetrics().usageEventWriteFailures.inc(count);
}

export function recordNotificationCreated(event: string): void {
  const m = getMetrics();
  counterChild(`n\u0001${event}`, () => m.notificationsCreated.labels(event)).inc();
}

export function recordNotificationDelivery(channel: 'email' | 'slack', outcome: 'sent' | 'retry' | 'failed'): void {
  const m = getMetrics();
  counterChild(`nd\u0001${channel}\u0001${outcome}`, () => m.notificationDeliveries.labels(channel, outcome)).inc();
}

// ---- scrape ------------------------------------------------------------------------------------

/** Adds a scrape-time collector (run before every export); returns an unregister. */
export function addScrapeCollector(fn: () => Promise<void>): () => void {
  const m = getMetrics();
  m.collectors.add(fn);
  return () => m.collectors.delete(fn);
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The Prometheus text exposition of every series in this process. */
export async function renderMetrics(): Promise<string> {
  const m = getMetrics();
  await Promise.all([...m.collectors].map((fn) => fn().catch(() => {})));
  return m.registry.metrics();
}
