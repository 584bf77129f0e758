/** Rollups, invoices, the revenue and cost books, accounting periods, reconciliation, exports. */
import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';
import { cents, exact, id, percent, timestamps, ts } from './_columns';
import { tenantId, tenants, users } from './tenancy';

export const INVOICE_STATUSES = ['draft', 'pending', 'paid', 'failed', 'void', 'refunded'] as const;
export const PERIOD_STATUSES = ['open', 'closing', 'closed'] as const;

/** Daily usage per tenant, model, provider and user (user null = API-key traffic). */
export const usageRollups = pgTable(
  'usage_rollups',
  {
    id: id(),
    tenantId: tenantId(),
    rollupDate: date('rollup_date').notNull(),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
    successCount: bigint('success_count', { mode: 'number' }).notNull().default(0),
    errorCount: bigint('error_count', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    cachedInputTokens: bigint('cached_input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    imageCount: bigint('image_count', { mode: 'number' }).notNull().default(0),
    videoSeconds: exact('video_seconds').notNull().default('0'),
    audioMinutes: exact('audio_minutes').notNull().default('0'),
    characters: bigint('characters', { mode: 'number' }).notNull().default(0),
    toolCalls: bigint('tool_calls', { mode: 'number' }).notNull().default(0),
    cost: exact('cost').notNull().default('0'),
    price: exact('price').notNull().default('0'),
    totalLatencyMs: bigint('total_latency_ms', { mode: 'number' }).notNull().default(0),
    ...timestamps(),
  },
  (t) => [
    unique('uq_rollup_key').on(t.tenantId, t.rollupDate, t.modelId, t.providerId, t.userId).nullsNotDistinct(),
    // Date ranges use idx_rollups_date_tenant_cover (rollup_date, tenant_id) INCLUDE (price, cost,
    // request_count), created by hand in drizzle/0005; a plain (rollup_date) index beside it was
    // one more insert per rollup row for nothing (dropped in 0023).
    // Invoices and the portal read one tenant's month.
    index('idx_rollups_tenant_date').on(t.tenantId, t.rollupDate),
  ],
);

export const billingRuns = pgTable(
  'billing_runs',
  {
    id: id(),
    period: varchar('period', { length: 7 }).notNull(),
    tenantId: uuid('tenant_id'),
    status: varchar('status', { length: 20, enum: ['queued', 'running', 'succeeded', 'failed'] })
      .notNull()
      .default('queued'),
    totalTenants: integer('total_tenants').notNull().default(0),
    processedTenants: integer('processed_tenants').notNull().default(0),
    invoicesCreated: integer('invoices_created').notNull().default(0),
    startedBy: uuid('started_by'),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
    error: text('error'),
    ...timestamps(),
  },
  (t) => [index('idx_billing_runs_period').on(t.period, t.createdAt)],
);

export const invoices = pgTable(
  'invoices',
  {
    id: id(),
    tenantId: tenantId(),
    /** RAD-YYYY-NNNNNN, assigned when the invoice is issued so numbering is gap-free. */
    invoiceNumber: varchar('invoice_number', { length: 50 }).unique(),
    period: varchar('period', { length: 7 }).notNull(),
    periodStart: date('period_start').notNull(),
    periodEnd: date('period_end').notNull(),
    currency: varchar('currency', { length: 3 }).notNull().default('USD'),
    subtotal: cents('subtotal').notNull().default('0'),
    freeTierCredit: cents('free_tier_credit').notNull().default('0'),
    discountPercent: percent('discount_percent').notNull().default('0'),
    discountAmount: cents('discount_amount').notNull().default('0'),
    taxRatePercent: percent('tax_rate_percent').notNull().default('0'),
    taxAmount: cents('tax_amount').notNull().default('0'),
    totalAmount: cents('total_amount').notNull().default('0'),
    status: varchar('status', { length: 20, enum: INVOICE_STATUSES }).notNull().default('draft'),
    issuedAt: ts('issued_at'),
    dueAt: ts('due_at'),
    paidAt: ts('paid_at'),
    voidedAt: ts('voided_at'),
    voidReason: text('void_reason'),
    replacesInvoiceId: uuid('replaces_invoice_id'),
    billingRunId: uuid('billing_run_id'),
    notes: text('notes'),
    metadata: jsonb('metadata').notNull().default({}),
    ...timestamps(),
  },
  (t) => [
    index('idx_invoices_tenant').on(t.tenantId, t.period),
    index('idx_invoices_status').on(t.status),
    // Idempotent generation: one live invoice per tenant and period (voided ones don't count).
    uniqueIndex('uq_invoice_live_period')
      .on(t.tenantId, t.period)
      .where(sql`status <> 'void'`),
  ],
);

export const invoiceLines = pgTable(
  'invoice_lines',
  {
    id: id(),
    tenantId: tenantId(),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    kind: varchar('kind', { length: 30, enum: ['usage', 'free_tier_credit', 'volume_discount', 'tax', 'adjustment'] }).notNull(),
    modelId: varchar('model_id', { length: 100 }),
    description: text('description').notNull(),
    unit: varchar('unit', { length: 40 }),
    quantity: exact('quantity').notNull().default('0'),
    unitPrice: exact('unit_price').notNull().default('0'),
    /** Exact sum of metered prices behind the line, before the one rounding step. */
    exactAmount: exact('exact_amount').notNull().default('0'),
    amount: cents('amount').notNull(),
  },
  (t) => [unique('uq_invoice_line').on(t.invoiceId, t.lineNo)],
);

/** Gap-free invoice numbers per year: a counter row updated in the issuing transaction. */
export const invoiceNumberCounters = pgTable('invoice_number_counters', {
  year: integer('year').primaryKey(),
  lastNumber: integer('last_number').notNull().default(0),
});

export const accountingPeriods = pgTable('accounting_periods', {
  id: id(),
  period: varchar('period', { length: 7 }).notNull().unique(),
  startsOn: date('starts_on').notNull(),
  endsOn: date('ends_on').notNull(),
  status: varchar('status', { length: 20, enum: PERIOD_STATUSES }).notNull().default('open'),
  closeApprovalId: uuid('close_approval_id'),
  closeRequestedBy: uuid('close_requested_by'),
  closedBy: uuid('closed_by'),
  closedAt: ts('closed_at'),
  totals: jsonb('totals'),
  ...timestamps(),
});

/** AI usage revenue (with the markup part identified), subscriptions, credits. */
export const revenueEntries = pgTable(
  'revenue_entries',
  {
    id: id(),
    tenantId: tenantId(),
    period: varchar('period', { length: 7 }).notNull(),
    entryDate: date('entry_date').notNull(),
    kind: varchar('kind', { length: 20, enum: ['ai_usage', 'subscription', 'credit', 'adjustment'] }).notNull(),
    modelId: varchar('model_id', { length: 100 }),
    providerId: varchar('provider_id', { length: 50 }),
    amount: exact('amount').notNull(),
    costBasis: exact('cost_basis').notNull().default('0'),
    markupAmount: exact('markup_amount').notNull().default('0'),
    sourceRef: varchar('source_ref', { length: 100 }),
    description: text('description'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('idx_revenue_period').on(t.period, t.tenantId),
    uniqueIndex('uq_revenue_source').on(t.sourceRef),
    // The margin report sums the (few) manual entries of a period without reading the usage rows.
    index('idx_revenue_period_kind').on(t.period, t.kind),
  ],
);

/** Provider costs from metering (tenant set), infrastructure and platform fees (tenant null). */
export const costEntries = pgTable(
  'cost_entries',
  {
    id: id(),
    tenantId: uuid('tenant_id'),
    period: varchar('period', { length: 7 }).notNull(),
    entryDate: date('entry_date').notNull(),
    kind: varchar('kind', { length: 30, enum: ['provider_usage', 'infrastructure', 'platform_fee', 'other'] }).notNull(),
    providerId: varchar('provider_id', { length: 50 }),
    modelId: varchar('model_id', { length: 100 }),
    amount: exact('amount').notNull(),
    sourceRef: varchar('source_ref', { length: 100 }),
    description: text('description'),
    createdBy: uuid('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_cost_period').on(t.period), uniqueIndex('uq_cost_source').on(t.sourceRef), index('idx_cost_period_kind').on(t.period, t.kind)],
);

/** Dashboard aggregates: per day, provider and model (no tenant dimension). */
export const revenueDailyAggregates = pgTable(
  'revenue_daily_aggregates',
  {
    id: id(),
    day: date('day').notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
    errorCount: bigint('error_count', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    revenue: exact('revenue').notNull().default('0'),
    cost: exact('cost').notNull().default('0'),
    margin: exact('margin').notNull().default('0'),
    ...timestamps(),
  },
  (t) => [unique('uq_rda').on(t.day, t.providerId, t.modelId), index('idx_rda_day').on(t.day)],
);

export const modelRevenueTracking = pgTable(
  'model_revenue_tracking',
  {
    id: id(),
    modelId: varchar('model_id', { length: 100 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    period: varchar('period', { length: 7 }).notNull(),
    requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    revenue: exact('revenue').notNull().default('0'),
    cost: exact('cost').notNull().default('0'),
    margin: exact('margin').notNull().default('0'),
    // A statistic over arbitrary usage (a tiny cost under a large price is possible): unbounded.
    effectiveMarkupPercent: exact('effective_markup_percent'),
    ...timestamps(),
  },
  (t) => [unique('uq_mrt').on(t.modelId, t.period)],
);

export const reconciliationEntries = pgTable(
  'reconciliation_entries',
  {
    id: id(),
    period: varchar('period', { length: 7 }).notNull(),
    tenantId: uuid('tenant_id'),
    providerId: varchar('provider_id', { length: 50 }),
    kind: varchar('kind', { length: 30, enum: ['late_usage', 'provider_invoice', 'manual_adjustment'] }).notNull(),
    amount: exact('amount').notNull(),
    reason: text('reason').notNull(),
    status: varchar('status', { length: 20, enum: ['applied', 'pending_approval', 'rejected'] })
      .notNull()
      .default('applied'),
    approvalRequestId: uuid('approval_request_id'),
    createdBy: uuid('created_by'),
    metadata: jsonb('metadata').notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_reconciliation_period').on(t.period, t.kind)],
);

/** A provider's own invoice total for a period, to compare with what we metered. */
export const providerInvoiceImports = pgTable(
  'provider_invoice_imports',
  {
    id: id(),
    period: varchar('period', { length: 7 }).notNull(),
    providerId: varchar('provider_id', { length: 50 }).notNull(),
    invoicedCost: exact('invoiced_cost').notNull(),
    meteredCost: exact('metered_cost').notNull(),
    difference: exact('difference').notNull(),
    source: varchar('source', { length: 10, enum: ['csv', 'manual'] }).notNull(),
    importedBy: uuid('imported_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_provider_imports_period').on(t.period, t.providerId, t.createdAt)],
);

export const revenueExportLog = pgTable(
  'revenue_export_log',
  {
    id: id(),
    exportType: varchar('export_type', { length: 30 }).notNull(),
    period: varchar('period', { length: 7 }),
    format: varchar('format', { length: 10 }).notNull().default('csv'),
    filters: jsonb('filters').notNull().default({}),
    rowCount: integer('row_count').notNull(),
    checksum: varchar('checksum', { length: 64 }).notNull(),
    exportedBy: uuid('exported_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('idx_export_log_created').on(t.createdAt)],
);

/**
 * Dashboard aggregates per day and tenant (the admin dashboard's "top tenants", which would
 * otherwise sum every model's rollup row). Platform-only: it carries cost and margin, so the app
 * role has no grant on it (migration 0007). Maintained by the same rollup batches as
 * revenue_daily_aggregates (booked days).
 */
export const tenantDailyAggregates = pgTable(
  'tenant_daily_aggregates',
  {
    id: id(),
    day: date('day').notNull(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    requestCount: bigint('request_count', { mode: 'number' }).notNull().default(0),
    errorCount: bigint('error_count', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    revenue: exact('revenue').notNull().default('0'),
    cost: exact('cost').notNull().default('0'),
    margin: exact('margin').notNull().default('0'),
    ...timestamps(),
  },
  (t) => [unique('uq_tda').on(t.day, t.tenantId), index('idx_tda_tenant').on(t.tenantId, t.day)],
);
