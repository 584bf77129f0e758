/**
 * The metering quarantine, admin side (docs/gateway.md, "Metering"): list the rows the database
 * refused, replay one (optionally with a repaired row: the ledger row as the writer would insert
 * it), or discard it. Replay goes through the writer's own idempotent write (a row already in
 * the ledger is not written twice); replay and discard are audited (`metering.quarantine_replay`,
 * `metering.quarantine_discard`). Reading needs billing.read; changing, billing.run.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { meteringQuarantine, type QuarantineStatus } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { errorText, writeRows, type RowLine } from '../gateway/metering/rows';
import { writeAudit } from '../platform/audit';
import type { AdminContext } from '../platform/context';

export const quarantineListSchema = z.object({
  status: z.enum(['open', 'replayed', 'discarded']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** 1-based page of `limit` rows (server-side pagination: a poisoned provider can quarantine
   * thousands of events). */
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const replaySchema = z
  .object({
    /** The repaired ledger row (required for an event that could not be priced). */
    payload: z.record(z.string(), z.unknown()).optional(),
    kind: z.enum(['usage', 'log', 'rejection']).optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .strict();

export const discardSchema = z.object({ reason: z.string().trim().min(3).max(500) }).strict();

export type QuarantineRow = typeof meteringQuarantine.$inferSelect;

export interface QuarantinePage {
  items: QuarantineRow[];
  /** Rows with this status (all pages). */
  total: number;
  page: number;
  pageSize: number;
  status: QuarantineStatus;
  /** Open rows, whatever page is shown (the console's badge). */
  open: number;
}

export async function listQuarantine(input: z.input<typeof quarantineListSchema>): Promise<QuarantinePage> {
  const q = quarantineListSchema.parse(input);
  return withPlatform(async (tx) => {
    const items = await tx
      .select()
      .from(meteringQuarantine)
      .where(eq(meteringQuarantine.status, q.status))
      .orderBy(desc(meteringQuarantine.firstSeenAt), desc(meteringQuarantine.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit);
    const counts = await tx.select({ status: meteringQuarantine.status, n: count() }).from(meteringQuarantine).groupBy(meteringQuarantine.status);
    const n = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    return { items, total: n(q.status), page: q.page, pageSize: q.limit, status: q.status, open: n('open') };
  });
}

async function openRow(id: string) {
  const [row] = await withPlatform((tx) => tx.select().from(meteringQuarantine).where(eq(meteringQuarantine.id, id)));
  if (!row) throw new NotFoundError('No such quarantined event');
  if (row.status !== 'open') throw new ConflictError(`This event was already ${row.status}`);
  return row;
}

const actorOf = (ctx: AdminContext) => ({ type: 'admin' as const, id: ctx.adminId, email: ctx.email });

export async function replayQuarantined({ ctx, input }: { ctx: AdminContext; input: { id: string } & Record<string, unknown> }) {
  const i = replaySchema.parse({ payload: input.payload, kind: input.kind, reason: input.reason });
  const row = await openRow(input.id);
  const kind = i.kind ?? (row.kind === 'unpriced' ? null : (row.kind as RowLine['kind']));
  if (!kind)
    throw new ValidationError('This event could not be priced: send the repaired ledger row as `payload` with its `kind`.', [
      { path: 'payload', message: 'required' },
    ]);
  const payload = (i.payload ?? row.payload) as Record<string, unknown>;
  let result;
  try {
    result = await writeRows(undefined, [{ kind, row: payload }]);
  } catch (err) {
    throw new ValidationError(`The database still refuses this row: ${errorText(err).slice(0, 300)}`, [{ path: 'payload', message: 'refused' }]);
  }
  if (result.orphans.length)
    throw new ValidationError(`The database still refuses this row: ${result.orphans[0]!.reason}`, [{ path: 'payload', message: 'refused' }]);
  return withPlatform(async (tx) => {
    const [done] = await tx
      .update(meteringQuarantine)
      .set({ status: 'replayed', resolvedAt: new Date(), resolvedBy: ctx.adminId, payload })
      .where(and(eq(meteringQuarantine.id, row.id), eq(meteringQuarantine.status, 'open')))
      .returning();
    await writeAudit(tx, {
      actor: actorOf(ctx),
      action: 'metering.quarantine_replay',
      resourceType: 'metering_quarantine',
      resourceId: row.id,
      tenantId: row.tenantId,
      oldValues: { payload: row.payload, reason: row.reason },
      newValues: { payload, kind, repaired: i.payload !== undefined && JSON.stringify(i.payload) !== JSON.stringify(row.payload) },
      metadata: { requestId: row.requestId, note: i.reason ?? null },
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
      requestId: ctx.requestId ?? null,
    });
    return done ?? row;
  });
}

export async function discardQuarantined({ ctx, input }: { ctx: AdminContext; input: { id: string } & Record<string, unknown> }) {
  const i = discardSchema.parse({ reason: input.reason });
  const row = await openRow(input.id);
  return withPlatform(async (tx) => {
    const [done] = await tx
      .update(meteringQuarantine)
      .set({ status: 'discarded', resolvedAt: new Date(), resolvedBy: ctx.adminId })
      .where(and(eq(meteringQuarantine.id, row.id), eq(meteringQuarantine.status, 'open')))
      .returning();
    await writeAudit(tx, {
      actor: actorOf(ctx),
      action: 'metering.quarantine_discard',
      resourceType: 'metering_quarantine',
      resourceId: row.id,
      tenantId: row.tenantId,
      oldValues: { payload: row.payload, reason: row.reason },
      metadata: { requestId: row.requestId, note: i.reason },
      ip: ctx.ip ?? null,
      userAgent: ctx.userAgent ?? null,
      requestId: ctx.requestId ?? null,
    });
    return done ?? row;
  });
}
