/**
 * Reading the audit trail (filters, per-resource history, CSV). Writing is lib/platform/audit.ts
 * (`writeAudit` + `auditFields(ctx)`), the one writer every domain uses.
 */
import { and, asc, desc, eq, gte, ilike, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client';
import { auditLogs } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ForbiddenError } from '../errors';
import { csvStreamResponse, type CsvColumn } from '../lists/csv-stream';
import { afterCursor, allPages, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';
import type { AdminContext } from '../platform/context';
import { hasPermission } from './permissions';
import { blank, optionalUuid } from '../platform/schemas';

export type AuditRow = typeof auditLogs.$inferSelect;

// ---- reading -------------------------------------------------------------------------------

const dateParam = z.union([z.string(), z.date()]).transform((v, c) => {
  const d = v instanceof Date ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(d.getTime())) {
    c.addIssue({ code: 'custom', message: 'not a date' });
    return z.NEVER;
  }
  return d;
});

/** The audit log's list parameters: the common list ones (sort = time, dir, cursor, limit 25/50/100)
 * plus its filters. A bad date is a validation error (the screen says so) rather than ignored. */
export const auditFilterSchema = listParamsSchema(['time'] as const, 'time').extend({
  /** An admin/user id, or (part of) an e-mail address. */
  actor: z.preprocess(blank, z.string().trim().max(255).optional()),
  /** Exact action, or a prefix ending in "." or "*" (e.g. "approval." or "markup.*"). */
  action: z.preprocess(blank, z.string().trim().max(100).optional()),
  resourceType: z.preprocess(blank, z.string().trim().max(100).optional()),
  resourceId: z.preprocess(blank, z.string().trim().max(255).optional()),
  tenantId: optionalUuid,
  from: z.preprocess(blank, dateParam.optional()),
  /** Inclusive; a bare date means the whole day. */
  to: z.preprocess(blank, z.string().or(z.date()).optional()),
});
export type AuditFilter = z.input<typeof auditFilterSchema>;
type AuditParams = z.output<typeof auditFilterSchema>;

function toBound(v: string | Date | undefined): Date | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Date) return v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(new Date(`${v}T00:00:00Z`).getTime() + 86_400_000 - 1);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** One keyset page of the audit log, newest first by default; (created_at, id) order, so entries
 * written in the same microsecond neither repeat nor go missing across pages. */
export async function listAuditPage(q: Queryable, f: AuditParams): Promise<Page<AuditRow>> {
  const conds: SQL[] = [];
  if (f.actor) {
    conds.push(isUuid(f.actor) ? eq(auditLogs.actorId, f.actor) : ilike(auditLogs.actorEmail, likePattern(f.actor)));
  }
  if (f.action) {
    if (f.action.endsWith('*') || f.action.endsWith('.'))
      conds.push(like(auditLogs.action, likePattern(f.action.replace(/\*$/, '')).slice(1))); // "prefix%"
    else conds.push(eq(auditLogs.action, f.action));
  }
  if (f.resourceType) conds.push(eq(auditLogs.resourceType, f.resourceType));
  if (f.resourceId) conds.push(eq(auditLogs.resourceId, f.resourceId));
  if (f.tenantId) conds.push(eq(auditLogs.tenantId, f.tenantId));
  if (f.from) conds.push(gte(auditLogs.createdAt, f.from));
  const to = toBound(f.to);
  if (to) conds.push(lte(auditLogs.createdAt, to));
  const after = afterCursor(f.cursor, sql`${auditLogs.createdAt}`, sql`${auditLogs.id}`, f.dir, 'timestamptz');
  if (after) conds.push(after);
  const order = f.dir === 'asc' ? [asc(auditLogs.createdAt), asc(auditLogs.id)] : [desc(auditLogs.createdAt), desc(auditLogs.id)];
  const rows = await q
    .select({ row: auditLogs, ck: sql<string>`${auditLogs.createdAt}::text` })
    .from(auditLogs)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(...order)
    .limit(f.limit + 1);
  const page = toPage(rows, f.limit, (r) => [r.ck, r.row.id]);
  return { ...page, rows: page.rows.map((r) => r.row) };
}

/** One page for an administrator allowed to read the audit log. */
export async function listAudit({ ctx, input }: { ctx: AdminContext; input: AuditFilter }): Promise<Page<AuditRow>> {
  if (!hasPermission(ctx.role, 'audit.read')) throw new ForbiddenError('Your role cannot read the audit log');
  const f = auditFilterSchema.parse(input);
  return withPlatform((tx) => listAuditPage(tx, f));
}

/** Every entry matching the filters, streamed as CSV a page at a time (no cap, never all in memory). */
export function auditCsvResponse({ ctx, input }: { ctx: AdminContext; input: AuditFilter }): Response {
  if (!hasPermission(ctx.role, 'audit.read')) throw new ForbiddenError('Your role cannot read the audit log');
  const f = auditFilterSchema.parse(input);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return csvStreamResponse(
    allPages((fn) => withPlatform(fn), { ...f, limit: 100 as const }, listAuditPage),
    AUDIT_CSV,
    `radiant-audit-${stamp}.csv`,
    ctx.requestId,
  );
}

/** What the audit screen draws of an entry: long old/new values cut to 160 characters on the
 * server, so a page of entries with large JSON payloads stays small on the wire. */
export interface AuditListItem {
  id: string;
  createdAt: string;
  actorEmail: string | null;
  actorType: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  oldValues: string | null;
  newValues: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

function compact(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 160)}…` : s;
}

export function toAuditListItem(r: AuditRow): AuditListItem {
  return {
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    actorEmail: r.actorEmail,
    actorType: r.actorType,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    oldValues: compact(r.oldValues),
    newValues: compact(r.newValues),
    ipAddress: r.ipAddress,
    userAgent: r.userAgent && r.userAgent.length > 120 ? `${r.userAgent.slice(0, 120)}…` : r.userAgent,
  };
}

/** Rows about a resource OR carrying its id in metadata.approvalRequestId (executor changes). */
export async function auditForApproval(tx: Queryable, approvalId: string): Promise<AuditRow[]> {
  return tx
    .select()
    .from(auditLogs)
    .where(
      or(
        and(eq(auditLogs.resourceType, 'approval_request'), eq(auditLogs.resourceId, approvalId)),
        sql`${auditLogs.metadata}->>'approvalRequestId' = ${approvalId}`,
      ),
    )
    .orderBy(auditLogs.createdAt, auditLogs.id);
}

// ---- CSV -----------------------------------------------------------------------------------

const AUDIT_CSV: CsvColumn<AuditRow>[] = [
  { header: 'created_at', value: (r) => r.createdAt },
  { header: 'actor_type', value: (r) => r.actorType },
  { header: 'actor_id', value: (r) => r.actorId },
  { header: 'actor_email', value: (r) => r.actorEmail },
  { header: 'tenant_id', value: (r) => r.tenantId },
  { header: 'action', value: (r) => r.action },
  { header: 'resource_type', value: (r) => r.resourceType },
  { header: 'resource_id', value: (r) => r.resourceId },
  { header: 'old_values', value: (r) => r.oldValues },
  { header: 'new_values', value: (r) => r.newValues },
  { header: 'ip_address', value: (r) => r.ipAddress },
  { header: 'user_agent', value: (r) => r.userAgent },
  { header: 'request_id', value: (r) => r.requestId },
  { header: 'metadata', value: (r) => r.metadata },
];
