/**
 * Invoices: generation (idempotent), issuing with gap-free numbers, status transitions, and the
 * admin read model. The arithmetic lives in ./invoice-math.ts; this file moves it in and out of
 * the database.
 *
 * Numbers: `RAD-YYYY-NNNNNN`, YYYY = the year the invoice is ISSUED (UTC). The number comes from
 * invoice_number_counters, incremented in the issuing transaction (the row lock serializes
 * issuers; a rollback un-does the increment), so numbers are unique and gap-free per year.
 *
 * Immutability: once issued (status != draft) an invoice and its lines never change, except the
 * status transitions pending -> paid | failed | void, failed -> paid | void, paid -> refunded
 * (with their timestamps/reason/metadata). Checked here AND by triggers (migration 0005_billing_integrity) that
 * bind the app role, the platform role and the owner alike. Corrections: void + reissue; the
 * replacement carries replaces_invoice_id.
 */
import { and, asc, desc, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '@/lib/db/client';
import { invoiceLines, invoiceNumberCounters, invoices, tenants } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { InvalidStateError, NotFoundError, ValidationError } from '@/lib/errors';
import { dec, toDbString } from '@/lib/pricing/money';
import type { OperatorContext } from '../platform/context';
import { auditFields, writeAudit, writeAuditMany } from '@/lib/platform/audit';
import { computeInvoice, type ModelUsage } from './invoice-math';
import { lockBookingExclusive } from './locks';
import { assertPeriod, periodRange } from './period';
import { assertPeriodNotClosed } from './periods';

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
export type InvoiceStatus = InvoiceRow['status'];

/** Days from issue to due date. */
export const PAYMENT_TERMS_DAYS = 30;

/** Allowed transitions after issue (draft -> pending is the issue itself). */
export const INVOICE_TRANSITIONS: Readonly<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  draft: ['pending'],
  pending: ['paid', 'failed', 'void'],
  failed: ['paid', 'void'],
  paid: ['refunded'],
  void: [],
  refunded: [],
};

export function formatInvoiceNumber(year: number, n: number): string {
  return `RAD-${year}-${String(n).padStart(6, '0')}`;
}

type UsageRow = {
  tenant_id: string;
  model_id: string;
  display_name: string;
  category: ModelUsage['category'];
  pricing_type: ModelUsage['pricingType'];
  requests: string | number;
  input_tokens: string | number;
  cached_input_tokens: string | number;
  output_tokens: string | number;
  images: string | number;
  video_seconds: string;
  audio_minutes: string;
  characters: string | number;
  tool_calls: string | number;
  price: string;
};

const inList = (ids: readonly string[]) =>
  sql`(${sql.join(
    ids.map((i) => sql`${i}`),
    sql`, `,
  )})`;

/** Usage per tenant and model booked to a period (from usage_rollups, by booked day). */
export async function loadUsageByTenant(tx: Tx, tenantIds: readonly string[], period: string): Promise<Map<string, ModelUsage[]>> {
  const out = new Map<string, ModelUsage[]>();
  if (tenantIds.length === 0) return out;
  const r = periodRange(period);
  const rows = await queryRows<UsageRow>(
    tx,
    sql`SELECT u.tenant_id::text AS tenant_id, u.model_id, m.display_name, m.category, m.pricing_type,
               sum(u.request_count)::text AS requests, sum(u.input_tokens)::text AS input_tokens,
               sum(u.cached_input_tokens)::text AS cached_input_tokens, sum(u.output_tokens)::text AS output_tokens,
               sum(u.image_count)::text AS images, sum(u.video_seconds)::text AS video_seconds,
               sum(u.audio_minutes)::text AS audio_minutes, sum(u.characters)::text AS characters,
               sum(u.tool_calls)::text AS tool_calls, sum(u.price)::text AS price
          FROM usage_rollups u
          JOIN models m ON m.id = u.model_id
         WHERE u.tenant_id IN ${inList(tenantIds)} AND u.rollup_date >= ${r.start}::date AND u.rollup_date < ${r.nextStart}::date
         GROUP BY u.tenant_id, u.model_id, m.display_name, m.category, m.pricing_type`,
  );
  for (const x of rows) {
    const list = out.get(x.tenant_id) ?? [];
    list.push({
      modelId: x.model_id,
      displayName: x.display_name,
      category: x.category,
      pricingType: x.pricing_type,
      requests: String(x.requests),
      inputTokens: String(x.input_tokens),
      cachedInputTokens: String(x.cached_input_tokens),
      outputTokens: String(x.output_tokens),
      images: String(x.images),
      videoSeconds: x.video_seconds,
      audioMinutes: x.audio_minutes,
      characters: String(x.characters),
      toolCalls: String(x.tool_calls),
      price: x.price,
    });
    out.set(x.tenant_id, list);
  }
  return out;
}

