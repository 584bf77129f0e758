/**
 * Tenant-facing billing: the tenant's invoices and usage, PRICE ONLY. Everything here runs under
 * withTenant (role radiant_app, RLS to the caller's tenant; the tenant comes from the session)
 * and leaves through `.strict()` zod schemas built field by field, so no cost, markup or margin
 * can reach a tenant even by accident (and radiant_app cannot read the cost columns at all:
 * column grants in migration 0005).
 */
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/lib/db/client';
import { invoices, tenants } from '@/lib/db/schema';
import { withPlatform, withTenant } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { ZERO, dec, toDbString } from '@/lib/pricing/money';
import { readInvoice, type InvoiceView } from './invoices';
import { currentPeriod, periodRange } from './period';
import { decimalString, periodSchema } from '@/lib/platform/schemas';

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

export async function listPortalInvoices(tenantId: string, db?: Db): Promise<PortalInvoiceSummary[]> {
  return withTenant(
    tenantId,
    async (tx) => {
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
    },
    db,
  );
}

/** One of the tenant's own issued invoices; another tenant's id is simply not found (RLS). */
export async function getPortalInvoice(tenantId: string, invoiceId: string, db?: Db): Promise<PortalInvoice> {
  return withTenant(
    tenantId,
    async (tx) => {
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
    },
    db,
  );
}

// ---------------------------------------------------------------------------------------------
// Usage (price only)
// ---------------------------------------------------------------------------------------------

const count = z.number().int().nonnegative();

export const portalUsageSchema = z
  .object({
    period: z.string(),
    currency: z.string(),
    /** True when usage not yet folded into the daily rollups is included (the current month). */
    includesUnprocessed: z.boolean(),
    totals: z
      .object({
        spend: money,
        requests: count,
        inputTokens: count,
        cachedInputTokens: count,
        outputTokens: count,
        totalTokens: count,
        images: count,
        videoSeconds: money,
        audioMinutes: money,
        characters: count,
      })
      .strict(),
    byDay: z.array(z.object({ date: z.string(), spend: money, requests: count, tokens: count }).strict()),
    byModel: z.array(
      z
        .object({
          modelId: z.string(),
          model: z.string(),
          displayName: z.string(),
          spend: money,
          requests: count,
          inputTokens: count,
          outputTokens: count,
          totalTokens: count,
          images: count,
          videoSeconds: money,
          audioMinutes: money,
          characters: count,
        })
        .strict(),
    ),
    budget: z
      .object({
        monthlyBudget: money.nullable(),
        spent: money,
        remaining: money.nullable(),
        percentUsed: z.number().nullable(),
      })
      .strict(),
  })
  .strict();
export type PortalUsage = z.infer<typeof portalUsageSchema>;

interface UsageAgg {
  spend: ReturnType<typeof dec>;
  requests: number;
  input: number;
  cached: number;
  output: number;
  images: number;
  video: ReturnType<typeof dec>;
  audio: ReturnType<typeof dec>;
  chars: number;
}

function emptyAgg(): UsageAgg {
  return { spend: ZERO, requests: 0, input: 0, cached: 0, output: 0, images: 0, video: ZERO, audio: ZERO, chars: 0 };
}

