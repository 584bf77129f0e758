/**
 * The one audit writer. `writeAudit(tx, entry)` is called with the SAME transaction as the change
 * it records, so a failed audit insert rolls the change back and a rolled-back change leaves no
 * audit row. The table is append-only in the database (privileges + a trigger, drizzle/0001).
 * `auditFields(ctx)` gives the actor and request metadata of any context (admin, tenant user or
 * system), so verbs write `writeAudit(tx, { ...auditFields(ctx), action, ... })`.
 *
 * Values are redacted before they are stored: keys that look like secrets (password, secret,
 * token, hash, encrypted, recovery) are replaced by "[redacted]".
 */
import type { Queryable } from '../db/client';
import { auditLogs } from '../db/schema';
import { isAdminCtx, isTenantCtx, type AnyContext } from './context';

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

function auditRow(entry: AuditEntry): typeof auditLogs.$inferInsert {
  return {
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
  };
}

export async function writeAudit(tx: Queryable, entry: AuditEntry): Promise<{ id: string }> {
  const [row] = await tx.insert(auditLogs).values(auditRow(entry)).returning({ id: auditLogs.id });
  return { id: row!.id };
}

/** Many audit rows in as few inserts as possible (batches: billing runs). Same shape and
 * redaction as writeAudit, same transaction rule. */
export async function writeAuditMany(tx: Queryable, entries: AuditEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    await tx.insert(auditLogs).values(entries.slice(i, i + 1000).map(auditRow));
  }
}

/** Actor and request metadata of whoever is acting (and the tenant, for a tenant user). */
export function auditFields(ctx: AnyContext): Pick<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId' | 'tenantId'> {
  const meta = { ip: ctx.ip, userAgent: ctx.userAgent, requestId: ctx.requestId };
  if (isAdminCtx(ctx)) return { actor: { type: 'admin', id: ctx.adminId, email: ctx.email }, ...meta };
  if (isTenantCtx(ctx)) return { actor: { type: 'tenant_user', id: ctx.userId, email: ctx.email }, tenantId: ctx.tenantId, ...meta };
  return { actor: { type: 'system', email: `system:${ctx.system}` }, ...meta };
}