export interface BillTenantResult {
  tenantId: string;
  outcome: 'created' | 'unchanged';
  invoiceId: string;
  invoiceNumber: string | null;
  total: string;
}

const RULE_NOTE = 'lines rounded half-even to cents once; free tier, then the volume discount on the net; tax on the discounted net';

/**
 * Generate and issue the invoices of a period for several tenants, in the caller's transaction
 * (the billing run uses chunks of tenants; billTenant is the one-tenant case: one code path).
 * Idempotent: a tenant whose invoice is already issued (not void) is `unchanged`; a leftover
 * draft is rebuilt. Takes the booking lock so no rollup books usage into these (tenant, period)
 * pairs meanwhile. Numbers are taken from the year's counter in one step, in tenant order.
 */
export async function issueInvoices(
  tx: Tx,
  ctx: OperatorContext,
  input: {
    period: string;
    tenantIds: readonly string[];
    billingRunId?: string | null;
    /** Tenant -> the voided invoice this one replaces (default: its latest void one, if any). */
    replaces?: ReadonlyMap<string, string>;
    now?: Date;
  },
): Promise<BillTenantResult[]> {
  const period = assertPeriod(input.period);
  const ids = [...new Set(input.tenantIds)];
  if (ids.length === 0) return [];
  await lockBookingExclusive(tx);
  await assertPeriodNotClosed(tx, period);

  const live = await tx
    .select()
    .from(invoices)
    .where(and(eq(invoices.period, period), ne(invoices.status, 'void'), sql`${invoices.tenantId} IN ${inList(ids)}`))
    .for('update');
  const results = new Map<string, BillTenantResult>();
  const drafts: string[] = [];
  for (const row of live) {
    if (row.status === 'draft') drafts.push(row.id);
    else
      results.set(row.tenantId, { tenantId: row.tenantId, outcome: 'unchanged', invoiceId: row.id, invoiceNumber: row.invoiceNumber, total: row.totalAmount });
  }
  if (drafts.length) await tx.delete(invoices).where(sql`${invoices.id} IN ${inList(drafts)}`);
  const todo = ids.filter((id) => !results.has(id));
  if (todo.length === 0) return ids.map((id) => results.get(id)!);

  const tenantRows = await tx
    .select({ id: tenants.id, slug: tenants.slug, taxRatePercent: tenants.taxRatePercent, currency: tenants.currency })
    .from(tenants)
    .where(sql`${tenants.id} IN ${inList(todo)}`);
  if (tenantRows.length !== todo.length) throw new NotFoundError('tenant not found');
  tenantRows.sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  const lastVoid = new Map(
    (
      await queryRows<{ tenant_id: string; id: string }>(
        tx,
        sql`SELECT DISTINCT ON (tenant_id) tenant_id::text AS tenant_id, id::text AS id FROM invoices
             WHERE period = ${period} AND status = 'void' AND tenant_id IN ${inList(todo)}
             ORDER BY tenant_id, voided_at DESC`,
      )
    ).map((x) => [x.tenant_id, x.id]),
  );
  const usage = await loadUsageByTenant(tx, todo, period);
  const r = periodRange(period);
  const computed = tenantRows.map((t) => ({
    tenant: t,
    replaces: input.replaces?.get(t.id) ?? lastVoid.get(t.id) ?? null,
    inv: computeInvoice({ usage: usage.get(t.id) ?? [], taxRatePercent: t.taxRatePercent, currency: t.currency }),
  }));

  const inserted = await tx
    .insert(invoices)
    .values(
      computed.map(({ tenant, replaces, inv }) => ({
        tenantId: tenant.id,
        period,
        periodStart: r.start,
        periodEnd: r.end,
        currency: tenant.currency,
        subtotal: inv.totals.subtotal.toFixed(2),
        freeTierCredit: inv.totals.freeTierCredit.toFixed(2),
        discountPercent: inv.totals.discountPercent.toFixed(4),
        discountAmount: inv.totals.discountAmount.toFixed(2),
        taxRatePercent: inv.totals.taxRatePercent.toFixed(4),
        taxAmount: inv.totals.taxAmount.toFixed(2),
        totalAmount: inv.totals.total.toFixed(2),
        status: 'draft' as const,
        replacesInvoiceId: replaces,
        billingRunId: input.billingRunId ?? null,
        metadata: { rule: RULE_NOTE },
      })),
    )
    .returning({ id: invoices.id, tenantId: invoices.tenantId });
  const idByTenant = new Map(inserted.map((x) => [x.tenantId, x.id]));

  const lineRows = computed.flatMap(({ tenant, inv }) =>
    inv.lines.map((l) => ({
      tenantId: tenant.id,
      invoiceId: idByTenant.get(tenant.id)!,
      lineNo: l.lineNo,
      kind: l.kind,
      modelId: l.modelId,
      description: l.description,
      unit: l.unit,
      quantity: toDbString(l.quantity),
      unitPrice: toDbString(l.unitPrice),
      exactAmount: toDbString(l.exactAmount),
      amount: l.amount.toFixed(2),
    })),
  );
  for (let i = 0; i < lineRows.length; i += 2000) await tx.insert(invoiceLines).values(lineRows.slice(i, i + 2000));

  // Gap-free numbers: one increment of the year's counter by N, inside this transaction.
  const issuedAt = input.now ?? new Date();
  const year = issuedAt.getUTCFullYear();
  const n = computed.length;
  const [counter] = await tx
    .insert(invoiceNumberCounters)
    .values({ year, lastNumber: n })
    .onConflictDoUpdate({ target: invoiceNumberCounters.year, set: { lastNumber: sql`${invoiceNumberCounters.lastNumber} + ${n}` } })
    .returning({ last: invoiceNumberCounters.lastNumber });
  const first = counter!.last - n + 1;
  const dueAt = new Date(issuedAt.getTime() + PAYMENT_TERMS_DAYS * 86_400_000);
  const numbered = computed.map(({ tenant }, i) => ({ id: idByTenant.get(tenant.id)!, number: formatInvoiceNumber(year, first + i) }));
  await tx.execute(sql`
    UPDATE invoices AS i SET status = 'pending', invoice_number = v.num, issued_at = ${issuedAt.toISOString()}::timestamptz,
           due_at = ${dueAt.toISOString()}::timestamptz, updated_at = ${issuedAt.toISOString()}::timestamptz
      FROM (VALUES ${sql.join(
        numbered.map((x) => sql`(${x.id}::uuid, ${x.number})`),
        sql`, `,
      )}) AS v(id, num)
     WHERE i.id = v.id`);
  await writeAuditMany(
    tx,
    computed.map(({ tenant, replaces, inv }, i) => ({
      ...auditFields(ctx),
      action: 'billing.invoice.issued',
      resourceType: 'invoice',
      resourceId: numbered[i]!.id,
      tenantId: tenant.id,
      newValues: {
        invoiceNumber: numbered[i]!.number,
        period,
        total: inv.totals.total.toFixed(2),
        replacesInvoiceId: replaces,
        billingRunId: input.billingRunId ?? null,
      },
    })),
  );
  computed.forEach(({ tenant, inv }, i) =>
    results.set(tenant.id, {
      tenantId: tenant.id,
      outcome: 'created',
      invoiceId: numbered[i]!.id,
      invoiceNumber: numbered[i]!.number,
      total: inv.totals.total.toFixed(2),
    }),
  );
  return ids.map((id) => results.get(id)!);
}

