/** What the gateway writes and reads: usage events (the metering ledger), routing rules,
 * provider health, rejections, idempotency and opt-in request logs. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, text, unique, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { exact, id, percent, timestamps, ts } from './_columns';
import { models, providers } from './catalog';
import { apiKeys, tenantId, users } from './tenancy';

export const USAGE_STATUSES = ['success', 'error', 'partial', 'cancelled'] as const;
export const ROUTING_ACTIONS = ['route', 'fallback', 'block', 'rate_limit'] as const;
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;

/**
 * One row per gateway request (idempotent by request_id). Cost, markup and price are
 * SNAPSHOTS taken when the request was made, so later catalog or markup changes never rewrite
 * history. Partitioning by month is described in docs/deploy.md.
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    modelId: varchar('model_id', { length: 100 })
      .notNull()
      .references(() => models.id),
    providerId: varchar('provider_id', { length: 50 })
      .notNull()
      .references(() => providers.id),
    /** What the client asked for (alias, "auto", or a model that fell back). */
    requestedModel: varchar('requested_model', { length: 150 }),
    endpoint: varchar('endpoint', { length: 50 }).notNull().default('chat.completions'),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    totalTokens: integer('total_tokens').generatedAlwaysAs(sql`input_tokens + output_tokens`),
    imageCount: integer('image_count').notNull().default(0),
    videoSeconds: numeric('video_seconds').notNull().default('0'),
    audioMinutes: numeric('audio_minutes').notNull().default('0'),
    characters: integer('characters').notNull().default(0),
    requestCount: integer('request_count').notNull().default(1),
    toolCalls: integer('tool_calls').notNull().default(0),
    isBatch: boolean('is_batch').notNull().default(false),
    /** COST to us, MARKUP in force and PRICE to the tenant, exact. */
    cost: exact('cost').notNull().default('0'),
    markupPercent: percent('markup_percent').notNull(),
    markupSource: varchar('markup_source', { length: 20 }).notNull(),
    price: exact('price').notNull().default('0'),
    /** Token counts came from our tokenizer because the provider sent no usage. */
    tokensEstimated: boolean('tokens_estimated').notNull().default(false),
    cacheHit: boolean('cache_hit').notNull().default(false),
    latencyMs: integer('latency_ms'),
    ttfbMs: integer('ttfb_ms'),
    status: varchar('status', { length: 20, enum: USAGE_STATUSES }).notNull().default('success'),
    httpStatus: integer('http_status'),
    errorCode: varchar('error_code', { length: 80 }),
    attemptCount: integer('attempt_count').notNull().default(1),
    fallbackFrom: varchar('fallback_from', { length: 100 }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** When the request happened (not when the row was written). */
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Set by the incremental rollup; late events have it null until folded in. */
    rolledUpAt: ts('rolled_up_at'),
    /** Accounting period (YYYY-MM) the event was booked to; a late event for a closed period
     * lands in the next open one with a reconciliation entry. */
    bookedPeriod: varchar('booked_period', { length: 7 }),
  },
  (t) => [
    uniqueIndex('uq_usage_request').on(t.requestId),
    index('idx_usage_tenant_time').on(t.tenantId, t.createdAt),
    index('idx_usage_model_time').on(t.modelId, t.createdAt),
    index('idx_usage_time').on(t.createdAt),
    index('idx_usage_unrolled')
      .on(t.createdAt)
      .where(sql`rolled_up_at IS NULL`),
  ],
);

