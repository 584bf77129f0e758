/**
 * The two-person approval workflow.
 *
 *   proposeChange   operator/admin/super_admin proposes an executor action with a payload
 *                   -> status 'pending', expires after 24 h (RADIANT_APPROVAL_EXPIRY_HOURS)
 *   approveRequest  a DIFFERENT admin whose role may approve that type at that risk (and with an
 *                   MFA session when RADIANT_REQUIRE_MFA_FOR_APPROVAL=true) approves: the payload
 *                   is EXECUTED in the same transaction as the status change and the audit rows
 *                   -> 'executed'. If execution throws, everything rolls back and the request is
 *                   recorded as 'failed' (with the error) in a separate transaction.
 *   rejectRequest   an approver refuses with notes -> 'rejected'
 *   cancelRequest   the initiator withdraws it -> 'cancelled'
 *   expireStaleRequests / any touch after expiry -> 'expired' (never executed)
 *
 * Concurrency: approve/reject/cancel lock the request row (SELECT ... FOR UPDATE) and act only on
 * 'pending', so two simultaneous approvals apply the change once; the second gets ConflictError.
 * The database holds the same rules (CHECK approved_by <> initiated_by; the state-machine trigger
 * in drizzle/0003_approval_guards.sql).
 */
import { notifyApproval } from '../notifications/hooks';
import { notifyInBackground } from '../notifications/notifier';
import { and, asc, desc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { queryRows, type Tx } from '../db/client';
import { administrators, APPROVAL_STATUSES, approvalRequests } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ConflictError, ForbiddenError, InvalidStateError, isAppError, NotFoundError, ValidationError } from '../errors';
import { auditForApproval, type AuditRow } from './audit';
import { auditFields, writeAudit } from '../platform/audit';
import { approvalExpiryHours, requireMfaForApproval } from './config';
import type { AdminContext, PublicContext, RequestMeta } from '../platform/context';
import { ExecutionFailedError, ExpiredError, MfaRequiredError, SelfApprovalError } from './errors';
import { afterChangeExecuted, getExecutor } from './executor-registry';
import { maxRisk, parsePayload, type ApprovalRequestInfo, type ExecutedChange, type PreviewChange, type RegisteredExecutor } from './executors';
import { APPROVAL_TYPES, approverRolesFor, canApprove, hasPermission, RISK_LEVELS, type RiskLevel } from './permissions';
import { blank, optionalUuid } from '../platform/schemas';
import { afterCursor, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';
import { getLogger } from '../observability/logger';

export type ApprovalRow = typeof approvalRequests.$inferSelect;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface ApprovalView {
  id: string;
  environment: ApprovalRow['environment'];
  type: ApprovalRow['type'];
  action: string;
  title: string;
  description: string | null;
  payload: unknown;
  riskLevel: RiskLevel;
  impactAnalysis: string | null;
  rollbackPlan: string | null;
  status: ApprovalStatus;
  initiatedBy: PersonRef | null;
  initiatedAt: string;
  approvedBy: PersonRef | null;
  approvedAt: string | null;
  approvalNotes: string | null;
  rejectedBy: PersonRef | null;
  rejectedAt: string | null;
  cancelledAt: string | null;
  executedAt: string | null;
  executionResult: unknown;
  expiresAt: string;
  createdAt: string;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function person(id: string | null, email: string | null, name: string | null): PersonRef | null {
  return id ? { id, email: email ?? '', name: name ?? '' } : null;
}

// ---- propose -------------------------------------------------------------------------------

const text = (max: number) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(max).optional());

export const proposeInputSchema = z.object({
  action: z.string().trim().min(1, 'choose what to change').max(60),
  type: z.enum(APPROVAL_TYPES).optional(),
  title: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().min(3).max(255).optional()),
  description: text(5000),
  payload: z.unknown(),
  riskLevel: z.enum(RISK_LEVELS).optional(),
  impactAnalysis: text(5000),
  rollbackPlan: text(5000),
  environment: z.enum(['dev', 'staging', 'prod']).default('prod'),
  expiresInHours: z.number().int().min(1).max(168).optional(),
});
export type ProposeInput = z.input<typeof proposeInputSchema>;