/** One tenant's invoice for a period (see issueInvoices). */
export async function billTenant(
  tx: Tx,
  ctx: OperatorContext,
  input: { tenantId: string; period: string; billingRunId?: string | null; replacesInvoiceId?: string | null; now?: Date },
): Promise<BillTenantResult> {
  const [res] = await issueInvoices(tx, ctx, {
    period: input.period,
    tenantIds: [input.tenantId],
    billingRunId: input.billingRunId,
    replaces: input.replacesInvoiceId ? new Map([[input.tenantId, input.replacesInvoiceId]]) : undefined,
    now: input.now,
  });
  return res!;
}

async function lockInvoice(tx: Tx, invoiceId: string): Promise<InvoiceRow> {
  if (!/^[0-9a-f-]{36}$/i.test(invoiceId)) throw new NotFoundError('invoice not found');
  const [row] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for('update');
  if (!row) throw new NotFoundError('invoice not found');
  return row;
}

function assertTransition(row: InvoiceRow, to: InvoiceStatus): void {
  if (!INVOICE_TRANSITIONS[row.status].includes(to)) {
    throw new InvalidStateError(`invoice ${row.invoiceNumber ?? row.id} is ${row.status}: it cannot become ${to}`, {
      details: { from: row.status, to, allowed: INVOICE_TRANSITIONS[row.status] },
    });
  }
}