/** The tenant's spend by day and by model for a month (default: the current one), with budget. */
export async function getPortalUsage(tenantId: string, opts: { period?: string; db?: Db } = {}): Promise<PortalUsage> {
  const period = opts.period ? periodSchema.parse(opts.period) : currentPeriod();
  const r = periodRange(period);
  const live = period === currentPeriod();
  return withTenant(
    tenantId,
    async (tx) => {
      type Row = {
        day: string;
        model_id: string;
        spend: string;
        requests: string | number;
        input: string | number;
        cached: string | number;
        output: string | number;
        images: string | number;
        video: string;
        audio: string;
        chars: string | number;
      };
      // Explicit columns: radiant_app may not read usage_rollups.cost at all.
      const rolled = await queryRows<Row>(
        tx,
        sql`SELECT rollup_date::text AS day, model_id, sum(price)::text AS spend, sum(request_count) AS requests,
                   sum(input_tokens) AS input, sum(cached_input_tokens) AS cached, sum(output_tokens) AS output,
                   sum(image_count) AS images, sum(video_seconds)::text AS video, sum(audio_minutes)::text AS audio,
                   sum(characters) AS chars
              FROM usage_rollups
             WHERE tenant_id = ${tenantId} AND rollup_date >= ${r.start}::date AND rollup_date < ${r.nextStart}::date
             GROUP BY rollup_date, model_id`,
      );
      const pending = live
        ? await queryRows<Row>(
            tx,
            sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model_id, sum(price)::text AS spend,
                       sum(request_count) AS requests, sum(input_tokens) AS input, sum(cached_input_tokens) AS cached,
                       sum(output_tokens) AS output, sum(image_count) AS images, sum(video_seconds)::text AS video,
                       sum(audio_minutes)::text AS audio, sum(characters) AS chars
                  FROM usage_events
                 WHERE tenant_id = ${tenantId} AND seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1)
                   AND created_at >= (${r.start}::timestamp AT TIME ZONE 'UTC') AND created_at < (${r.nextStart}::timestamp AT TIME ZONE 'UTC')
                 GROUP BY 1, model_id`,
          )
        : [];
      const byDay = new Map<string, UsageAgg>();
      const byModel = new Map<string, UsageAgg>();
      const total = emptyAgg();
      const add = (a: UsageAgg, x: Row) => {
        a.spend = a.spend.plus(dec(x.spend ?? '0'));
        a.requests += Number(x.requests ?? 0);
        a.input += Number(x.input ?? 0);
        a.cached += Number(x.cached ?? 0);
        a.output += Number(x.output ?? 0);
        a.images += Number(x.images ?? 0);
        a.video = a.video.plus(dec(x.video ?? '0'));
        a.audio = a.audio.plus(dec(x.audio ?? '0'));
        a.chars += Number(x.chars ?? 0);
      };
      for (const x of [...rolled, ...pending]) {
        if (!byDay.has(x.day)) byDay.set(x.day, emptyAgg());
        if (!byModel.has(x.model_id)) byModel.set(x.model_id, emptyAgg());
        add(byDay.get(x.day)!, x);
        add(byModel.get(x.model_id)!, x);
        add(total, x);
      }
      const names = new Map<string, { name: string; displayName: string }>();
      if (byModel.size) {
        const ids = [...byModel.keys()];
        const ms = await queryRows<{ id: string; name: string; display_name: string }>(
          tx,
          sql`SELECT id, name, display_name FROM models WHERE id IN (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )})`,
        );
        for (const m of ms) names.set(m.id, { name: m.name, displayName: m.display_name });
      }
      const [t] = await tx.select({ budget: tenants.monthlyBudget, currency: tenants.currency }).from(tenants).where(eq(tenants.id, tenantId));
      const budget = t?.budget ? dec(t.budget) : null;
      const remaining = budget ? (budget.minus(total.spend).isNegative() ? ZERO : budget.minus(total.spend)) : null;
      const percentUsed = budget && !budget.isZero() ? Number(total.spend.div(budget).times(100).toDecimalPlaces(2).toFixed()) : null;

      return portalUsageSchema.parse({
        period,
        currency: t?.currency ?? 'USD',
        includesUnprocessed: live,
        totals: {
          spend: toDbString(total.spend),
          requests: total.requests,
          inputTokens: total.input,
          cachedInputTokens: total.cached,
          outputTokens: total.output,
          totalTokens: total.input + total.output,
          images: total.images,
          videoSeconds: toDbString(total.video),
          audioMinutes: toDbString(total.audio),
          characters: total.chars,
        },
        byDay: [...byDay.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([date, a]) => ({ date, spend: toDbString(a.spend), requests: a.requests, tokens: a.input + a.output })),
        byModel: [...byModel.entries()]
          .map(([modelId, a]) => ({
            modelId,
            model: names.get(modelId)?.name ?? modelId,
            displayName: names.get(modelId)?.displayName ?? modelId,
            spend: toDbString(a.spend),
            requests: a.requests,
            inputTokens: a.input,
            outputTokens: a.output,
            totalTokens: a.input + a.output,
            images: a.images,
            videoSeconds: toDbString(a.video),
            audioMinutes: toDbString(a.audio),
            characters: a.chars,
          }))
          .sort((a, b) => dec(b.spend).comparedTo(dec(a.spend)) || (a.model < b.model ? -1 : 1)),
        budget: {
          monthlyBudget: budget ? toDbString(budget) : null,
          spent: toDbString(total.spend),
          remaining: remaining ? toDbString(remaining) : null,
          percentUsed,
        },
      });
    },
    opts.db,
  );
}

/** The price-only document shape of any invoice, for admin downloads (PDF/CSV). */
export async function getInvoiceDocumentAdmin(invoiceId: string, db?: Db): Promise<PortalInvoice> {
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
  }, db);
}
