/**
 * Platform staff, invitations, the two-person approval workflow, the audit trail, sign-in
 * throttling and notifications.
 *
 * Administrators are PLATFORM staff, not a tenant's rows: the seed's `administrators.tenant_id`
 * is dropped (docs/schema.md explains why), and so are `approval_requests.tenant_id/app_id`.
 * These tables are reached only through the platform path (withPlatform), never withTenant.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, inet, integer, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps, ts } from './_columns';

export const ADMIN_ROLES = ['super_admin', 'admin', 'operator', 'auditor'] as const;
export const APPROVAL_TYPES = [
  'deployment',
  'promotion',
  'model_activation',
  'provider_change',
  'user_role_change',
  'billing_change',
  'security_change',
  'data_migration',
] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const APPROVAL_STATUSES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executed', 'failed'] as const;

export const administrators = pgTable(
  'administrators',
  {
    id: id(),
    email: varchar('email', { length: 255 }).notNull(),
    name: varchar('name', { length: 200 }).notNull(),
    passwordHash: text('password_hash'),
    role: varchar('role', { length: 20, enum: ADMIN_ROLES }).notNull(),
    status: varchar('status', { length: 20, enum: ['pending', 'active', 'inactive', 'suspended'] })
      .notNull()
      .default('active'),
    mfaEnabled: boolean('mfa_enabled').notNull().default(false),
    /** TOTP secret, AES-256-GCM encrypted with RADIANT_SECRET_KEY. */
    mfaSecretEncrypted: text('mfa_secret_encrypted'),
    mfaVerifiedAt: ts('mfa_verified_at'),
    /** argon2 hashes of unused recovery codes. */
    mfaRecoveryCodes: text('mfa_recovery_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Last TOTP time step accepted (RFC 6238 T): a code is never accepted twice (replay guard). */
    mfaLastTimeStep: integer('mfa_last_time_step'),
    /** The seed's notification_settings: per event, per channel. */
    notificationSettings: jsonb('notification_settings').$type<Record<string, unknown>>().notNull().default({}),
    slackWebhookUrl: text('slack_webhook_url'),
    lastLoginAt: ts('last_login_at'),
    /** Sessions issued before this instant are refused (lib/auth/revocation.ts revokeSessions). */
    sessionsValidAfter: ts('sessions_valid_after'),
    ...timestamps(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [uniqueIndex('uq_admin_email').on(sql`lower(${t.email})`)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: id(),
    email: varchar('email', { length: 255 }).notNull(),
    role: varchar('role', { length: 20, enum: ADMIN_ROLES }).notNull(),
    message: text('message'),
    /** SHA-256 of the random token; the token itself exists only in the emailed link. */
    tokenHash: varchar('token_hash', { length: 128 }).notNull().unique(),
    /** Null for the first super_admin's setup link (`npm run admin:create`, RADIANT_BOOTSTRAP_ADMIN_EMAIL). */
    invitedBy: uuid('invited_by').references(() => administrators.id),
    /** 'invite': an administrator's invitation (created when its approval executes); 'setup': the
     * bootstrap link, which also enrols MFA. */
    purpose: varchar('purpose', { length: 20, enum: ['invite', 'setup'] })
      .notNull()
      .default('invite'),
    status: varchar('status', { length: 20, enum: ['pending', 'accepted', 'expired', 'revoked'] })
      .notNull()
      .default('pending'),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedByIp: inet('accepted_by_ip'),
    revokedAt: ts('revoked_at'),
    revokedBy: uuid('revoked_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_invitations_email').on(t.email)],
);

export const approvalRequests = pgTable(
  'approval_requests',
  {
    id: id(),
    environment: varchar('environment', { length: 20, enum: ['dev', 'staging', 'prod'] })
      .notNull()
      .default('prod'),
    type: varchar('type', { length: 30, enum: APPROVAL_TYPES }).notNull(),
    /** What the payload does, e.g. "markup.set" — selects the executor. */
    action: varchar('action', { length: 60 }).notNull(),
    title: varchar('title', { length: 255 }).notNull(),
    description: text('description'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    riskLevel: varchar('risk_level', { length: 20, enum: RISK_LEVELS }).notNull().default('medium'),
    impactAnalysis: text('impact_analysis'),
    rollbackPlan: text('rollback_plan'),
    initiatedBy: uuid('initiated_by')
      .notNull()
      .references(() => administrators.id),
    initiatedAt: ts('initiated_at').notNull().defaultNow(),
    status: varchar('status', { length: 20, enum: APPROVAL_STATUSES }).notNull().default('pending'),
    approvedBy: uuid('approved_by').references(() => administrators.id),
    approvedAt: ts('approved_at'),
    approvalNotes: text('approval_notes'),
    rejectedBy: uuid('rejected_by').references(() => administrators.id),
    rejectedAt: ts('rejected_at'),
    cancelledAt: ts('cancelled_at'),
    executedAt: ts('executed_at'),
    executionResult: jsonb('execution_result').$type<Record<string, unknown>>(),
    expiresAt: ts('expires_at')
      .notNull()
      .default(sql`now() + interval '24 hours'`),
    ...timestamps(),
  },
  (t) => [
    // Two-person rule, held by the database as well as the app.
    check('different_approver', sql`${t.approvedBy} IS NULL OR ${t.approvedBy} <> ${t.initiatedBy}`),
    check('different_rejecter', sql`${t.rejectedBy} IS NULL OR ${t.rejectedBy} <> ${t.initiatedBy}`),
    index('idx_approvals_status').on(t.status, t.createdAt),
    index('idx_approvals_initiator').on(t.initiatedBy, t.createdAt),
  ],
);

/** Append-only (trigger in drizzle/*_rls.sql refuses UPDATE, DELETE and TRUNCATE for everyone). */
export const auditLogs = pgTable(
  'audit_logs',
  {
    id: id(),
    actorType: varchar('actor_type', { length: 20, enum: ['admin', 'tenant_user', 'api_key', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    actorEmail: varchar('actor_email', { length: 255 }),
    /** Set when the action concerns one tenant's data. */
    tenantId: uuid('tenant_id'),
    action: varchar('action', { length: 100 }).notNull(),
    resourceType: varchar('resource_type', { length: 100 }).notNull(),
    resourceId: varchar('resource_id', { length: 255 }),
    oldValues: jsonb('old_values'),
    newValues: jsonb('new_values'),
    ipAddress: varchar('ip_address', { length: 64 }),
    userAgent: text('user_agent'),
    requestId: varchar('request_id', { length: 100 }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_audit_created').on(t.createdAt), index('idx_audit_resource').on(t.resourceType, t.resourceId), index('idx_audit_actor').on(t.actorId)],
);

/** Failed sign-ins, for throttling by email and by IP. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: id(),
    /** 'signup': self-service sign-ups, counted by the same limiter (lib/tenants/signup.ts). */
    audience: varchar('audience', { length: 10, enum: ['admin', 'tenant', 'signup'] }).notNull(),
    email: varchar('email', { length: 255 }).notNull(),
    ipAddress: varchar('ip_address', { length: 64 }),
    success: boolean('success').notNull(),
    /** Why a sign-in failed (bad_credentials, mfa_invalid, throttled, inactive); null on success. */
    reason: varchar('reason', { length: 30 }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_login_attempts_email').on(t.email, t.createdAt),
    // Per-IP throttling counts failures from one address across all emails.
    index('idx_login_attempts_ip').on(t.ipAddress, t.createdAt),
  ],
);

/** In-app notifications for administrators (tenant_id null) and tenant users. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    adminId: uuid('admin_id').references(() => administrators.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id'),
    userId: uuid('user_id'),
    event: varchar('event', { length: 60 }).notNull(),
    severity: varchar('severity', { length: 10, enum: ['info', 'warning', 'critical'] })
      .notNull()
      .default('info'),
    title: varchar('title', { length: 255 }).notNull(),
    body: text('body'),
    link: varchar('link', { length: 500 }),
    readAt: ts('read_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_notifications_admin').on(t.adminId, t.createdAt), index('idx_notifications_tenant').on(t.tenantId, t.createdAt)],
);

/** Delivery attempts per channel (email, slack) so retries are visible and bounded. */
export const notificationDeliveries = pgTable('notification_deliveries', {
  id: id(),
  notificationId: uuid('notification_id').references(() => notifications.id, { onDelete: 'cascade' }),
  channel: varchar('channel', { length: 10, enum: ['email', 'slack', 'in_app'] }).notNull(),
  target: text('target').notNull(),
  status: varchar('status', { length: 20, enum: ['queued', 'sent', 'failed'] })
    .notNull()
    .default('queued'),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  ...timestamps(),
});