export interface VoidResult {
  voided: InvoiceView;
  replacement: InvoiceView | null;
}

/** Void an issued invoice (pending/failed) and, by default, issue its replacement at once. */
export async function voidInvoice({
  ctx,
  input,
  db,
}: {
  ctx: OperatorContext;
  input: { invoiceId: string; reason: string; reissue?: boolean };
  db?: Db;
}): Promise<VoidResult> {
  if (!input.reason.trim()) throw new ValidationError('a reason is required', [{ path: 'reason', message: 'required' }]);
  const ids = await withPlatform(async (tx) => {
    await lockBookingExclusive(tx);
    const row = await lockInvoice(tx, input.invoiceId);
    assertTransition(row, 'void');
    await assertPeriodNotClosed(tx, row.period);
    const now = new Date();
    await tx.update(invoices).set({ status: 'void', voidedAt: now, voidReason: input.reason, updatedAt: now }).where(eq(invoices.id, row.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'billing.invoice.voided',
      resourceType: 'invoice',
      resourceId: row.id,
      tenantId: row.tenantId,
      oldValues: { status: row.status },
      newValues: { status: 'void', reason: input.reason },
    });
    let replacementId: string | null = null;
    if (input.reissue !== false) {
      const res = await billTenant(tx, ctx, { tenantId: row.tenantId, period: row.period, replacesInvoiceId: row.id, now });
      replacementId = res.invoiceId;
    }
    return { voidedId: row.id, replacementId };
  }, db);
  return withPlatform(
    async (tx) => ({
      voided: await getInvoice(tx, ids.voidedId),
      replacement: ids.replacementId ? await getInvoice(tx, ids.replacementId) : null,
    }),
    db,
  );
}

async function transition(
  ctx: OperatorContext,
  invoiceId: string,
  to: 'paid' | 'failed' | 'refunded',
  extra: { paidAt?: Date; reference?: string | null; note?: string | null },
  db?: Db,
): Promise<InvoiceView> {
  await withPlatform(async (tx) => {
    const row = await lockInvoice(tx, invoiceId);
    assertTransition(row, to);
    const now = new Date();
    const metadata = { ...(row.metadata as Record<string, unknown>) };
    const event: Record<string, unknown> = { status: to, at: now.toISOString() };
    if (extra.reference) event.reference = extra.reference;
    if (extra.note) event.note = extra.note;
    metadata.history = [...(Array.isArray(metadata.history) ? metadata.history : []), event];
    await tx
      .update(invoices)
      .set({ status: to, updatedAt: now, metadata, ...(to === 'paid' ? { paidAt: extra.paidAt ?? now } : {}) })
      .where(eq(invoices.id, row.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: `billing.invoice.${to === 'paid' ? 'marked_paid' : to === 'failed' ? 'marked_failed' : 'refunded'}`,
      resourceType: 'invoice',
      resourceId: row.id,
      tenantId: row.tenantId,
      oldValues: { status: row.status },
      newValues: event,
    });
  }, db);
  return withPlatform((tx) => getInvoice(tx, invoiceId), db);
}

