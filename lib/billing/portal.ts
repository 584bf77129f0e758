/**
 * Tenant-facing billing: the tenant's invoices, PRICE ONLY (its usage: lib/portal-views/usage.ts). Everything here runs under
 * withTenant (role radiant_app, RLS to the caller's tenant; the tenant comes from the session)
 * and leaves through `.strict()` zod schemas built field by field, so no cost, markup or margin
 * can reach a tenant even by accident (and radiant_app cannot read the cost columns at all:
 * column grants in migration 0005).
 */
import { and, desc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { invoices, tenants } from '@/lib/db/schema';
import { withPlatform, withTenant } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { readInvoice, type InvoiceView } from './invoices';
import { decimalString } from '@/lib/platform/schemas';

const money = decimalString;
const isoOrNull = z.string().nullable();

export const portalInvoiceLineSchema = z
  .object({
    lineNo: z.number().int(),
    kind: z.enum(['usage', 'free_tier_credit', 'volume_discount', 'tax', 'adjustment']),
    modelId: z.string().nullable(),
    description: z.string(),
    unit: z.string().nullable(),
    quantity: money,
    unitPrice: money,
    amount: money,
  })
  .strict();

export const portalInvoiceSummarySchema = z
  .object({
    id: z.uuid(),
    invoiceNumber: z.string().nullable(),
    period: z.string(),
    status: z.enum(['pending', 'paid', 'failed', 'void', 'refunded']),
    currency: z.string(),
    total: money,
    issuedAt: isoOrNull,
    dueAt: isoOrNull,
    paidAt: isoOrNull,
  })
  .strict();
export type PortalInvoiceSummary = z.infer<typeof portalInvoiceSummarySchema>;

export const portalInvoiceSchema = portalInvoiceSummarySchema
  .extend({
    periodStart: z.string(),
    periodEnd: z.string(),
    billTo: z.object({ name: z.string(), email: z.string().nullable() }).strict(),
    subtotal: money,
    freeTierCredit: money,
    discountPercent: money,
    discountAmount: money,
    taxRatePercent: money,
    taxAmount: money,
    voidedAt: isoOrNull,
    voidReason: z.string().nullable(),
    replacesInvoiceNumber: z.string().nullable(),
    replacedByInvoiceNumber: z.string().nullable(),
    lines: z.array(portalInvoiceLineSchema),
  })
  .strict();
export type PortalInvoice = z.infer<typeof portalInvoiceSchema>;

/** Tenant serializer for one invoice (field by field, then the strict schema). */
export function toPortalInvoice(
  v: InvoiceView,
  extra: { billingEmail: string | null; replacesNumber: string | null; replacedByNumber: string | null },
): PortalInvoice {
  return portalInvoiceSchema.parse({
    id: v.id,
    invoiceNumber: v.invoiceNumber,
    period: v.period,
    status: v.status,
    currency: v.currency,
    total: v.total,
    issuedAt: v.issuedAt,
    dueAt: v.dueAt,
    paidAt: v.paidAt,
    periodStart: v.periodStart,
    periodEnd: v.periodEnd,
    billTo: { name: v.tenantName, email: extra.billingEmail },
    subtotal: v.subtotal,
    freeTierCredit: v.freeTierCredit,
    discountPercent: v.discountPercent,
    discountAmount: v.discountAmount,
    taxRatePercent: v.taxRatePercent,
    taxAmount: v.taxAmount,
    voidedAt: v.voidedAt,
    voidReason: v.voidReason,
    replacesInvoiceNumber: extra.replacesNumber,
    replacedByInvoiceNumber: extra.replacedByNumber,
    lines: v.lines.map((l) => ({
      lineNo: l.lineNo,
      kind: l.kind,
      modelId: l.modelId,
      description: l.description,
      unit: l.unit,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      amount: l.amount,
    })),
  });
}

export async function listPortalInvoices(tenantId: string): Promise<PortalInvoiceSummary[]> {
  return withTenant(tenantId, async (tx) => {
    const rows = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), ne(invoices.status, 'draft')))
      .orderBy(desc(invoices.period), desc(invoices.issuedAt));
    return rows.map((r) =>
      portalInvoiceSummarySchema.parse({
        id: r.id,
        invoiceNumber: r.invoiceNumber,
        period: r.period,
        status: r.status,
        currency: r.currency,
        total: r.totalAmount,
        issuedAt: r.issuedAt?.toISOString() ?? null,
        dueAt: r.dueAt?.toISOString() ?? null,
        paidAt: r.paidAt?.toISOString() ?? null,
      }),
    );
  });
}

/** One of the tenant's own issued invoices; another tenant's id is simply not found (RLS). */
export async function getPortalInvoice(tenantId: string, invoiceId: string): Promise<PortalInvoice> {
  return withTenant(tenantId, async (tx) => {
    const v = await readInvoice(tx, invoiceId);
    if (!v || v.tenantId !== tenantId || v.status === 'draft') throw new NotFoundError('invoice not found');
    const [t] = await tx.select({ email: tenants.billingEmail }).from(tenants).where(eq(tenants.id, tenantId));
    const numberOf = async (id: string | null) => {
      if (!id) return null;
      const [r] = await tx.select({ n: invoices.invoiceNumber }).from(invoices).where(eq(invoices.id, id));
      return r?.n ?? null;
    };
    return toPortalInvoice(v, {
      billingEmail: t?.email ?? null,
      replacesNumber: await numberOf(v.replacesInvoiceId),
      replacedByNumber: await numberOf(v.replacedByInvoiceId),
    });
  });
}

/** The price-only document shape of any invoice, for admin downloads (PDF/CSV). */
export async function getInvoiceDocumentAdmin(invoiceId: string): Promise<PortalInvoice> {
  return withPlatform(async (tx) => {
    const v = await readInvoice(tx, invoiceId);
    if (!v) throw new NotFoundError('invoice not found');
    const [t] = await tx.select({ email: tenants.billingEmail }).from(tenants).where(eq(tenants.id, v.tenantId));
    const numberOf = async (id: string | null) => {
      if (!id) return null;
      const [r] = await tx.select({ n: invoices.invoiceNumber }).from(invoices).where(eq(invoices.id, id));
      return r?.n ?? null;
    };
    if (v.status === 'draft') throw new NotFoundError('draft invoices have no document');
    return toPortalInvoice(v, {
      billingEmail: t?.email ?? null,
      replacesNumber: await numberOf(v.replacesInvoiceId),
      replacedByNumber: await numberOf(v.replacedByInvoiceId),
    });
  });
}