function describeChanges(changes: PreviewChange[]): string {
  const fmt = (v: Record<string, unknown> | null) =>
    v === null
      ? '(none)'
      : Object.entries(v)
          .map(([k, x]) => `${k}=${x instanceof Date ? x.toISOString() : JSON.stringify(x)}`)
          .join(', ');
  return changes.map((c) => `${c.resourceType} ${c.resourceId}: ${fmt(c.before)} -> ${fmt(c.after)}`).join('\n');
}

async function requireExecutor(action: string): Promise<RegisteredExecutor> {
  const ex = getExecutor(action);
  if (!ex) throw new ValidationError(`Unknown change "${action}"`, [{ path: 'action', message: 'no such action' }]);
  return ex;
}

export async function proposeChange({ ctx, input }: { ctx: AdminContext; input: ProposeInput }): Promise<ApprovalView> {
  const data = proposeInputSchema.parse(input);
  const executor = await requireExecutor(data.action);
  if (!hasPermission(ctx.role, 'approvals.propose') || !hasPermission(ctx.role, executor.proposePermission ?? 'approvals.propose')) {
    throw new ForbiddenError(`Your role (${ctx.role}) cannot propose ${executor.action}`);
  }
  if (data.type && data.type !== executor.type) {
    throw new ValidationError(`${executor.action} is a ${executor.type} change`, [{ path: 'type', message: `must be ${executor.type}` }]);
  }
  const payload = parsePayload(executor, data.payload);
  const minimum = executor.riskFor ? maxRisk(executor.defaultRisk, executor.riskFor(payload)) : executor.defaultRisk;
  const risk = data.riskLevel ? maxRisk(minimum, data.riskLevel) : minimum;
  const hours = data.expiresInHours ?? approvalExpiryHours();

  const id = await withPlatform(async (tx) => {
    const preview = executor.preview ? await executor.preview(tx, payload) : [];
    const [row] = await tx
      .insert(approvalRequests)
      .values({
        environment: data.environment,
        type: executor.type,
        action: executor.action,
        title: data.title ?? executor.describe?.(payload) ?? executor.label ?? executor.action,
        description: data.description ?? null,
        payload: payload as Record<string, unknown>,
        riskLevel: risk,
        impactAnalysis: data.impactAnalysis ?? (preview.length ? describeChanges(preview) : null),
        rollbackPlan: data.rollbackPlan ?? null,
        initiatedBy: ctx.adminId,
        status: 'pending',
        expiresAt: sql`now() + make_interval(hours => ${hours})`,
      })
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'approval.proposed',
      resourceType: 'approval_request',
      resourceId: row!.id,
      oldValues: null,
      newValues: { status: 'pending', type: row!.type, action: row!.action, riskLevel: row!.riskLevel, title: row!.title, payload },
      metadata: { preview },
    });
    return row!.id;
  });
  const view = (await loadView(id))!;
  notifyApproval(view); // after commit; queued, never blocks or fails the proposal
  return view;
}

// ---- decide --------------------------------------------------------------------------------

interface LockedRow extends Record<string, unknown> {
  id: string;
  type: ApprovalRow['type'];
  action: string;
  title: string;
  risk_level: RiskLevel;
  status: ApprovalStatus;
  initiated_by: string;
  payload: unknown;
  expired: boolean;
}

async function lockRequest(tx: Tx, id: string): Promise<LockedRow> {
  if (!isUuid(id)) throw new NotFoundError('No such approval request');
  const [row] = await queryRows<LockedRow>(
    tx,
    sql`SELECT id, type, action, title, risk_level, status, initiated_by, payload, (expires_at <= now()) AS expired
        FROM approval_requests WHERE id = ${id} FOR UPDATE`,
  );
  if (!row) throw new NotFoundError('No such approval request');
  // PGlite returns jsonb parsed; postgres.js too. Booleans may come back as strings on some drivers.
  row.expired = row.expired === true || (row.expired as unknown) === 't' || (row.expired as unknown) === 'true';
  return row;
}

/** Applies refusalReason to a locked row: throws the refusal's error, or records the expiry and
 * answers true (the caller then reports it after the transaction commits the expiry). */