export function markInvoicePaid({ ctx, input, db }: { ctx: OperatorContext; input: { invoiceId: string; paidAt?: Date; reference?: string | null }; db?: Db }) {
  return transition(ctx, input.invoiceId, 'paid', { paidAt: input.paidAt, reference: input.reference ?? null }, db);
}

export function markInvoiceFailed({ ctx, input, db }: { ctx: OperatorContext; input: { invoiceId: string; note?: string | null }; db?: Db }) {
  return transition(ctx, input.invoiceId, 'failed', { note: input.note ?? null }, db);
}

export function refundInvoice({ ctx, input, db }: { ctx: OperatorContext; input: { invoiceId: string; note?: string | null }; db?: Db }) {
  return transition(ctx, input.invoiceId, 'refunded', { note: input.note ?? null }, db);
}

// ---------------------------------------------------------------------------------------------
// Read model (admin)
// ---------------------------------------------------------------------------------------------

export interface InvoiceLineView {
  lineNo: number;
  kind: InvoiceLineRow['kind'];
  modelId: string | null;
  description: string;
  unit: string | null;
  quantity: string;
  unitPrice: string;
  exactAmount: string;
  amount: string;
}

export interface InvoiceView {
  id: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  invoiceNumber: string | null;
  period: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  status: InvoiceStatus;
  subtotal: string;
  freeTierCredit: string;
  discountPercent: string;
  discountAmount: string;
  taxRatePercent: string;
  taxAmount: string;
  total: string;
  issuedAt: string | null;
  dueAt: string | null;
  paidAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  replacesInvoiceId: string | null;
  replacedByInvoiceId: string | null;
  billingRunId: string | null;
  metadata: Record<string, unknown>;
  lines: InvoiceLineView[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toInvoiceView(row: InvoiceRow, tenant: { slug: string; name: string }, lines: InvoiceLineRow[], replacedBy: string | null): InvoiceView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    invoiceNumber: row.invoiceNumber,
    period: row.period,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    currency: row.currency,
    status: row.status,
    subtotal: row.subtotal,
    freeTierCredit: row.freeTierCredit,
    discountPercent: row.discountPercent,
    discountAmount: row.discountAmount,
    taxRatePercent: row.taxRatePercent,
    taxAmount: row.taxAmount,
    total: row.totalAmount,
    issuedAt: iso(row.issuedAt),
    dueAt: iso(row.dueAt),
    paidAt: iso(row.paidAt),
    voidedAt: iso(row.voidedAt),
    voidReason: row.voidReason,
    replacesInvoiceId: row.replacesInvoiceId,
    replacedByInvoiceId: replacedBy,
    billingRunId: row.billingRunId,
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    lines: [...lines]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map((l) => ({
        lineNo: l.lineNo,
        kind: l.kind,
        modelId: l.modelId,
        description: l.description,
        unit: l.unit,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        exactAmount: l.exactAmount,
        amount: l.amount,
      })),
  };
}

/** Read an invoice with its lines in an open transaction (platform or tenant: RLS decides). */
export async function readInvoice(tx: Tx, invoiceId: string): Promise<InvoiceView | null> {
  if (!/^[0-9a-f-]{36}$/i.test(invoiceId)) return null;
  const [row] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId));
  if (!row) return null;
  const [tenant] = await tx.select({ slug: tenants.slug, name: tenants.name }).from(tenants).where(eq(tenants.id, row.tenantId));
  const lines = await tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, row.id)).orderBy(asc(invoiceLines.lineNo));
  const [next] = await tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.replacesInvoiceId, row.id)).limit(1);
  return toInvoiceView(row, tenant ?? { slug: '', name: '' }, lines, next?.id ?? null);
}

