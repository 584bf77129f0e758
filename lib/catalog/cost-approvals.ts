/**
 * Proposing cost changes through the two-person rule (`catalog.set_cost`, defined in
 * ./cost-executor.ts): a sync's price-raising change, attributed to the admin running it.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { administrators } from '../db/schema';
import { NotFoundError } from '../errors';
import { proposeChange } from '../governance/approvals';
import type { AdminContext } from '../platform/context';
import type { ModelCostChange } from './sync';

/** Propose a sync's price-raising change, attributed to the admin running the sync. */
export async function proposeCostChange({
  ctx,
  input: { change, source },
}: {
  ctx: AdminContext;
  input: { change: ModelCostChange; source: string };
}): Promise<string> {
  const cost: Record<string, string> = {};
  for (const c of change.changes) cost[c.field] = c.to;
  const view = await proposeChange({
    ctx,
    input: {
      action: 'catalog.set_cost',
      payload: { modelId: change.modelId, cost, source: 'registry_sync', note: `cost sync from ${source} (${change.matchedKey})` },
      riskLevel: 'high',
      impactAnalysis: `Raises the cost of ${change.modelName}: ${change.changes.map((c) => `${c.field} ${c.from ?? '—'} -> ${c.to}`).join('; ')}. Prices follow cost at the markup in force.`,
      rollbackPlan: 'Propose catalog.set_cost with the previous figures (kept in model_cost_history).',
    },
  });
  return view.id;
}

/** The CLI's actor: an active administrator chosen with --as. */
export async function adminContextByEmail(tx: Tx, email: string): Promise<AdminContext> {
  const [a] = await tx.select().from(administrators).where(eq(administrators.email, email.toLowerCase()));
  if (!a || a.status !== 'active') throw new NotFoundError(`no active administrator ${email}`);
  return { adminId: a.id, email: a.email, name: a.name, role: a.role, mfa: a.mfaEnabled, ip: null, userAgent: 'catalog:sync', requestId: `cli-${Date.now()}` };
}