async function refuse(tx: Tx, ctx: AdminContext, row: LockedRow, decision: Decision): Promise<boolean> {
  const no = refusalReason(
    ctx,
    {
      status: row.status,
      initiatedBy: row.initiated_by,
      type: row.type,
      riskLevel: row.risk_level,
      action: row.action,
      expired: row.expired,
      payload: row.payload,
    },
    decision,
  );
  if (!no) return false;
  if (no.code !== 'expired') throw no.error();
  await markExpired(tx, row, null, ctx);
  return true;
}

async function markExpired(tx: Tx, row: LockedRow, meta: RequestMeta | null, actor?: AdminContext): Promise<void> {
  await tx
    .update(approvalRequests)
    .set({ status: 'expired', updatedAt: sql`now()` })
    .where(and(eq(approvalRequests.id, row.id), eq(approvalRequests.status, 'pending')));
  await writeAudit(tx, {
    ...(actor ? auditFields(actor) : { actor: { type: 'system', email: 'system:approval-expiry' }, ...(meta ?? {}) }),
    action: 'approval.expired',
    resourceType: 'approval_request',
    resourceId: row.id,
    oldValues: { status: 'pending' },
    newValues: { status: 'expired' },
  });
}

const EXPIRED = Symbol('expired');

export const decisionInputSchema = z.object({
  id: z.string(),
  notes: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(5000).optional()),
});
export type DecisionInput = z.input<typeof decisionInputSchema>;

/** What refusalReason needs to know about a request (a row or a view). */
export interface RefusalSubject {
  status: string;
  initiatedBy: string;
  type: ApprovalRow['type'];
  riskLevel: RiskLevel;
  action: string;
  expired: boolean;
  payload: unknown;
}

export type Decision = 'approve' | 'reject' | 'cancel';

/** Why `ctx` may not take `decision` on a request: its message, and the typed error the verb
 * throws. `expired` is told apart because the verbs record the expiry before refusing. */
export interface Refusal {
  code: 'decided' | 'expired' | 'self' | 'not_initiator' | 'role' | 'risk' | 'no_executor' | 'permission' | 'mfa' | 'approver';
  message: string;
  error(): Error;
}

function refusal(code: Refusal['code'], message: string, make: (m: string) => Error): Refusal {
  return { code, message, error: () => make(message) };
}

/**
 * THE approval rules, written once: the UI's eligibility (buttons and their reasons) and the
 * verbs (approveRequest, rejectRequest, cancelRequest) both ask this. null = allowed.
 */
export function refusalReason(ctx: AdminContext, r: RefusalSubject, decision: Decision = 'approve'): Refusal | null {
  if (r.status !== 'pending') {
    return refusal('decided', `This request is already ${r.status}`, (m) => new ConflictError(`${m}; nothing was changed`, { details: { status: r.status } }));
  }
  const own = r.initiatedBy === ctx.adminId;
  if (decision === 'cancel') {
    if (!own) return refusal('not_initiator', 'Only the administrator who proposed it can cancel it', (m) => new ForbiddenError(m));
    return r.expired ? refusal('expired', 'This request has expired', (m) => new ExpiredError(m)) : null;
  }
  if (own) {
    return decision === 'approve'
      ? refusal('self', 'You proposed this change: a different administrator must approve it (two-person rule)', (m) => new SelfApprovalError(m))
      : refusal('self', 'You proposed this change: cancel it instead of rejecting it', (m) => new SelfApprovalError(m));
  }
  if (r.expired) {
    return refusal(
      'expired',
      decision === 'approve' ? 'This request has expired and can no longer be approved' : 'This request has expired',
      (m) => new ExpiredError(m),
    );
  }
  if (!hasPermission(ctx.role, 'approvals.approve')) {
    return refusal('role', `Your role (${ctx.role}) cannot ${decision} changes`, (m) => new ForbiddenError(m));
  }
  if (decision === 'reject') return null;
  if (!canApprove(ctx.role, r.type, r.riskLevel)) {
    return refusal(
      'risk',
      `A ${r.riskLevel}-risk ${r.type.replace(/_/g, ' ')} request must be approved by: ${approverRolesFor(r.type, r.riskLevel).join(', ')}`,
      (m) => new ForbiddenError(m),
    );
  }
  const executor = getExecutor(r.action);
  if (!executor) return refusal('no_executor', `No executor is registered for ${r.action}; the request stays pending`, (m) => new InvalidStateError(m));
  if (executor.approvePermission && !hasPermission(ctx.role, executor.approvePermission)) {
    return refusal('permission', `Approving ${r.action} needs the ${executor.approvePermission} permission`, (m) => new ForbiddenError(m));
  }
  if (requireMfaForApproval() && !ctx.mfa) {
    return refusal('mfa', 'Approving requires a session verified with MFA: enable MFA and sign in again', (m) => new MfaRequiredError(m));
  }
  if (executor.checkApprover) {
    const payload = executor.validate.safeParse(r.payload);
    if (payload.success) {
      try {
        executor.checkApprover(payload.data, ctx);
      } catch (e) {
        if (isAppError(e)) return refusal('approver', e.message, () => e);
        throw e;
      }
    }
  }
  return null;
}

