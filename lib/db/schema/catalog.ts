/** Providers and models with what each costs us, markup overrides, per-tenant model access,
 * cost history and estimated-cost alerts. Costs are exact NUMERIC (see lib/pricing/money.ts). */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { COST_SOURCES, MODEL_CATEGORIES, PRICING_TYPES, WIRE_FORMATS } from '../../catalog/types';
import { exact, id, percent, timestamps, ts } from './_columns';
import { tenantId } from './tenancy';

export const THERMAL_STATES = ['OFF', 'COLD', 'WARM', 'HOT', 'AUTOMATIC'] as const;
export const MARKUP_SCOPES = ['default_external', 'default_self_hosted', 'provider', 'model'] as const;
export const ALERT_STATUSES = ['pending', 'acknowledged', 'adjusted', 'resolved'] as const;
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

export const providers = pgTable(
  'providers',
  {
    id: varchar('id', { length: 50 }).primaryKey(),
    name: varchar('name', { length: 100 }).notNull(),
    displayName: varchar('display_name', { length: 100 }).notNull(),
    category: varchar('category', { length: 50, enum: MODEL_CATEGORIES }).notNull(),
    description: text('description'),
    website: varchar('website', { length: 255 }),
    apiBaseUrl: varchar('api_base_url', { length: 255 }),
    authType: varchar('auth_type', { length: 20 }).notNull().default('bearer'),
    /** Env var that holds the credential (e.g. OPENAI_API_KEY). */
    apiKeyEnv: varchar('api_key_env', { length: 100 }),
    /** Credential stored in the database instead: AES-256-GCM with RADIANT_SECRET_KEY. Never returned. */
    encryptedApiKey: text('encrypted_api_key'),
    wireFormat: varchar('wire_format', { length: 20, enum: WIRE_FORMATS }).notNull().default('openai'),
    isSelfHosted: boolean('is_self_hosted').notNull().default(false),
    enabled: boolean('enabled').notNull().default(true),
    features: text('features')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    regions: text('regions')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    compliance: text('compliance')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    rateLimitRpm: integer('rate_limit_rpm'),
    rateLimitTpm: integer('rate_limit_tpm'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [index('idx_providers_category').on(t.category)],
);

export const models = pgTable(
  'models',
  {
    /** Stable catalog id, e.g. "openai-gpt-4-1". */
    id: varchar('id', { length: 100 }).primaryKey(),
    providerId: varchar('provider_id', { length: 50 })
      .notNull()
      .references(() => providers.id, { onDelete: 'restrict' }),
    providerModelId: varchar('provider_model_id', { length: 150 }).notNull(),
    litellmId: varchar('litellm_id', { length: 150 }).notNull().unique(),
    /** What clients send as `model`. */
    name: varchar('name', { length: 100 }).notNull().unique(),
    aliases: text('aliases')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    displayName: varchar('display_name', { length: 150 }).notNull(),
    description: text('description'),
    category: varchar('category', { length: 50, enum: MODEL_CATEGORIES }).notNull(),
    capabilities: text('capabilities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    contextWindow: integer('context_window'),
    maxOutput: integer('max_output'),
    inputModalities: text('input_modalities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    outputModalities: text('output_modalities')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    pricingType: varchar('pricing_type', { length: 30, enum: PRICING_TYPES }).notNull().default('per_token'),
    // --- COST (what RADIANT pays). Exact NUMERIC; null = not charged. ---
    inputCostPer1k: exact('input_cost_per_1k'),
    outputCostPer1k: exact('output_cost_per_1k'),
    cachedInputCostPer1k: exact('cached_input_cost_per_1k'),
    longContextThreshold: integer('long_context_threshold'),
    longContextInputCostPer1k: exact('long_context_input_cost_per_1k'),
    longContextOutputCostPer1k: exact('long_context_output_cost_per_1k'),
    batchDiscountPercent: percent('batch_discount_percent'),
    costPerImage: exact('cost_per_image'),
    costPerSecond: exact('cost_per_second'),
    costPerMinute: exact('cost_per_minute'),
    costPerRequest: exact('cost_per_request'),
    costPerToolCall: exact('cost_per_tool_call'),
    costPer1kCharacters: exact('cost_per_1k_characters'),
    warmupCost: exact('warmup_cost'),
    warmupSeconds: integer('warmup_seconds'),
    costSource: varchar('cost_source', { length: 30, enum: COST_SOURCES }).notNull().default('provider_documentation'),
    costUpdatedAt: ts('cost_updated_at').notNull().defaultNow(),
    /** True while the cost is an estimate from similar models (see `estimate`). */
    costIsEstimated: boolean('cost_is_estimated').notNull().default(false),
    /** Estimate details: confidence, method, source models, reason. Admin-only. */
    estimate: jsonb('estimate'),
    qualityScore: integer('quality_score').notNull().default(70),
    family: varchar('family', { length: 50 }),
    releaseDate: varchar('release_date', { length: 10 }),
    isSelfHosted: boolean('is_self_hosted').notNull().default(false),
    /** Self-hosted thermal state (seed's model-state table), read by the optimizer's warm-up cost. */
    thermalState: varchar('thermal_state', { length: 12, enum: THERMAL_STATES }),
    thermalUpdatedAt: ts('thermal_updated_at'),
    deprecated: boolean('deprecated').notNull().default(false),
    enabled: boolean('enabled').notNull().default(true),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index('idx_models_provider').on(t.providerId),
    index('idx_models_category').on(t.category),
    check('models_quality_range', sql`${t.qualityScore} BETWEEN 0 AND 100`),
  ],
);

/** Every cost change (sync, manual, estimate) with its source: costs are history, not overwrites. */
export const modelCostHistory = pgTable(
  'model_cost_history',
  {
    id: id(),
    modelId: varchar('model_id', { length: 100 })
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    source: varchar('source', { length: 30, enum: COST_SOURCES }).notNull(),
    oldCost: jsonb('old_cost'),
    newCost: jsonb('new_cost').notNull(),
    /** True when the change raised a price and therefore went (or must go) through approval. */
    raisesPrice: boolean('raises_price').notNull().default(false),
    approvalRequestId: uuid('approval_request_id'),
    changedBy: uuid('changed_by'),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_cost_history_model').on(t.modelId, t.createdAt)],
);

/** Markup overrides above the model level (defaults, provider, model). Tenant+model overrides
 * live on tenant_model_access (tenant-owned, under RLS). One row per target; replaced in place,
 * with the full history in audit_logs. */
export const markupOverrides = pgTable(
  'markup_overrides',
  {
    id: id(),
    scope: varchar('scope', { length: 30, enum: MARKUP_SCOPES }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).references(() => providers.id, { onDelete: 'cascade' }),
    modelId: varchar('model_id', { length: 100 }).references(() => models.id, { onDelete: 'cascade' }),
    markupPercent: percent('markup_percent').notNull(),
    reason: text('reason').notNull(),
    setBy: uuid('set_by'),
    setAt: ts('set_at').notNull().defaultNow(),
    /** An expired override stops applying (every scope, including provider). */
    expiresAt: ts('expires_at'),
    approvalRequestId: uuid('approval_request_id'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_markup_target').on(t.scope, sql`coalesce(${t.providerId}, '')`, sql`coalesce(${t.modelId}, '')`),
    check('markup_nonnegative', sql`${t.markupPercent} >= 0`),
    check(
      'markup_scope_target',
      sql`(${t.scope} = 'provider' AND ${t.providerId} IS NOT NULL AND ${t.modelId} IS NULL)
       OR (${t.scope} = 'model' AND ${t.modelId} IS NOT NULL AND ${t.providerId} IS NULL)
       OR (${t.scope} IN ('default_external','default_self_hosted') AND ${t.providerId} IS NULL AND ${t.modelId} IS NULL)`,
    ),
  ],
);

/** Which models a tenant may use, with per-tenant limits and an optional tenant+model markup. */
export const tenantModelAccess = pgTable(
  'tenant_model_access',
  {
    id: id(),
    tenantId: tenantId(),
    modelId: varchar('model_id', { length: 100 })
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    enabled: boolean('enabled').notNull().default(true),
    markupPercent: percent('markup_percent'),
    markupReason: text('markup_reason'),
    markupSetBy: uuid('markup_set_by'),
    markupSetAt: ts('markup_set_at'),
    markupExpiresAt: ts('markup_expires_at'),
    rateLimitRpm: integer('rate_limit_rpm'),
    rateLimitTpm: integer('rate_limit_tpm'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_tenant_model').on(t.tenantId, t.modelId),
    check('tma_markup_nonnegative', sql`${t.markupPercent} IS NULL OR ${t.markupPercent} >= 0`),
  ],
);

export const estimatedCostAlerts = pgTable(
  'estimated_cost_alerts',
  {
    id: id(),
    modelId: varchar('model_id', { length: 100 })
      .notNull()
      .references(() => models.id, { onDelete: 'cascade' }),
    severity: varchar('severity', { length: 10, enum: ALERT_SEVERITIES }).notNull(),
    confidence: numeric('confidence', { precision: 5, scale: 4 }).notNull(),
    status: varchar('status', { length: 20, enum: ALERT_STATUSES }).notNull().default('pending'),
    reason: varchar('reason', { length: 50 }).notNull().default('cost_not_published'),
    estimatedCost: jsonb('estimated_cost').notNull(),
    recommendation: text('recommendation').notNull(),
    acknowledgedBy: uuid('acknowledged_by'),
    acknowledgedAt: ts('acknowledged_at'),
    adjustedBy: uuid('adjusted_by'),
    adjustedAt: ts('adjusted_at'),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: ts('resolved_at'),
    resolutionNote: text('resolution_note'),
    ...timestamps(),
  },
  (t) => [index('idx_alerts_status').on(t.status, t.severity)],
);
