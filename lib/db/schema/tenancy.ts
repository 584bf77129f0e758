/** Tenants (customers), their portal users and their API keys. */
import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { exact, id, percent, timestamps, ts } from './_columns';

/** tenants.settings: options without a column of their own. Read from JSON that SQL or an older
 * version may have written, so every reader still checks each value's type at runtime. */
export type TenantSettings = {
  /** Response cache TTL for this tenant (seconds). */
  responseCacheTtlSeconds?: number;
  /** Provider extras (service_tier, store, ...) forwarded for this tenant instead of dropped. */
  allowedProviderExtras?: string[];
  /** Overrides of the tier's rate limits. */
  rateLimits?: { rpm?: number; tpm?: number };
} & Record<string, unknown>;

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
    settings: jsonb('settings').$type<TenantSettings>().notNull().default({}),
    /** Free text for the platform's staff (contract notes); never shown in the portal. */
    notes: text('notes'),
    /** When the tenant was suspended / cancelled (null while active). */
    suspendedAt: ts('suspended_at'),
    cancelledAt: ts('cancelled_at'),
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
    /** 'unverified': signed up (RADIANT_SIGNUP=open) and has not yet followed the e-mail link. */
    status: varchar('status', { length: 20, enum: ['active', 'inactive', 'suspended', 'unverified'] })
      .notNull()
      .default('active'),
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
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`ARRAY['chat','embeddings','models']::text[]`),
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

export const TENANT_INVITATION_STATUSES = ['pending', 'accepted', 'revoked', 'expired'] as const;

/** Invitations into a tenant (its first owner from the console, colleagues from the portal).
 * The token exists only in the e-mailed link; the row keeps its SHA-256. Tenant-owned (RLS);
 * accepting looks the token up through the platform path because the visitor has no tenant yet. */
export const tenantInvitations = pgTable(
  'tenant_invitations',
  {
    id: id(),
    tenantId: tenantId(),
    email: varchar('email', { length: 255 }).notNull(),
    role: varchar('role', { length: 20, enum: TENANT_USER_ROLES }).notNull(),
    tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
    status: varchar('status', { length: 20, enum: TENANT_INVITATION_STATUSES }).notNull().default('pending'),
    /** Exactly one of the two inviters: a platform administrator (support) or a tenant owner. */
    invitedByAdmin: uuid('invited_by_admin'),
    invitedByUser: uuid('invited_by_user'),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedUserId: uuid('accepted_user_id'),
    revokedAt: ts('revoked_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_tenant_invitations_tenant').on(t.tenantId, t.createdAt),
    // One live invitation per address across the platform (logins are unique by e-mail).
    uniqueIndex('uq_tenant_invitations_pending')
      .on(sql`lower(${t.email})`)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/** Single-use, expiring password-reset tokens for tenant users (SHA-256 of the mailed token). */
export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: varchar('token_hash', { length: 64 }).notNull().unique(),
    /** 'reset': a forgotten password (lib/auth/password-reset.ts); 'verify_email': a sign-up's
     * e-mail verification (lib/tenants/signup.ts). Each flow reads only its own. */
    purpose: varchar('purpose', { length: 20, enum: ['reset', 'verify_email'] })
      .notNull()
      .default('reset'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    requestedIp: varchar('requested_ip', { length: 45 }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_password_resets_user').on(t.userId, t.createdAt)],
);
