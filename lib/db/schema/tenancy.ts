/** Tenants (customers), their portal users and their API keys. */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { exact, id, percent, timestamps, ts } from './_columns';

export const TENANT_STATUSES = ['active', 'suspended', 'cancelled'] as const;
export const TENANT_USER_ROLES = ['owner', 'member', 'billing'] as const;
/** What an API key may call. 'images', 'audio' (speech + transcription), 'search' and 'videos'
 * (video and 3D jobs) came with the media endpoints; keys created before hold only the first three. */
export const API_KEY_SCOPES = ['chat', 'embeddings', 'models', 'images', 'audio', 'search', 'videos'] as const;
export const API_KEY_STATUSES = ['active', 'revoked', 'expired'] as const;

/** Tenant-owned rows: NOT NULL, cascades with the tenant, guarded by RLS (see drizzle/*_rls.sql).
 * Lives here (not in _columns) so no module cycle can touch `tenants` before it exists. */
export const tenantId = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

export const tenants = pgTable(
  'tenants',
  {
    id: id(),
    slug: varchar('slug', { length: 100 }).notNull().unique(),
    name: varchar('name', { length: 255 }).notNull(),
    domain: varchar('domain', { length: 255 }),
    /** Seed's tier 1..5 (SEED, STARTUP, GROWTH, SCALE, ENTERPRISE): rate limits and price tier. */
    tier: integer('tier').notNull().default(1),
    status: varchar('status', { length: 20, enum: TENANT_STATUSES }).notNull().default('active'),
    billingEmail: varchar('billing_email', { length: 255 }),
    currency: varchar('currency', { length: 3 }).notNull().default('USD'),
    taxRatePercent: percent('tax_rate_percent').notNull().default('0'),
    /** Monthly spend cap on PRICE; null = no cap. */
    monthlyBudget: exact('monthly_budget'),
    responseCacheEnabled: boolean('response_cache_enabled').notNull().default(false),
    requestLoggingEnabled: boolean('request_logging_enabled').notNull().default(false),
    settings: jsonb('settings').notNull().default({}),
    ...timestamps(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [check('tenants_tier_range', sql`${t.tier} BETWEEN 1 AND 5`), index('idx_tenants_status').on(t.status)],
);

/** Tenant portal users (not platform staff: those are `administrators`). */
export const users = pgTable(
  'users',
  {
    id: id(),
    tenantId: tenantId(),
    email: varchar('email', { length: 255 }).notNull(),
    name: varchar('name', { length: 200 }),
    passwordHash: text('password_hash'),
    role: varchar('role', { length: 20, enum: TENANT_USER_ROLES }).notNull().default('member'),
    status: varchar('status', { length: 20, enum: ['active', 'inactive', 'suspended'] }).notNull().default('active'),
    timezone: varchar('timezone', { length: 50 }).notNull().default('UTC'),
    lastLoginAt: ts('last_login_at'),
    /** Sessions issued before this instant are refused (lib/auth/revocation.ts revokeSessions). */
    sessionsValidAfter: ts('sessions_valid_after'),
    ...timestamps(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('idx_users_tenant').on(t.tenantId),
    // One login per email across the platform: sign-in finds the tenant from the email.
    uniqueIndex('uq_users_email').on(sql`lower(${t.email})`),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 100 }).notNull(),
    /** First characters of the key, shown in lists ("rk_live_ab12..."). */
    keyPrefix: varchar('key_prefix', { length: 24 }).notNull(),
    /** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is safe). */
    keyHash: varchar('key_hash', { length: 128 }).notNull().unique(),
    scopes: text('scopes').array().notNull().default(sql`ARRAY['chat','embeddings','models']::text[]`),
    /** Per-key limits; null = the tenant tier's limits. */
    rateLimitRpm: integer('rate_limit_rpm'),
    rateLimitTpm: integer('rate_limit_tpm'),
    /** Per-key monthly spend cap on PRICE; null = none (the tenant cap still applies). */
    monthlyBudget: exact('monthly_budget'),
    status: varchar('status', { length: 20, enum: API_KEY_STATUSES }).notNull().default('active'),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    usageCount: bigint('usage_count', { mode: 'number' }).notNull().default(0),
    revokedAt: ts('revoked_at'),
    ...timestamps(),
  },
  (t) => [index('idx_api_keys_tenant').on(t.tenantId), index('idx_api_keys_prefix').on(t.keyPrefix)],
);
