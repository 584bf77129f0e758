/**
 * Invoices as a server-side list (issue 14): one keyset page at a time, sorted and filtered in
 * SQL, for the console (every tenant, platform path) and the portal (one tenant, withTenant: RLS
 * plus the explicit filter). Invoice amounts are what the tenant is charged, so the same row
 * serves both audiences; the portal never sees drafts. Keyset on (period, invoice id) or
 * (total, id): page 200 costs what page 1 costs, unlike the OFFSET list it replaces on screens.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../db/client';
import { INVOICE_STATUSES } from '../db/schema';
import { isUuid } from '../db/tenant';
import { decodeCursor, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';
import type { CsvColumn } from '../lists/csv-stream';
import { periodSchema } from '../platform/schemas';
import { decStr, isoOrNull } from '../db/sql-util';

const opt = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional()).catch(undefined);

export const invoiceListParamsSchema = listParamsSchema(['period', 'total'] as const, 'period').extend({
  status: opt(z.enum(INVOICE_STATUSES)),
  period: opt(periodSchema),
  /** Console only (the portal's tenant comes from the session). */
  tenant: opt(z.uuid()),
});
export type InvoiceListParams = z.output<typeof invoiceListParamsSchema>;

export interface InvoiceListRow {
  id: string;
  invoiceNumber: string | null;
  tenantId: string;
  tenantName: string;
  period: string;
  status: string;
  currency: string;
  total: string;
  issuedAt: string | null;
  dueAt: string | null;
  paidAt: string | null;
}

/** One page. `tenantId` set = the portal (that tenant's issued invoices); null = the console. */
export async function listInvoicesPage(q: Queryable, tenantId: string | null, p: InvoiceListParams): Promise<Page<InvoiceListRow>> {
  const where: SQL[] = [sql`true`];
  if (tenantId) where.push(sql`i.tenant_id = ${tenantId}`, sql`i.status <> 'draft'`);
  else if (p.tenant) where.push(sql`i.tenant_id = ${p.tenant}`);
  if (p.status) where.push(sql`i.status = ${p.status}`);
  if (p.period) where.push(sql`i.period = ${p.period}`);
  if (p.q) {
    const like = likePattern(p.q);
    where.push(tenantId ? sql`i.invoice_number ILIKE ${like}` : sql`(i.invoice_number ILIKE ${like} OR t.name ILIKE ${like} OR t.slug ILIKE ${like})`);
  }
  const byTotal = p.sort === 'total';
  const col = byTotal ? sql`i.total_amount` : sql`i.period`;
  const cast = byTotal ? sql`::numeric` : sql`::text`;
  const asc = p.dir === 'asc';
  const c = decodeCursor(p.cursor);
  if (c && c[0] !== null && isUuid(c[1])) where.push(sql`(${col}, i.id) ${asc ? sql`>` : sql`<`} (${String(c[0])}${cast}, ${c[1]}::uuid)`);
  const dir = asc ? sql`ASC` : sql`DESC`;
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT i.id, i.invoice_number, i.tenant_id, t.name AS tenant_name, i.period, i.status, i.currency, i.total_amount::text AS total,
               i.issued_at, i.due_at, i.paid_at
          FROM invoices i JOIN tenants t ON t.id = i.tenant_id
         WHERE ${sql.join(where, sql` AND `)}
         ORDER BY ${col} ${dir}, i.id ${dir} LIMIT ${p.limit + 1}`,
  );
  const page = toPage(rows, p.limit, (r) => [byTotal ? String(r.total) : String(r.period), String(r.id)]);
  return {
    ...page,
    rows: page.rows.map((r) => ({
      id: String(r.id),
      invoiceNumber: r.invoice_number === null || r.invoice_number === undefined ? null : String(r.invoice_number),
      tenantId: String(r.tenant_id),
      tenantName: String(r.tenant_name),
      period: String(r.period),
      status: String(r.status),
      currency: String(r.currency),
      total: decStr(r.total),
      issuedAt: isoOrNull(r.issued_at),
      dueAt: isoOrNull(r.due_at),
      paidAt: isoOrNull(r.paid_at),
    })),
  };
}

export const INVOICE_LIST_CSV: CsvColumn<InvoiceListRow>[] = [
  { header: 'invoice', value: (r) => r.invoiceNumber ?? '' },
  { header: 'tenant', value: (r) => r.tenantName },
  { header: 'period', value: (r) => r.period },
  { header: 'status', value: (r) => r.status },
  { header: 'currency', value: (r) => r.currency },
  { header: 'total', value: (r) => r.total },
  { header: 'issued_at', value: (r) => r.issuedAt ?? '' },
  { header: 'due_at', value: (r) => r.dueAt ?? '' },
  { header: 'paid_at', value: (r) => r.paidAt ?? '' },
];