/** Routing rules are platform configuration (admins edit them); tenant_id narrows a rule to one
 * tenant. Not tenant-owned data, so no tenant RLS: the gateway reads them on its system path. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: id(),
    tenantId: uuid('tenant_id'),
    name: varchar('name', { length: 100 }).notNull(),
    description: text('description'),
    priority: integer('priority').notNull().default(100),
    enabled: boolean('enabled').notNull().default(true),
    /** { tenantIds?, models?, categories?, capabilities? } — all given must match. */
    conditions: jsonb('conditions').$type<Record<string, unknown>>().notNull().default({}),
    action: varchar('action', { length: 20, enum: ROUTING_ACTIONS }).notNull(),
    targetProvider: varchar('target_provider', { length: 50 }),
    targetModel: varchar('target_model', { length: 100 }),
    fallbackModels: text('fallback_models').array(),
    /** For action = rate_limit. */
    rateLimitRpm: integer('rate_limit_rpm'),
    ...timestamps(),
  },
  (t) => [index('idx_routing_priority').on(t.enabled, t.priority)],
);

export const providerHealth = pgTable(
  'provider_health',
  {
    id: id(),
    providerId: varchar('provider_id', { length: 50 })
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    region: varchar('region', { length: 30 }).notNull().default('default'),
    status: varchar('status', { length: 20, enum: HEALTH_STATUSES }).notNull().default('unknown'),
    latencyMs: integer('latency_ms'),
    errorRate: numeric('error_rate', { precision: 5, scale: 2 }),
    successRate: numeric('success_rate', { precision: 5, scale: 2 }),
    requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
    errorCount: bigint('error_count', { mode: 'number' }).notNull().default(0),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    cooldownUntil: ts('cooldown_until'),
    lastCheckAt: ts('last_check_at').notNull().defaultNow(),
    lastSuccessAt: ts('last_success_at'),
    lastFailureAt: ts('last_failure_at'),
    lastError: text('last_error'),
    ...timestamps(),
  },
  (t) => [unique('uq_provider_region').on(t.providerId, t.region)],
);

/** A provider refused a request on content-policy grounds. Prompt text is NOT stored here. */
export const providerRejections = pgTable(
  'provider_rejections',
  {
    id: id(),
    tenantId: tenantId(),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    apiKeyId: uuid('api_key_id'),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    rejectionType: varchar('rejection_type', { length: 40 }).notNull().default('content_policy'),
    errorCode: varchar('error_code', { length: 80 }),
    message: text('message'),
    fallbackModelId: varchar('fallback_model_id', { length: 100 }),
    fallbackSucceeded: boolean('fallback_succeeded'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_rejections_tenant').on(t.tenantId, t.createdAt)],
);

/** Per model and day: platform-level statistics, no tenant data. */
export const modelRejectionStats = pgTable(
  'model_rejection_stats',
  {
    id: id(),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    day: date('day').notNull(),
    rejectionCount: integer('rejection_count').notNull().default(0),
    fallbackSuccessCount: integer('fallback_success_count').notNull().default(0),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [unique('uq_rejection_stats').on(t.modelId, t.day)],
);

export const userRejectionNotifications = pgTable(
  'user_rejection_notifications',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id'),
    apiKeyId: uuid('api_key_id'),
    rejectionId: uuid('rejection_id').references(() => providerRejections.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_rejection_notes_tenant').on(t.tenantId, t.createdAt)],
);

/** Client `Idempotency-Key` replays: the first response is kept for 24 h. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: id(),
    tenantId: tenantId(),
    key: varchar('key', { length: 255 }).notNull(),
    requestHash: varchar('request_hash', { length: 64 }).notNull(),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [unique('uq_idempotency').on(t.tenantId, t.key)],
);

/** Opt-in prompt/response logging (the seed's chat history), deleted after the tenant's
 * retention period by a scheduled job. Visible only to the tenant and to auditors. */
export const requestLogs = pgTable(
  'request_logs',
  {
    id: id(),
    tenantId: tenantId(),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    apiKeyId: uuid('api_key_id'),
    model: varchar('model', { length: 150 }).notNull(),
    requestBody: jsonb('request_body').notNull(),
    responseBody: jsonb('response_body'),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('idx_request_logs_tenant').on(t.tenantId, t.createdAt), index('idx_request_logs_expiry').on(t.expiresAt)],
);
