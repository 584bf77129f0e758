/**
 * CSV exports for accountants: invoices, revenue, cost and margin of a period. Every export is
 * recorded in revenue_export_log (who, when, what, filters, row count, SHA-256 of the exact CSV
 * bytes returned), in the same transaction as the read, and audited.
 */
import { asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/lib/db/client';
import { revenueExportLog } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { adminIdOf, type OperatorContext } from '../platform/context';
import { getMarginReport, MARGIN_GROUPS } from './books';
import { sha256Hex, toCsv } from './csv';
import { auditFields, writeAudit } from '@/lib/platform/audit';
import { periodSchema } from '@/lib/platform/schemas';

export const EXPORT_TYPES = ['invoices', 'revenue', 'cost', 'margin'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export const exportInputSchema = z.object({
  type: z.enum(EXPORT_TYPES),
  period: periodSchema,
  groupBy: z.enum(MARGIN_GROUPS).default('provider'),
});
export type ExportInput = z.input<typeof exportInputSchema>;

export interface ExportResult {
  exportId: string;
  type: ExportType;
  period: string;
  filename: string;
  csv: string;
  rowCount: number;
  checksum: string;
}

async function build(input: z.output<typeof exportInputSchema>, db?: Db): Promise<{ header: string[]; rows: unknown[][] }> {
  const { type, period } = input;
  if (type === 'margin') {
    const report = await getMarginReport({ period, groupBy: input.groupBy, db });
    return {
      header: ['period', 'group_by', 'key', 'label', 'requests', 'revenue', 'cost', 'margin', 'margin_percent', 'effective_markup_percent'],
      rows: [
        ...report.rows.map((r) => [period, input.groupBy, r.key, r.label, r.requests, r.revenue, r.cost, r.margin, r.marginPercent, r.effectiveMarkupPercent]),
        [
          period,
          input.groupBy,
          'TOTAL',
          'Total',
          report.totals.requests,
          report.totals.revenue,
          report.totals.cost,
          report.totals.margin,
          report.totals.marginPercent,
          report.totals.effectiveMarkupPercent,
        ],
      ],
    };
  }
  return withPlatform(async (tx) => {
    if (type === 'invoices') {
      const rows = await queryRows<Record<string, unknown>>(
        tx,
        sql`SELECT i.invoice_number, i.period, t.slug AS tenant_slug, t.name AS tenant_name, i.status, i.currency,
                   to_char(i.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS issued_at, to_char(i.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_at,
                   to_char(i.paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS paid_at, to_char(i.voided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS voided_at, i.subtotal::text, i.free_tier_credit::text,
                   i.discount_percent::text, i.discount_amount::text, i.tax_rate_percent::text, i.tax_amount::text,
                   i.total_amount::text, r.invoice_number AS replaces_invoice_number
              FROM invoices i JOIN tenants t ON t.id = i.tenant_id
              LEFT JOIN invoices r ON r.id = i.replaces_invoice_id
             WHERE i.period = ${period} AND i.status <> 'draft'
             ORDER BY i.invoice_number`,
      );
      const header = [
        'invoice_number',
        'period',
        'tenant_slug',
        'tenant_name',
        'status',
        'currency',
        'issued_at',
        'due_at',
        'paid_at',
        'voided_at',
        'subtotal',
        'free_tier_credit',
        'discount_percent',
        'discount_amount',
        'tax_rate_percent',
        'tax_amount',
        'total_amount',
        'replaces_invoice_number',
      ];
      return { header, rows: rows.map((r) => header.map((h) => ts(r[h]))) };
    }
    if (type === 'revenue') {
      const rows = await queryRows<Record<string, unknown>>(
        tx,
        sql`SELECT e.entry_date::text AS entry_date, e.period, t.slug AS tenant_slug, e.kind, e.model_id, e.provider_id,
                   e.amount::text AS amount, e.cost_basis::text AS cost_basis, e.markup_amount::text AS markup_amount,
                   e.source_ref, e.description, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
              FROM revenue_entries e LEFT JOIN tenants t ON t.id = e.tenant_id
             WHERE e.period = ${period}
             ORDER BY e.entry_date, t.slug, e.kind, e.model_id, e.id`,
      );
      const header = [
        'entry_date',
        'period',
        'tenant_slug',
        'kind',
        'model_id',
        'provider_id',
        'amount',
        'cost_basis',
        'markup_amount',
        'source_ref',
        'description',
        'created_at',
      ];
      return { header, rows: rows.map((r) => header.map((h) => ts(r[h]))) };
    }
    const rows = await queryRows<Record<string, unknown>>(
      tx,
      sql`SELECT e.entry_date::text AS entry_date, e.period, t.slug AS tenant_slug, e.kind, e.provider_id, e.model_id,
                 e.amount::text AS amount, e.source_ref, e.description, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at
            FROM cost_entries e LEFT JOIN tenants t ON t.id = e.tenant_id
           WHERE e.period = ${period}
           ORDER BY e.entry_date, t.slug, e.kind, e.provider_id, e.model_id, e.id`,
    );
    const header = ['entry_date', 'period', 'tenant_slug', 'kind', 'provider_id', 'model_id', 'amount', 'source_ref', 'description', 'created_at'];
    return { header, rows: rows.map((r) => header.map((h) => ts(r[h]))) };
  }, db);
}

/** Timestamps from either driver as ISO strings. */
function ts(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

export async function exportCsv({ ctx, input, db }: { ctx: OperatorContext; input: ExportInput; db?: Db }): Promise<ExportResult> {
  const v = exportInputSchema.parse(input);
  const { header, rows } = await build(v, db);
  const csv = toCsv(header, rows);
  const checksum = sha256Hex(csv);
  const filters = v.type === 'margin' ? { groupBy: v.groupBy } : {};
  const exportId = await withPlatform(async (tx) => {
    const [row] = await tx
      .insert(revenueExportLog)
      .values({ exportType: v.type, period: v.period, format: 'csv', filters, rowCount: rows.length, checksum, exportedBy: adminIdOf(ctx) })
      .returning({ id: revenueExportLog.id });
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'billing.export',
      resourceType: 'revenue_export',
      resourceId: row!.id,
      newValues: { type: v.type, period: v.period, filters, rowCount: rows.length, checksum },
    });
    return row!.id;
  }, db);
  const suffix = v.type === 'margin' ? `-by-${v.groupBy}` : '';
  return { exportId, type: v.type, period: v.period, filename: `radiant-${v.type}${suffix}-${v.period}.csv`, csv, rowCount: rows.length, checksum };
}

export interface ExportLogView {
  id: string;
  exportType: string;
  period: string | null;
  format: string;
  filters: unknown;
  rowCount: number;
  checksum: string;
  exportedBy: string | null;
  exportedByEmail: string | null;
  createdAt: string;
}

export async function listExports(opts: { period?: string; limit?: number; db?: Db } = {}): Promise<ExportLogView[]> {
  return withPlatform(async (tx) => {
    const rows = await tx
      .select({ r: revenueExportLog, email: sql<string | null>`(SELECT email FROM administrators a WHERE a.id = ${revenueExportLog.exportedBy})` })
      .from(revenueExportLog)
      .where(opts.period ? eq(revenueExportLog.period, periodSchema.parse(opts.period)) : undefined)
      .orderBy(desc(revenueExportLog.createdAt), asc(revenueExportLog.id))
      .limit(Math.min(opts.limit ?? 100, 500));
    return rows.map(({ r, email }) => ({
      id: r.id,
      exportType: r.exportType,
      period: r.period,
      format: r.format,
      filters: r.filters,
      rowCount: r.rowCount,
      checksum: r.checksum,
      exportedBy: r.exportedBy,
      exportedByEmail: email,
      createdAt: r.createdAt.toISOString(),
    }));
  }, opts.db);
}