/** Why this admin may or may not approve/reject/cancel the request (for buttons and errors). */
export interface Eligibility {
  approve: { allowed: boolean; reason?: string };
  reject: { allowed: boolean; reason?: string };
  cancel: { allowed: boolean; reason?: string };
}

export function eligibilityFor(
  ctx: AdminContext,
  r: { status: string; initiatedBy: string; type: ApprovalRow['type']; riskLevel: RiskLevel; action: string; expiresAt: Date; payload: unknown },
  now = new Date(),
): Eligibility {
  const subject: RefusalSubject = { ...r, expired: r.expiresAt.getTime() <= now.getTime() };
  const e = (d: Decision) => {
    const no = refusalReason(ctx, subject, d);
    return no ? { allowed: false, reason: `${no.message}.` } : { allowed: true };
  };
  return { approve: e('approve'), reject: e('reject'), cancel: e('cancel') };
}

export async function approveRequest({ ctx, input }: { ctx: AdminContext; input: DecisionInput }): Promise<ApprovalView> {
  const { id, notes } = decisionInputSchema.parse(input);
  if (!hasPermission(ctx.role, 'approvals.approve')) throw new ForbiddenError(`Your role (${ctx.role}) cannot approve changes`);

  // Where we are, so a throw can be told apart: refused (nothing to record) vs execution failed.
  const progress: { stage: 'checks' | 'execute' | 'record' } = { stage: 'checks' };
  let result: typeof EXPIRED | { id: string; info: ApprovalRequestInfo; executed: ExecutedChange[] };
  try {
    result = await withPlatform(async (tx) => {
      const row = await lockRequest(tx, id);
      if (await refuse(tx, ctx, row, 'approve')) return EXPIRED;
      const executor = getExecutor(row.action)!;
      const request: ApprovalRequestInfo = {
        id: row.id,
        type: row.type,
        action: row.action,
        title: row.title,
        riskLevel: row.risk_level,
        initiatedBy: row.initiated_by,
      };
      const now = new Date();

      progress.stage = 'execute';
      const payload = parsePayload(executor, row.payload);
      const audit = auditFields(ctx);
      const executed = await executor.execute(tx, payload, {
        request,
        approver: ctx,
        now,
        audit: async (entry) => {
          await writeAudit(tx, { ...audit, ...entry, metadata: { ...(entry.metadata ?? {}), approvalRequestId: row.id } });
        },
      });

      progress.stage = 'record';
      await tx
        .update(approvalRequests)
        .set({
          status: 'executed',
          approvedBy: ctx.adminId,
          approvedAt: sql`now()`,
          approvalNotes: notes ?? null,
          executedAt: sql`now()`,
          executionResult: { ok: true, changes: executed },
          updatedAt: sql`now()`,
        })
        .where(eq(approvalRequests.id, row.id));
      await writeAudit(tx, {
        ...audit,
        action: 'approval.approved',
        resourceType: 'approval_request',
        resourceId: row.id,
        oldValues: { status: 'pending' },
        newValues: { status: 'approved', notes: notes ?? null },
        metadata: { action: row.action, initiatedBy: row.initiated_by },
      });
      for (const c of executed) {
        await writeAudit(tx, {
          ...audit,
          action: row.action,
          resourceType: c.resourceType,
          resourceId: c.resourceId,
          tenantId: c.tenantId ?? null,
          oldValues: c.oldValues,
          newValues: c.newValues,
          metadata: { approvalRequestId: row.id, initiatedBy: row.initiated_by },
        });
      }
      await writeAudit(tx, {
        ...audit,
        action: 'approval.executed',
        resourceType: 'approval_request',
        resourceId: row.id,
        oldValues: { status: 'pending' },
        newValues: { status: 'executed', changes: executed.length },
      });
      return { id: row.id, info: request, executed };
    });
  } catch (err) {
    if (progress.stage !== 'execute') throw err;
    const message = isAppError(err) ? err.message : `The change failed with an internal error (request id ${ctx.requestId})`;
    if (!isAppError(err)) getLogger().error({ err, requestId: ctx.requestId, approvalId: id }, 'approval execution failed');
    await recordFailure(ctx, id, notes, message, isAppError(err) ? err.code : 'internal_error');
    const failed = await loadView(id);
    if (failed?.status === 'failed') notifyApproval(failed);
    throw new ExecutionFailedError(`The change could not be applied and nothing was changed: ${message}`, { cause: err });
  }
  if (result === EXPIRED) throw new ExpiredError('This request has expired and can no longer be approved');
  await afterChangeExecuted({ request: result.info, changes: result.executed });
  const executedView = (await loadView(result.id))!;
  notifyApproval(executedView);
  return executedView;
}

