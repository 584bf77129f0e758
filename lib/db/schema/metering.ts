/**
 * Metering's dead letters: a usage event (or request log / content-policy rejection) the
 * database refused, kept whole so an administrator can repair and replay it
 * (lib/gateway/metering/quarantine.ts, /admin/metering). Platform-owned: it refers to a tenant
 * but carries our cost and markup, so only radiant_platform reaches it (forced RLS with a
 * platform-only policy, no privilege for radiant_app; drizzle/0010). docs/gateway.md, "Metering".
 */
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { id, ts } from './_columns';

export const QUARANTINE_STATUSES = ['open', 'replayed', 'discarded'] as const;
export type QuarantineStatus = (typeof QUARANTINE_STATUSES)[number];

export const meteringQuarantine = pgTable(
  'metering_quarantine',
  {
    id: id(),
    /** usage | log | rejection | unpriced (an event that could not even be priced). */
    kind: varchar('kind', { length: 20 }).notNull(),
    requestId: varchar('request_id', { length: 100 }).notNull(),
    /** No foreign key: the tenant may be the reason the row was refused. */
    tenantId: uuid('tenant_id'),
    reason: text('reason').notNull(),
    /** SQLSTATE of the refusal, when the database gave one. */
    sqlState: varchar('sql_state', { length: 5 }),
    /** The row as the writer tried to insert it (repairable). */
    payload: jsonb('payload').notNull(),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(1),
    status: varchar('status', { length: 20, enum: QUARANTINE_STATUSES }).notNull().default('open'),
    resolvedAt: ts('resolved_at'),
    /** Administrator who replayed or discarded it. */
    resolvedBy: uuid('resolved_by'),
  },
  (t) => [
    uniqueIndex('uq_quarantine_item').on(t.kind, t.requestId),
    index('idx_quarantine_open')
      .on(t.firstSeenAt)
      .where(sql`status = 'open'`),
  ],
);
