/**
 * The static executor registry: every approval action the system knows, listed once. Adding a
 * domain's executors = one import and one spread below. The modules listed here define their
 * executors as data (defineExecutor) and never import the approval workflow, so there is no
 * import cycle to break with dynamic imports and nothing happens on import.
 *
 * After an approved change COMMITS, `afterChangeExecuted` runs the listeners below (today: drop
 * the gateway's cached catalog / tenant config on every instance instead of waiting for its TTL;
 * mail an approved administrator invitation).
 */
import { billingExecutors } from '../billing/executors';
import { costExecutors } from '../catalog/cost-executor';
import { invalidateCatalog, invalidateTenant } from '../gateway/invalidation';
import { getLogger } from '../observability/logger';
import { adminExecutors } from './changes/admins';
import { catalogExecutors } from './changes/catalog';
import { deliverInvitationAfterExecuted, invitationExecutors } from './changes/invitations';
import { markupExecutors } from './changes/markup';
import { routingExecutors } from './changes/routing';
import { tenantExecutors } from './changes/tenants';
import type { ExecutedEvent, RegisteredExecutor } from './executors';

const EXECUTORS: readonly RegisteredExecutor[] = [
  ...markupExecutors,
  ...catalogExecutors,
  ...adminExecutors,
  ...tenantExecutors,
  ...invitationExecutors,
  ...billingExecutors,
  ...costExecutors,
  ...routingExecutors,
];

const byAction = new Map(EXECUTORS.map((e) => [e.action, e]));
if (byAction.size !== EXECUTORS.length) throw new Error('two approval executors share an action name');

/** Executors added by tests (never by application code). */
const testOnly = new Map<string, RegisteredExecutor>();

export function getExecutor(action: string): RegisteredExecutor | undefined {
  return byAction.get(action) ?? testOnly.get(action);
}

export function listExecutors(): RegisteredExecutor[] {
  return [...byAction.values()].sort((a, b) => a.action.localeCompare(b.action));
}

/** Tests only: make an extra executor known until the returned function is called. */
export function addTestExecutor(executor: RegisteredExecutor): () => void {
  testOnly.set(executor.action, executor);
  return () => testOnly.delete(executor.action);
}

function invalidateGatewayCaches({ changes }: ExecutedEvent): void {
  const tenants = new Set(changes.map((c) => c.tenantId).filter((t): t is string => !!t));
  if (tenants.size === changes.length && tenants.size > 0) for (const t of tenants) invalidateTenant(t);
  else invalidateCatalog();
}

const AFTER_EXECUTED: ReadonlyArray<(e: ExecutedEvent) => void | Promise<void>> = [invalidateGatewayCaches, deliverInvitationAfterExecuted];

/** Runs after an approved change has COMMITTED (never for failed or rolled-back ones). A failing
 * listener is logged and does not undo or fail the approval. */
export async function afterChangeExecuted(e: ExecutedEvent): Promise<void> {
  for (const fn of AFTER_EXECUTED) {
    try {
      await fn(e);
    } catch (err) {
      getLogger().error({ err, approvalId: e.request.id }, 'governance: after-execution listener failed');
    }
  }
}