async function recordFailure(ctx: AdminContext, id: string, notes: string | undefined, error: string, code: string): Promise<void> {
  await withPlatform(async (tx) => {
    const updated = await tx
      .update(approvalRequests)
      .set({
        status: 'failed',
        approvedBy: ctx.adminId,
        approvedAt: sql`now()`,
        approvalNotes: notes ?? null,
        executionResult: { ok: false, error, code, requestId: ctx.requestId },
        updatedAt: sql`now()`,
      })
      .where(and(eq(approvalRequests.id, id), eq(approvalRequests.status, 'pending')))
      .returning({ id: approvalRequests.id });
    // Someone else decided it meanwhile: their outcome stands, nothing to record.
    if (updated.length === 0) return;
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'approval.failed',
      resourceType: 'approval_request',
      resourceId: id,
      oldValues: { status: 'pending' },
      newValues: { status: 'failed', error, code },
    });
  });
}

export async function rejectRequest({ ctx, input }: { ctx: AdminContext; input: DecisionInput }): Promise<ApprovalView> {
  const { id, notes } = decisionInputSchema.parse(input);
  if (!notes) throw new ValidationError('Say why you reject it', [{ path: 'notes', message: 'notes are required to reject' }]);
  if (!hasPermission(ctx.role, 'approvals.approve')) throw new ForbiddenError(`Your role (${ctx.role}) cannot reject changes`);
  const r = await withPlatform(async (tx) => {
    const row = await lockRequest(tx, id);
    if (await refuse(tx, ctx, row, 'reject')) return EXPIRED;
    await tx
      .update(approvalRequests)
      .set({ status: 'rejected', rejectedBy: ctx.adminId, rejectedAt: sql`now()`, approvalNotes: notes, updatedAt: sql`now()` })
      .where(eq(approvalRequests.id, row.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'approval.rejected',
      resourceType: 'approval_request',
      resourceId: row.id,
      oldValues: { status: 'pending' },
      newValues: { status: 'rejected', notes },
    });
    return row.id;
  });
  if (r === EXPIRED) throw new ExpiredError('This request has expired');
  const rejected = (await loadView(r))!;
  notifyApproval(rejected);
  return rejected;
}

export async function cancelRequest({ ctx, input }: { ctx: AdminContext; input: DecisionInput }): Promise<ApprovalView> {
  const { id, notes } = decisionInputSchema.parse(input);
  const r = await withPlatform(async (tx) => {
    const row = await lockRequest(tx, id);
    if (await refuse(tx, ctx, row, 'cancel')) return EXPIRED;
    await tx
      .update(approvalRequests)
      .set({ status: 'cancelled', cancelledAt: sql`now()`, approvalNotes: notes ?? null, updatedAt: sql`now()` })
      .where(eq(approvalRequests.id, row.id));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'approval.cancelled',
      resourceType: 'approval_request',
      resourceId: row.id,
      oldValues: { status: 'pending' },
      newValues: { status: 'cancelled', notes: notes ?? null },
    });
    return row.id;
  });
  if (r === EXPIRED) throw new ExpiredError('This request has expired');
  return (await loadView(r))!;
}

