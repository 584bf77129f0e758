/**
 * The executor registry: what an approved request DOES. Every change that needs two people is
 * an `action` (e.g. "markup.set_model") with an executor registered here:
 *
 *   registerExecutor('billing.close_period', {
 *     type: 'billing_change',
 *     defaultRisk: 'high',
 *     validate: z.object({ period: z.string() }),        // zod: parsed at proposal AND at execution
 *     proposePermission: 'billing.propose',               // default 'approvals.propose'
 *     async preview(tx, payload) { return [{ resourceType, resourceId, before, after }] },  // optional
 *     async execute(tx, payload, ctx) { ...; return [{ resourceType, resourceId, oldValues, newValues }] },
 *   });
 *
 * `execute` runs inside the approval's transaction (role radiant_platform): it must use `tx`
 * only, and throw to refuse (nothing is applied, the request is recorded as failed). The
 * registry writes one audit row per returned change (action = the executor's action, old and
 * new values, attributed to the approver, metadata.approvalRequestId) in that same transaction.
 *
 * Built-in executors live in ./changes/*; other domains register theirs in their own module and
 * add one import line to ./executor-modules.ts so they are loaded before any approval runs.
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

const GLOBAL_KEY = Symbol.for('radiant.governance.executors');
type G = typeof globalThis & { [GLOBAL_KEY]?: Map<string, RegisteredExecutor> };

function registry(): Map<string, RegisteredExecutor> {
  const g = globalThis as G;
  g[GLOBAL_KEY] ??= new Map();
  return g[GLOBAL_KEY];
}

const ACTION_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Registers (or, on a module reload, replaces) the executor for `action`. */
export function registerExecutor<S extends z.ZodType>(action: string, def: ExecutorDefinition<S>): void {
  if (!ACTION_RE.test(action) || action.length > 60) throw new Error(`invalid executor action name: ${action}`);
  registry().set(action, { ...(def as unknown as ExecutorDefinition), action });
}

export function getExecutor(action: string): RegisteredExecutor | undefined {
  return registry().get(action);
}

export function listExecutors(): RegisteredExecutor[] {
  return [...registry().values()].sort((a, b) => a.action.localeCompare(b.action));
}

/** Test helper: forget an executor registered by a test. */
export function unregisterExecutor(action: string): void {
  registry().delete(action);
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

// ---- after-commit notifications (e.g. the pricing engine dropping a cached markup table) ------

export interface ExecutedEvent {
  request: ApprovalRequestInfo;
  changes: ExecutedChange[];
}

const LISTENERS_KEY = Symbol.for('radiant.governance.executed-listeners');
type GL = typeof globalThis & { [LISTENERS_KEY]?: Set<(e: ExecutedEvent) => void | Promise<void>> };

function listeners() {
  const g = globalThis as GL;
  g[LISTENERS_KEY] ??= new Set();
  return g[LISTENERS_KEY];
}

/** Called after an approved change has COMMITTED (never for failed or rolled-back ones). */
export function onChangeExecuted(fn: (e: ExecutedEvent) => void | Promise<void>): () => void {
  listeners().add(fn);
  return () => listeners().delete(fn);
}

export async function notifyExecuted(e: ExecutedEvent): Promise<void> {
  for (const fn of listeners()) {
    try {
      await fn(e);
    } catch (err) {
      console.error('[governance] onChangeExecuted listener failed', err);
    }
  }
}
