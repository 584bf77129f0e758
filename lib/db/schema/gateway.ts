/** What the gateway writes and reads: usage events (the metering ledger), routing rules,
 * provider health, rejections, idempotency and opt-in request logs. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, jsonb, numeric, pgTable, smallint, text, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { exact, id, percent, timestamps, ts } from './_columns';
import { providers } from './catalog';
import { tenantId } from './tenancy';

export const USAGE_STATUSES = ['success', 'error', 'partial', 'cancelled'] as const;
export const ROUTING_ACTIONS = ['route', 'fallback', 'block', 'rate_limit'] as const;
export const HEALTH_STATUSES = ['healthy', 'degraded', 'unhealthy', 'unknown'] as const;

/**
 * One row per gateway request (idempotent by request_id). Cost, markup and price are
 * SNAPSHOTS taken when the request was made, so later catalog or markup changes never rewrite
 * history.
 *
 * The ledger is PARTITIONED BY RANGE (created_at), one partition per month plus a default one
 * (drizzle/0016_lean_usage_ledger.sql; drizzle-kit cannot express partitioning, so the table is
 * declared here and created by hand there). Lean by design (docs/billing.md, "The usage ledger"):
 *  - no surrogate uuid: `seq` (a sequence) orders the ledger and drives the rollup's high-water
 *    mark (usage_rollup_state.last_seq): nothing is UPDATEd per event any more;
 *  - request_id uniqueness across partitions lives in usage_request_ids, filled by the
 *    before-insert trigger, which also skips a replayed request (billed once);
 *  - indexes: (tenant_id, created_at) for tenant reads, BRIN on seq (rollups), btree on created_at
 *    (the admin explorer's newest-first list across tenants; 0025).
 */
export const usageEvents = pgTable(
  'usage_events',
  {
    /** Ledger order (sequence usage_events_seq); the rollup folds seq <= its high-water mark. */
    seq: bigint('seq', { mode: 'number' })
      .notNull()
      .default(sql`nextval('usage_events_seq')`),
    /** When the request happened (not when the row was written); the partition key. */
    createdAt: ts('created_at').notNull().defaultNow(),
    // No foreign keys on the hot ledger (0022): five per-row checks were ~40% of the writer's
    // insert. What replaces each is in drizzle/0022 (the writer checks and locks the referenced
    // rows once per batch; other inserters are checked by a trigger; deleting a tenant, user, key,
    // model or provider keeps the old ON DELETE behaviour through triggers on those tables).
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id'),
    apiKeyId: uuid('api_key_id'),
    inputTokens: integer('input_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    imageCount: integer('image_count').notNull().default(0),
    characters: integer('characters').notNull().default(0),
    requestCount: integer('request_count').notNull().default(1),
    toolCalls: integer('tool_calls').notNull().default(0),
    latencyMs: integer('latency_ms'),
    ttfbMs: integer('ttfb_ms'),
    /** smallint (0019): an HTTP status and a retry count fit, and the row is 4 bytes leaner. */
    httpStatus: smallint('http_status'),
    attemptCount: smallint('attempt_count').notNull().default(1),
    isBatch: boolean('is_batch').notNull().default(false),
    /** Token counts came from our tokenizer because the provider sent no usage. */
    tokensEstimated: boolean('tokens_estimated').notNull().default(false),
    cacheHit: boolean('cache_hit').notNull().default(false),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    /** What the client asked for (alias, "auto", or a model that fell back). */
    requestedModel: varchar('requested_model', { length: 150 }),
    endpoint: varchar('endpoint', { length: 50 }).notNull().default('chat.completions'),
    markupSource: varchar('markup_source', { length: 20 }).notNull(),
    status: varchar('status', { length: 20, enum: USAGE_STATUSES }).notNull().default('success'),
    /** Accounting period (YYYY-MM) the event is booked to: its own month when written (the
     * trigger sets it); a late event for a closed period is moved to the next open one by the
     * rollup, with a reconciliation entry. Final once seq <= usage_rollup_state.last_seq. */
    bookedPeriod: varchar('booked_period', { length: 7 }),
    errorCode: varchar('error_code', { length: 80 }),
    fallbackFrom: varchar('fallback_from', { length: 100 }),
    /** COST to us, MARKUP in force and PRICE to the tenant, exact. */
    cost: exact('cost').notNull().default('0'),
    markupPercent: percent('markup_percent').notNull(),
    price: exact('price').notNull().default('0'),
    videoSeconds: numeric('video_seconds').notNull().default('0'),
    audioMinutes: numeric('audio_minutes').notNull().default('0'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('idx_usage_tenant_time').on(t.tenantId, t.createdAt), index('idx_usage_seq').using('brin', t.seq), index('idx_usage_time').on(t.createdAt)],
);

/**
 * request_id is unique across the whole ledger (every partition): the usage_events before-insert
 * trigger (or the metering writer, set-based, in the same statement) claims the id here first and
 * the event is dropped when the id is already taken (a retried batch, a replayed journal line).
 * Only the key (0019 dropped created_at: 8 bytes an event; archiving deletes a detached month's
 * ids by joining its table). Platform-only (no tenant data; radiant_app has no privilege; the
 * trigger is SECURITY DEFINER).
 */
export const usageRequestIds = pgTable('usage_request_ids', {
  requestId: varchar('request_id', { length: 100 }).primaryKey(),
});

/** The rollup's high-water mark: every usage event with seq <= last_seq is folded into the
 * rollups and books (lib/billing/rollups.ts). One row. */
export const usageRollupState = pgTable('usage_rollup_state', {
  id: integer('id').primaryKey().default(1),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

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
