/**
 * The audit trail. `writeAudit(tx, entry)` is called with the SAME transaction as the change it
 * records, so a failed audit insert rolls the change back and a rolled-back change leaves no
 * audit row. The table is append-only in the database (privileges + a trigger, drizzle/0001).
 *
 * Values are redacted before they are stored: keys that look like secrets (password, secret,
 * token, hash, encrypted, recovery) are replaced by "[redacted]".
 */
import { and, desc, eq, gte, ilike, like, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client';
import { auditLogs } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ForbiddenError } from '../errors';
import type { AdminContext, RequestMeta, TenantContext } from './context';
import { hasPermission } from './permissions';

export type AuditActor =
  | { type: 'admin'; id: string | null; email: string | null }
  | { type: 'tenant_user'; id: string | null; email: string | null }
  | { type: 'api_key'; id: string; email?: null }
  | { type: 'system'; id?: null; email?: string | null };

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  oldValues?: unknown;
  newValues?: unknown;
  /** The tenant the action concerned (required when writing on a tenant path: RLS checks it). */
  tenantId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  metadata?: Record<string, unknown>;
}

export type AuditRow = typeof auditLogs.$inferSelect;

const SECRET_KEY_RE = /(password|secret|token|hash|encrypted|recovery|api_?key$|apikey)/i;

/** Deep copy fit for JSONB with secret-looking keys redacted and Dates as ISO strings. */
export function redactForAudit(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length > 10_000 ? `${value.slice(0, 10_000)}…` : value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (depth > 8) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => redactForAudit(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY_RE.test(k) && v !== null && v !== '' ? '[redacted]' : redactForAudit(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

export async function writeAudit(tx: Queryable, entry: AuditEntry): Promise<{ id: string }> {
  const [row] = await tx
    .insert(auditLogs)
    .values({
      actorType: entry.actor.type,
      actorId: entry.actor.id ?? null,
      actorEmail: entry.actor.email ?? null,
      tenantId: entry.tenantId ?? null,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      oldValues: entry.oldValues === undefined ? null : redactForAudit(entry.oldValues),
      newValues: entry.newValues === undefined ? null : redactForAudit(entry.newValues),
      ipAddress: entry.ip ? entry.ip.slice(0, 64) : null,
      userAgent: entry.userAgent ? entry.userAgent.slice(0, 1000) : null,
      requestId: entry.requestId ? entry.requestId.slice(0, 100) : null,
      metadata: (redactForAudit(entry.metadata ?? {}) as Record<string, unknown>) ?? {},
    })
    .returning({ id: auditLogs.id });
  return { id: row!.id };
}

function meta(ctx: RequestMeta) {
  return { ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId };
}

/** Actor and request metadata of an administrator, for writeAudit. */
export function adminAuditFields(ctx: AdminContext): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'> {
  return { actor: { type: 'admin', id: ctx.adminId, email: ctx.email }, ...meta(ctx) };
}

/** Actor, tenant and request metadata of a tenant user, for writeAudit. */
export function tenantAuditFields(ctx: TenantContext): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId' | 'tenantId'> {
  return { actor: { type: 'tenant_user', id: ctx.userId, email: ctx.email }, tenantId: ctx.tenantId, ...meta(ctx) };
}

// ---- reading -------------------------------------------------------------------------------

const dateParam = z
  .union([z.string(), z.date()])
  .transform((v, c) => {
    const d = v instanceof Date ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (Number.isNaN(d.getTime())) {
      c.addIssue({ code: 'custom', message: 'not a date' });
      return z.NEVER;
    }
    return d;
  });

const emptyToUndefined = (v: unknown) => (v === '' || v === null ? undefined : v);

export const auditFilterSchema = z.object({
  /** An admin/user id, or (part of) an e-mail address. */
  actor: z.preprocess(emptyToUndefined, z.string().trim().max(255).optional()),
  /** Exact action, or a prefix ending in "." or "*" (e.g. "approval." or "markup.*"). */
  action: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  resourceType: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  resourceId: z.preprocess(emptyToUndefined, z.string().trim().max(255).optional()),
  tenantId: z.preprocess(emptyToUndefined, z.uuid().optional()),
  from: z.preprocess(emptyToUndefined, dateParam.optional()),
  /** Inclusive; a bare date means the whole day. */
  to: z.preprocess(emptyToUndefined, z.string().or(z.date()).optional()),
  limit: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(100)),
  offset: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(0)),
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
    conds.push(
      isUuid(f.actor) ? eq(auditLogs.actorId, f.actor) : ilike(auditLogs.actorEmail, `%${likeEscape(f.actor)}%`),
    );
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

/** Audit rows about one resource (e.g. an approval request's history), oldest first. */
export async function auditTrailFor(tx: Queryable, resourceType: string, resourceId: string): Promise<AuditRow[]> {
  const rows = await tx
    .select()
    .from(auditLogs)
    .where(and(eq(auditLogs.resourceType, resourceType), eq(auditLogs.resourceId, resourceId)))
    .orderBy(auditLogs.createdAt, auditLogs.id);
  return rows;
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
