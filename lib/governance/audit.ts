/**
 * Reading the audit trail (filters, per-resource history, CSV). Writing is lib/platform/audit.ts
 * (`writeAudit` + `auditFields(ctx)`), the one writer every domain uses.
 */
import { and, desc, eq, gte, ilike, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client';
import { auditLogs } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ForbiddenError } from '../errors';
import type { AdminContext } from '../platform/context';
import { hasPermission } from './permissions';
import { blank, limitParam, offsetParam, optionalUuid } from '../platform/schemas';

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

export const auditFilterSchema = z.object({
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
  limit: limitParam(10_000, 100),
  offset: offsetParam,
});
export type AuditFilter = z.input<typeof auditFilterSchema>;

function toBound(v: string | Date | undefined): Date | undefined {
  if (v === undefined) return undefined;
  if (v instanceof Date) return v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(new Date(`${v}T00:00:00Z`).getTime() + 86_400_000 - 1);
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

export async function listAudit({ ctx, input }: { ctx: AdminContext; input: AuditFilter }): Promise<{ rows: AuditRow[]; hasMore: boolean }> {
  if (!hasPermission(ctx.role, 'audit.read')) throw new ForbiddenError('Your role cannot read the audit log');
  const f = auditFilterSchema.parse(input);
  const conds: SQL[] = [];
  if (f.actor) {
    conds.push(isUuid(f.actor) ? eq(auditLogs.actorId, f.actor) : ilike(auditLogs.actorEmail, `%${likeEscape(f.actor)}%`));
  }
  if (f.action) {
    if (f.action.endsWith('*') || f.action.endsWith('.')) conds.push(like(auditLogs.action, `${likeEscape(f.action.replace(/\*$/, ''))}%`));
    else conds.push(eq(auditLogs.action, f.action));
  }
  if (f.resourceType) conds.push(eq(auditLogs.resourceType, f.resourceType));
  if (f.resourceId) conds.push(eq(auditLogs.resourceId, f.resourceId));
  if (f.tenantId) conds.push(eq(auditLogs.tenantId, f.tenantId));
  if (f.from) conds.push(gte(auditLogs.createdAt, f.from));
  const to = toBound(f.to);
  if (to) conds.push(lte(auditLogs.createdAt, to));
  const rows = await withPlatform((tx) =>
    tx
      .select()
      .from(auditLogs)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
      .limit(f.limit + 1)
      .offset(f.offset),
  );
  return { rows: rows.slice(0, f.limit), hasMore: rows.length > f.limit };
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

export const AUDIT_CSV_COLUMNS = [
  'created_at',
  'actor_type',
  'actor_id',
  'actor_email',
  'tenant_id',
  'action',
  'resource_type',
  'resource_id',
  'old_values',
  'new_values',
  'ip_address',
  'user_agent',
  'request_id',
  'metadata',
] as const;

/** One CSV cell (RFC 4180 quoting), with spreadsheet formula injection neutralised. */
export function csvCell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (value instanceof Date) s = value.toISOString();
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function auditRowsToCsv(rows: AuditRow[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.createdAt,
        r.actorType,
        r.actorId,
        r.actorEmail,
        r.tenantId,
        r.action,
        r.resourceType,
        r.resourceId,
        r.oldValues,
        r.newValues,
        r.ipAddress,
        r.userAgent,
        r.requestId,
        r.metadata,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
