/**
 * Approval executors: what an approved request DOES. Every change that needs two people is an
 * `action` (e.g. "markup.set_model") with an executor defined by its domain as plain data:
 *
 *   export const billingExecutors = [defineExecutor('billing.close_period', {
 *     type: 'billing_change',
 *     defaultRisk: 'high',
 *     validate: z.object({ period: z.string() }),        // zod: parsed at proposal AND at execution
 *     proposePermission: 'billing.propose',               // default 'approvals.propose'
 *     async preview(tx, payload) { return [{ resourceType, resourceId, before, after }] },  // optional
 *     async execute(tx, payload, ctx) { ...; return [{ resourceType, resourceId, oldValues, newValues }] },
 *   })];
 *
 * `execute` runs inside the approval's transaction (role radiant_platform): it must use `tx`
 * only, and throw to refuse (nothing is applied, the request is recorded as failed). The
 * registry writes one audit row per returned change (action = the executor's action, old and
 * new values, attributed to the approver, metadata.approvalRequestId) in that same transaction.
 *
 * Built-in executors live in ./changes/*; other domains define theirs in their own module and add
 * the list to the static registry in ./executor-registry.ts. Nothing registers itself on import,
 * and a module defining executors must not import the approval workflow (./approvals.ts): that
 * keeps governance -> billing/catalog -> governance free of cycles.
 */
import type { z } from 'zod';
import type { Tx } from '../db/client';
import { ValidationError, fromZodIssues } from '../errors';
import type { AuditEntry } from '../platform/audit';
import type { AdminContext } from '../platform/context';
import type { ApprovalType, Permission, RiskLevel } from './permissions';

export interface ApprovalRequestInfo {
  id: string;
  type: ApprovalType;
  action: string;
  title: string;
  riskLevel: RiskLevel;
  initiatedBy: string;
}

export interface ExecutionContext {
  request: ApprovalRequestInfo;
  /** The administrator whose approval runs the change. */
  approver: AdminContext;
  now: Date;
  /** Extra audit rows beyond the returned changes (attributed to the approver, same transaction). */
  audit(entry: Omit<AuditEntry, 'actor' | 'ip' | 'userAgent' | 'requestId'>): Promise<void>;
}

/** One resource changed by an executor, old and new values for the audit trail and the diff. */
export interface ExecutedChange {
  resourceType: string;
  resourceId: string;
  tenantId?: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
}

/** What a pending request would change, computed against the current state (for the screens). */
export interface PreviewChange {
  resourceType: string;
  resourceId: string;
  tenantId?: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface ExecutorDefinition<S extends z.ZodType = z.ZodType> {
  type: ApprovalType;
  defaultRisk: RiskLevel;
  validate: S;
  /** Short human name ("Set a model's markup"). */
  label?: string;
  /** Permission needed to propose it (default 'approvals.propose'). */
  proposePermission?: Permission;
  /** Extra permission the approver needs on top of the type/risk rule (e.g. 'admins.manage'). */
  approvePermission?: Permission;
  /** Minimum risk for this payload (e.g. granting super_admin is critical); proposers may raise it. */
  riskFor?(payload: z.output<S>): RiskLevel;
  /** Default title when the proposer gives none. */
  describe?(payload: z.output<S>): string;
  /** Refuse a particular approver for this payload (throw ForbiddenError), e.g. the subject of a
   * role change approving it. Runs before anything is applied; it does not fail the request. */
  checkApprover?(payload: z.output<S>, approver: AdminContext): void;
  /** Current -> proposed values; also checks the targets exist (throw NotFoundError). */
  preview?(tx: Tx, payload: z.output<S>): Promise<PreviewChange[]>;
  execute(tx: Tx, payload: z.output<S>, ctx: ExecutionContext): Promise<ExecutedChange[]>;
}

export interface RegisteredExecutor extends ExecutorDefinition {
  action: string;
}

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** An executor for `action` (checked once, when the defining module loads). */
export function defineExecutor<S extends z.ZodType>(action: string, def: ExecutorDefinition<S>): RegisteredExecutor {
  if (!ACTION_RE.test(action) || action.length > 60) throw new Error(`invalid executor action name: ${action}`);
  return { ...(def as unknown as ExecutorDefinition), action };
}

/** Parses a payload with the executor's schema; field errors are reported under `payload.`. */
export function parsePayload(executor: RegisteredExecutor, payload: unknown): unknown {
  const r = executor.validate.safeParse(payload);
  if (!r.success) {
    throw new ValidationError(
      `Invalid payload for ${executor.action}`,
      fromZodIssues(r.error.issues).map((i) => ({ ...i, path: i.path ? `payload.${i.path}` : 'payload' })),
    );
  }
  return r.data;
}

const RISK_ORDER: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

// ---- after-commit notifications ------------------------------------------------------------

export interface ExecutedEvent {
  request: ApprovalRequestInfo;
  changes: ExecutedChange[];
}
