/** GDPR and HIPAA records. Tenant-owned ones are under RLS; incidents and DPAs are platform-level. */
import { boolean, index, integer, pgTable, text, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, timestamps, ts } from './_columns';
import { tenantId } from './tenancy';

export const consentRecords = pgTable(
  'consent_records',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id'),
    subjectEmail: varchar('subject_email', { length: 255 }),
    consentType: varchar('consent_type', { length: 50 }).notNull(),
    granted: boolean('granted').notNull(),
    policyVersion: varchar('policy_version', { length: 30 }).notNull(),
    ipAddress: varchar('ip_address', { length: 64 }),
    userAgent: text('user_agent'),
    grantedAt: ts('granted_at').notNull().defaultNow(),
    withdrawnAt: ts('withdrawn_at'),
  },
  (t) => [index('idx_consent_tenant').on(t.tenantId)],
);

export const gdprRequests = pgTable(
  'gdpr_requests',
  {
    id: id(),
    tenantId: tenantId(),
    userId: uuid('user_id'),
    subjectEmail: varchar('subject_email', { length: 255 }).notNull(),
    requestType: varchar('request_type', {
      length: 20,
      enum: ['access', 'erasure', 'rectification', 'portability', 'restriction', 'objection'],
    }).notNull(),
    status: varchar('status', { length: 20, enum: ['received', 'in_progress', 'completed', 'rejected'] })
      .notNull()
      .default('received'),
    /** GDPR answers within one month of receipt. */
    dueAt: ts('due_at').notNull(),
    completedAt: ts('completed_at'),
    handledBy: uuid('handled_by'),
    notes: text('notes'),
    ...timestamps(),
  },
  (t) => [index('idx_gdpr_tenant').on(t.tenantId, t.status)],
);

export const dataRetentionPolicies = pgTable(
  'data_retention_policies',
  {
    id: id(),
    tenantId: tenantId(),
    /** request_logs | usage_events | audit_logs | phi_access_log ... */
    dataType: varchar('data_type', { length: 50 }).notNull(),
    retentionDays: integer('retention_days').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    updatedBy: uuid('updated_by'),
    ...timestamps(),
  },
  (t) => [unique('uq_retention').on(t.tenantId, t.dataType)],
);

export const dataBreachIncidents = pgTable('data_breach_incidents', {
  id: id(),
  title: varchar('title', { length: 255 }).notNull(),
  description: text('description').notNull(),
  severity: varchar('severity', { length: 10, enum: ['low', 'medium', 'high', 'critical'] }).notNull(),
  status: varchar('status', { length: 20, enum: ['detected', 'investigating', 'contained', 'notified', 'closed'] })
    .notNull()
    .default('detected'),
  detectedAt: ts('detected_at').notNull(),
  containedAt: ts('contained_at'),
  /** GDPR: the authority within 72 hours of awareness. */
  authorityNotifiedAt: ts('authority_notified_at'),
  affectedTenantIds: uuid('affected_tenant_ids').array().notNull().default([]),
  affectedRecords: integer('affected_records'),
  reportedBy: uuid('reported_by'),
  ...timestamps(),
});

export const hipaaConfig = pgTable('hipaa_config', {
  id: id(),
  tenantId: tenantId().unique(),
  enabled: boolean('enabled').notNull().default(false),
  baaSignedAt: ts('baa_signed_at'),
  baaSignedBy: varchar('baa_signed_by', { length: 255 }),
  phiLoggingEnabled: boolean('phi_logging_enabled').notNull().default(false),
  /** Only providers whose compliance list includes HIPAA may serve this tenant when enabled. */
  restrictToHipaaProviders: boolean('restrict_to_hipaa_providers').notNull().default(true),
  auditRetentionDays: integer('audit_retention_days').notNull().default(2190),
  ...timestamps(),
});

/** Append-only like audit_logs. */
export const phiAccessLog = pgTable(
  'phi_access_log',
  {
    id: id(),
    tenantId: tenantId(),
    accessorType: varchar('accessor_type', { length: 20 }).notNull(),
    accessorId: uuid('accessor_id'),
    resourceType: varchar('resource_type', { length: 50 }).notNull(),
    resourceId: varchar('resource_id', { length: 255 }),
    action: varchar('action', { length: 30 }).notNull(),
    purpose: text('purpose'),
    ipAddress: varchar('ip_address', { length: 64 }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_phi_tenant').on(t.tenantId, t.createdAt)],
);

export const dataProcessingAgreements = pgTable('data_processing_agreements', {
  id: id(),
  subprocessor: varchar('subprocessor', { length: 100 }).notNull(),
  providerId: varchar('provider_id', { length: 50 }),
  status: varchar('status', { length: 20, enum: ['draft', 'signed', 'expired', 'terminated'] })
    .notNull()
    .default('draft'),
  signedAt: ts('signed_at'),
  expiresAt: ts('expires_at'),
  documentUrl: text('document_url'),
  ...timestamps(),
});