/** An invoice that must exist (404 otherwise), read in the caller's transaction. */
export async function getInvoice(tx: Tx, invoiceId: string): Promise<InvoiceView> {
  const v = await readInvoice(tx, invoiceId);
  if (!v) throw new NotFoundError('invoice not found');
  return v;
}

/** Admin detail: the invoice plus what the usage behind it cost us (admin-only). */
export async function getInvoiceAdmin(invoiceId: string): Promise<InvoiceView & { usageCost: string; usageMargin: string }> {
  return withPlatform(async (tx) => {
    const v = await readInvoice(tx, invoiceId);
    if (!v) throw new NotFoundError('invoice not found');
    const r = periodRange(v.period);
    const [c] = await queryRows<{ cost: string | null; price: string | null }>(
      tx,
      sql`SELECT sum(cost)::text AS cost, sum(price)::text AS price FROM usage_rollups
           WHERE tenant_id = ${v.tenantId} AND rollup_date >= ${r.start}::date AND rollup_date < ${r.nextStart}::date`,
    );
    const cost = dec(c?.cost ?? '0');
    return { ...v, usageCost: toDbString(cost), usageMargin: toDbString(dec(c?.price ?? '0').minus(cost)) };
  });
}

export interface InvoiceListFilters {
  period?: string;
  status?: InvoiceStatus;
  tenantId?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

export interface InvoiceListItem {
  id: string;
  invoiceNumber: string | null;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  period: string;
  status: InvoiceStatus;
  currency: string;
  subtotal: string;
  discountAmount: string;
  taxAmount: string;
  total: string;
  issuedAt: string | null;
  dueAt: string | null;
  paidAt: string | null;
  replacesInvoiceId: string | null;
}

export async function listInvoices(filters: InvoiceListFilters = {}): Promise<{ items: InvoiceListItem[]; total: number; limit: number; offset: number }> {
  const limit = Math.min(Math.max(filters.limit ?? 50, 1), 500);
  const offset = Math.max(filters.offset ?? 0, 0);
  return withPlatform(async (tx) => {
    const where: SQL[] = [];
    if (filters.period) where.push(eq(invoices.period, assertPeriod(filters.period)));
    if (filters.status) where.push(eq(invoices.status, filters.status));
    if (filters.tenantId) where.push(eq(invoices.tenantId, filters.tenantId));
    if (filters.q) {
      const like = `%${filters.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
      where.push(or(ilike(invoices.invoiceNumber, like), ilike(tenants.name, like), ilike(tenants.slug, like))!);
    }
    const cond = where.length ? and(...where) : undefined;
    const rows = await tx
      .select({ inv: invoices, slug: tenants.slug, name: tenants.name })
      .from(invoices)
      .innerJoin(tenants, eq(tenants.id, invoices.tenantId))
      .where(cond)
      .orderBy(desc(invoices.period), desc(invoices.issuedAt), asc(invoices.invoiceNumber))
      .limit(limit)
      .offset(offset);
    const [cnt] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(invoices)
      .innerJoin(tenants, eq(tenants.id, invoices.tenantId))
      .where(cond);
    return {
      items: rows.map(({ inv, slug, name }) => ({
        id: inv.id,
        invoiceNumber: inv.invoiceNumber,
        tenantId: inv.tenantId,
        tenantSlug: slug,
        tenantName: name,
        period: inv.period,
        status: inv.status,
        currency: inv.currency,
        subtotal: inv.subtotal,
        discountAmount: inv.discountAmount,
        taxAmount: inv.taxAmount,
        total: inv.totalAmount,
        issuedAt: iso(inv.issuedAt),
        dueAt: iso(inv.dueAt),
        paidAt: iso(inv.paidAt),
        replacesInvoiceId: inv.replacesInvoiceId,
      })),
      total: Number(cnt?.n ?? 0),
      limit,
      offset,
    };
  });
}