/** Marks every pending request past its expiry as 'expired' (audited as the system). Safe to
 * run from any number of instances; also run lazily before listing. */
export async function expireStaleRequests({ ctx: meta }: { ctx: PublicContext }): Promise<number> {
  const expired: Array<{ id: string; title: string; initiatedBy: string }> = [];
  const count = await withPlatform(async (tx) => {
    const rows = await tx
      .update(approvalRequests)
      .set({ status: 'expired', updatedAt: sql`now()` })
      .where(and(eq(approvalRequests.status, 'pending'), sql`${approvalRequests.expiresAt} <= now()`))
      .returning({ id: approvalRequests.id, title: approvalRequests.title, initiatedBy: approvalRequests.initiatedBy });
    for (const r of rows) {
      expired.push(r);
      await writeAudit(tx, {
        actor: { type: 'system', email: 'system:approval-expiry' },
        ip: meta.ip ?? null,
        userAgent: meta.userAgent ?? null,
        requestId: meta.requestId ?? null,
        action: 'approval.expired',
        resourceType: 'approval_request',
        resourceId: r.id,
        oldValues: { status: 'pending' },
        newValues: { status: 'expired' },
      });
    }
    return rows.length;
  });
  for (const r of expired) notifyInBackground('approval.expired', { requestId: r.id, title: r.title, initiatedBy: r.initiatedBy });
  return count;
}

// ---- read ----------------------------------------------------------------------------------

const initiator = alias(administrators, 'initiator');
const approver = alias(administrators, 'approver');
const rejecter = alias(administrators, 'rejecter');

/** One request's view. */
async function loadView(id: string): Promise<ApprovalView | undefined> {
  const [found] = await loadViews([eq(approvalRequests.id, id)], 1);
  if (!found) return undefined;
  const { ck: _ck, ...view } = found;
  return view;
}

/** Views of the requests matching `conds`, in `order` (newest first by default), up to `limit`;
 * each with `ck`, its sort value as text for a keyset cursor. */
async function loadViews(
  conds: SQL[],
  limit: number,
  order: { col: 'created' | 'expires'; dir: 'asc' | 'desc' } = { col: 'created', dir: 'desc' },
): Promise<Array<ApprovalView & { ck: string }>> {
  const col = order.col === 'expires' ? approvalRequests.expiresAt : approvalRequests.createdAt;
  const by = order.dir === 'asc' ? asc : desc;
  const rows = await withPlatform((tx) =>
    tx
      .select({
        ck: sql<string>`${col}::text`,
        r: approvalRequests,
        iEmail: initiator.email,
        iName: initiator.name,
        aEmail: approver.email,
        aName: approver.name,
        xEmail: rejecter.email,
        xName: rejecter.name,
      })
      .from(approvalRequests)
      .leftJoin(initiator, eq(initiator.id, approvalRequests.initiatedBy))
      .leftJoin(approver, eq(approver.id, approvalRequests.approvedBy))
      .leftJoin(rejecter, eq(rejecter.id, approvalRequests.rejectedBy))
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(by(col), by(approvalRequests.id))
      .limit(limit),
  );
  return rows.map(({ r, ck, ...p }) => ({
    ck,
    id: r.id,
    environment: r.environment,
    type: r.type,
    action: r.action,
    title: r.title,
    description: r.description,
    payload: r.payload,
    riskLevel: r.riskLevel,
    impactAnalysis: r.impactAnalysis,
    rollbackPlan: r.rollbackPlan,
    status: r.status,
    initiatedBy: person(r.initiatedBy, p.iEmail, p.iName),
    initiatedAt: r.initiatedAt.toISOString(),
    approvedBy: person(r.approvedBy, p.aEmail, p.aName),
    approvedAt: iso(r.approvedAt),
    approvalNotes: r.approvalNotes,
    rejectedBy: person(r.rejectedBy, p.xEmail, p.xName),
    rejectedAt: iso(r.rejectedAt),
    cancelledAt: iso(r.cancelledAt),
    executedAt: iso(r.executedAt),
    executionResult: r.executionResult,
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  }));
}

