/**
 * Billing's door to governance: audit rows and the two-person approval workflow
 * (lib/governance). Billing registers two executors (./executors.ts):
 * `billing.close_period` and `billing.reconciliation_adjustment`.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';
import { approvalRequests, auditLogs } from '@/lib/db/schema';
import { proposeChange, type ApprovalView, type ProposeInput } from '@/lib/governance/approvals';
import { auditFields, redactForAudit, writeAudit, type AuditEntry } from '@/lib/platform/audit';
import { ForbiddenError } from '@/lib/errors';
import { isAdminCtx, type OperatorContext } from '../platform/context';

export type BillingAuditEntry = Omit<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'>;

/** Audit row in the caller's transaction (a failed insert rolls the change back). */
export async function audit(tx: Tx, ctx: OperatorContext, entry: BillingAuditEntry): Promise<void> {
  await writeAudit(tx, { ...auditFields(ctx), ...entry });
}

/** Several audit rows in one insert (same shape and redaction as writeAudit), for batches. */
export async function auditMany(tx: Tx, ctx: OperatorContext, entries: BillingAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const f = auditFields(ctx);
  for (let i = 0; i < entries.length; i += 1000) {
    await tx.insert(auditLogs).values(
      entries.slice(i, i + 1000).map((e) => ({
        actorType: f.actor.type,
        actorId: f.actor.id ?? null,
        actorEmail: f.actor.email ?? null,
        tenantId: e.tenantId ?? null,
        action: e.action,
        resourceType: e.resourceType,
        resourceId: e.resourceId ?? null,
        oldValues: e.oldValues === undefined ? null : redactForAudit(e.oldValues),
        newValues: e.newValues === undefined ? null : redactForAudit(e.newValues),
        ipAddress: f.ip ? f.ip.slice(0, 64) : null,
        userAgent: f.userAgent ? f.userAgent.slice(0, 1000) : null,
        requestId: f.requestId ? f.requestId.slice(0, 100) : null,
        metadata: (redactForAudit(e.metadata ?? {}) as Record<string, unknown>) ?? {},
      })),
    );
  }
}

/** Propose an approval request (its own transaction, governance's verb). Admins only. */
export async function propose(ctx: OperatorContext, input: ProposeInput): Promise<ApprovalView> {
  if (!isAdminCtx(ctx)) throw new ForbiddenError('only an administrator can propose a change');
  // Make sure billing's executors are registered (dynamic: executors.ts imports this module).
  await import('./executors');
  return proposeChange({ ctx, input });
}

/** Status of an approval request (null when it does not exist). */
export async function approvalStatus(tx: Tx, approvalId: string): Promise<string | null> {
  const [row] = await tx.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, approvalId));
  return row?.status ?? null;
}
