/**
 * Long-running generations (video, 3D) and the tenants' webhooks that hear about them
 * (docs/jobs.md). All three tables are tenant-owned, under FORCED row-level security
 * (drizzle/0013_generation_jobs.sql). Money is exact NUMERIC (PRICE only: the cost of a job is
 * in its usage_events row like every other request's).
 */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, numeric, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { exact, id, timestamps, ts } from './_columns';
import { models, providers } from './catalog';
import { apiKeys, tenantId } from './tenancy';

export const GENERATION_JOB_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled', 'expired'] as const;
export type GenerationJobStatus = (typeof GENERATION_JOB_STATUSES)[number];
export const GENERATION_JOB_KINDS = ['video', '3d'] as const;

/** A result file copied to RADIANT's storage: role (video | model | preview), storage key, type, size. */
export interface StoredJobFile {
  role: 'video' | 'model' | 'preview';
  key: string;
  contentType: string;
  bytes: number;
}

export const generationJobs = pgTable(
  'generation_jobs',
  {
    id: id(),
    tenantId: tenantId(),
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    kind: varchar('kind', { length: 10, enum: GENERATION_JOB_KINDS }).notNull(),
    modelId: varchar('model_id', { length: 100 })
      .notNull()
      .references(() => models.id),
    providerId: varchar('provider_id', { length: 50 })
      .notNull()
      .references(() => providers.id),
    /** The model name the client asked for (echoed in responses). */
    requestedModel: varchar('requested_model', { length: 150 }).notNull(),
    status: varchar('status', { length: 20, enum: GENERATION_JOB_STATUSES }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    prompt: text('prompt').notNull(),
    size: varchar('size', { length: 20 }),
    /** The reference image as given (URL or data URL), kept until the provider has the task. */
    inputReference: text('input_reference'),
    providerTaskId: varchar('provider_task_id', { length: 300 }),
    requestedSeconds: numeric('requested_seconds'),
    producedSeconds: numeric('produced_seconds'),
    /** PRICE held against the budgets while the job runs (0 once settled or released). */
    reservedAmount: exact('reserved_amount').notNull().default('0'),
    /** PRICE charged at completion (null until then; 0 when nothing was billed). */
    price: exact('price'),
    /** Cost rates + markup captured at creation, so completion bills what was quoted. */
    pricing: jsonb('pricing').notNull(),
    deadlineAt: ts('deadline_at').notNull(),
    nextPollAt: ts('next_poll_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    pollErrors: integer('poll_errors').notNull().default(0),
    /** Lease: the instance working on the job now, and until when (a crashed one's lease lapses). */
    lockedBy: varchar('locked_by', { length: 100 }),
    lockedUntil: ts('locked_until'),
    errorCode: varchar('error_code', { length: 80 }),
    errorMessage: text('error_message'),
    files: jsonb('files').$type<StoredJobFile[]>().notNull().default([]),
    /** Secret part of the provider callback URL for this job (providers that POST updates). */
    callbackToken: varchar('callback_token', { length: 64 }),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    /** Files and row are deleted by the retention job after this. */
    expiresAt: ts('expires_at'),
    ...timestamps(),
  },
  (t) => [
    index('generation_jobs_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('generation_jobs_due_idx')
      .on(t.nextPollAt)
      .where(sql`status IN ('queued', 'in_progress')`),
    index('generation_jobs_expires_idx').on(t.expiresAt),
    uniqueIndex('generation_jobs_provider_task_uq').on(t.providerId, t.providerTaskId),
  ],
);

export const WEBHOOK_EVENTS = ['job.completed', 'job.failed'] as const;

export const tenantWebhooks = pgTable(
  'tenant_webhooks',
  {
    id: id(),
    tenantId: tenantId(),
    url: text('url').notNull(),
    description: varchar('description', { length: 200 }),
    events: text('events')
      .array()
      .notNull()
      .default(sql`ARRAY['job.completed', 'job.failed']::text[]`),
    /** The whsec_ signing secret, sealed with RADIANT_SECRET_KEY (shown to the tenant once). */
    secretSealed: text('secret_sealed').notNull(),
    secretPrefix: varchar('secret_prefix', { length: 20 }).notNull(),
    enabled: boolean('enabled').notNull().default(true),
    ...timestamps(),
  },
  (t) => [index('tenant_webhooks_tenant_idx').on(t.tenantId)],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    tenantId: tenantId(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => tenantWebhooks.id, { onDelete: 'cascade' }),
    jobId: uuid('job_id'),
    /** Standard Webhooks `webhook-id`: the same on every retry and redelivery of one message. */
    messageId: varchar('message_id', { length: 60 }).notNull(),
    event: varchar('event', { length: 40 }).notNull(),
    payload: jsonb('payload').notNull(),
    status: varchar('status', { length: 20, enum: WEBHOOK_DELIVERY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lockedUntil: ts('locked_until'),
    deliveredAt: ts('delivered_at'),
    ...timestamps(),
  },
  (t) => [
    index('webhook_deliveries_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    uniqueIndex('webhook_deliveries_message_webhook_uq').on(t.webhookId, t.messageId),
  ],
);