/** The list's parameters: the common list ones (sort = created | expires, dir, cursor, limit
 * 25/50/100, q = words of the title) plus its filters. */
export const listInputSchema = listParamsSchema(['created', 'expires'] as const, 'created').extend({
  status: z.preprocess(blank, z.enum(APPROVAL_STATUSES).optional()),
  type: z.preprocess(blank, z.enum(APPROVAL_TYPES).optional()),
  risk: z.preprocess(blank, z.enum(RISK_LEVELS).optional()),
  initiatedBy: optionalUuid,
  action: z.preprocess(blank, z.string().max(60).optional()),
});
export type ListInput = z.input<typeof listInputSchema>;

/** One keyset page of approval requests (pending queue or history), in (created_at, id) or
 * (expires_at, id) order. */
export async function listRequests({ ctx, input }: { ctx: AdminContext; input: ListInput }): Promise<Page<ApprovalView>> {
  if (!hasPermission(ctx.role, 'approvals.read')) throw new ForbiddenError('Your role cannot read approval requests');
  const f = listInputSchema.parse(input);
  await expireStaleRequests({ ctx });
  const conds: SQL[] = [];
  if (f.status) conds.push(eq(approvalRequests.status, f.status));
  if (f.type) conds.push(eq(approvalRequests.type, f.type));
  if (f.risk) conds.push(eq(approvalRequests.riskLevel, f.risk));
  if (f.initiatedBy) conds.push(eq(approvalRequests.initiatedBy, f.initiatedBy));
  if (f.action) conds.push(eq(approvalRequests.action, f.action));
  if (f.q) conds.push(ilike(approvalRequests.title, likePattern(f.q)));
  const col = f.sort === 'expires' ? approvalRequests.expiresAt : approvalRequests.createdAt;
  const after = afterCursor(f.cursor, sql`${col}`, sql`${approvalRequests.id}`, f.dir, 'timestamptz');
  if (after) conds.push(after);
  const items = await loadViews(conds, f.limit + 1, { col: f.sort, dir: f.dir });
  const page = toPage(items, f.limit, (r) => [r.ck, r.id]);
  return { ...page, rows: page.rows.map(({ ck: _ck, ...v }) => v) };
}

export interface ApprovalDetail {
  request: ApprovalView;
  /** Current -> proposed values while pending (null when the executor has no preview). */
  preview: PreviewChange[] | null;
  previewError: string | null;
  eligibility: Eligibility;
  history: AuditRow[];
  executorLabel: string | null;
}

export async function getRequest({ ctx, input }: { ctx: AdminContext; input: { id: string } }): Promise<ApprovalDetail> {
  if (!hasPermission(ctx.role, 'approvals.read')) throw new ForbiddenError('Your role cannot read approval requests');
  if (!isUuid(input.id)) throw new NotFoundError('No such approval request');
  const request = await loadView(input.id);
  if (!request) throw new NotFoundError('No such approval request');
  const executor = getExecutor(request.action);
  const history = await withPlatform((tx) => auditForApproval(tx, request.id));
  let preview: PreviewChange[] | null = null;
  let previewError: string | null = null;
  if (request.status === 'pending' && executor?.preview) {
    const parsed = executor.validate.safeParse(request.payload);
    if (!parsed.success) previewError = 'The stored payload no longer validates';
    else {
      try {
        preview = await withPlatform((tx) => executor.preview!(tx, parsed.data));
      } catch (e) {
        previewError = isAppError(e) ? e.message : 'The preview could not be computed';
      }
    }
  }
  const eligibility = eligibilityFor(ctx, {
    status: request.status,
    initiatedBy: request.initiatedBy?.id ?? '',
    type: request.type,
    riskLevel: request.riskLevel,
    action: request.action,
    expiresAt: new Date(request.expiresAt),
    payload: request.payload,
  });
  return { request, preview, previewError, eligibility, history, executorLabel: executor?.label ?? null };
}
