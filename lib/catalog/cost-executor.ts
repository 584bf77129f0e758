/**
 * Cost changes through the two-person rule.
 *
 * `catalog.set_cost` sets a model's COST (what we pay) from a sync, a provider's documentation
 * or an admin's entry. Approved, it writes the cost and its history row in the approval's
 * transaction, clears the estimate when the cost is real, and moves the model's open
 * estimated-cost alert on (adjusted for a manual figure, resolved for a published one).
 * Proposing one is lib/catalog/cost-approvals.ts (this module is listed in the static executor
 * registry, so it must not import the approval workflow).
 */
import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client';
import { estimatedCostAlerts, models } from '../db/schema';
import { NotFoundError, ValidationError } from '../errors';
import { defineExecutor, type RegisteredExecutor } from '../governance/executors';
import { dec } from '../pricing/money';
import { nonNegativeDecimalInput } from '../platform/schemas';
import { costFromRow } from './repository';
import { applyModelCost, SYNCABLE_FIELDS } from './sync';
import type { ModelCost } from './types';

const costFieldsSchema = z
  .object(
    Object.fromEntries(SYNCABLE_FIELDS.map((f) => [f, nonNegativeDecimalInput.nullable().optional()])) as Record<
      (typeof SYNCABLE_FIELDS)[number],
      z.ZodOptional<z.ZodNullable<typeof nonNegativeDecimalInput>>
    >,
  )
  .strict()
  .refine((o) => Object.values(o).some((v) => v !== undefined), 'give at least one cost field');

export const setCostPayload = z.object({
  modelId: z.string().trim().min(1).max(100),
  cost: costFieldsSchema,
  source: z.enum(['provider_api', 'provider_documentation', 'admin_manual_entry', 'registry_sync']),
  note: z.string().trim().max(1000).optional(),
});
export type SetCostPayload = z.output<typeof setCostPayload>;

async function loadModelRow(tx: Tx, modelId: string, lock = false) {
  const q = tx.select().from(models).where(eq(models.id, modelId));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new NotFoundError(`Model ${modelId} does not exist`);
  return row;
}

function merged(current: ModelCost, changes: SetCostPayload['cost']): ModelCost {
  const next: ModelCost = { ...current };
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) next[k as (typeof SYNCABLE_FIELDS)[number]] = v;
  return next;
}

function raises(current: ModelCost, next: ModelCost): boolean {
  return SYNCABLE_FIELDS.some((f) => next[f] !== null && (current[f] === null || dec(next[f]!).greaterThan(dec(current[f]!))));
}

export const costExecutors: RegisteredExecutor[] = [
  defineExecutor('catalog.set_cost', {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: "Change a model's cost",
    proposePermission: 'catalog.propose',
    validate: setCostPayload,
    describe: (p) => `Set cost of ${p.modelId} (${p.source})`,
    riskFor: () => 'medium',
    async preview(tx, p) {
      const row = await loadModelRow(tx, p.modelId);
      const current = costFromRow(row);
      const next = merged(current, p.cost);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const f of SYNCABLE_FIELDS) {
        if (p.cost[f] === undefined) continue;
        before[f] = current[f];
        after[f] = next[f];
      }
      return [{ resourceType: 'model_cost', resourceId: row.id, before: { ...before, raisesPrice: raises(current, next) }, after }];
    },
    async execute(tx, p, ctx) {
      const row = await loadModelRow(tx, p.modelId, true);
      const current = costFromRow(row);
      const next = merged(current, p.cost);
      if (SYNCABLE_FIELDS.every((f) => (current[f] ?? null) === (next[f] ?? null))) {
        throw new ValidationError('The proposed cost equals the current cost: nothing to change');
      }
      const real = p.source !== 'admin_manual_entry';
      await applyModelCost(tx, {
        modelId: row.id,
        oldCost: current,
        newCost: next,
        source: p.source,
        changedBy: ctx.approver.adminId,
        note: p.note ?? `approved request ${ctx.request.id}`,
        approvalRequestId: ctx.request.id,
        raisesPrice: raises(current, next),
        at: ctx.now,
      });
      if (!real && row.costIsEstimated) {
        // A manual figure replaces the estimate but is still not a published cost: keep the flag.
        await tx.update(models).set({ costIsEstimated: true }).where(eq(models.id, row.id));
      }
      const [alert] = await tx
        .select()
        .from(estimatedCostAlerts)
        .where(and(eq(estimatedCostAlerts.modelId, row.id), ne(estimatedCostAlerts.status, 'resolved')));
      if (alert) {
        const status = real ? 'resolved' : 'adjusted';
        await tx
          .update(estimatedCostAlerts)
          .set(
            real
              ? { status, resolvedBy: ctx.approver.adminId, resolvedAt: ctx.now, resolutionNote: p.note ?? `real cost from ${p.source}`, updatedAt: ctx.now }
              : { status, adjustedBy: ctx.approver.adminId, adjustedAt: ctx.now, updatedAt: ctx.now },
          )
          .where(eq(estimatedCostAlerts.id, alert.id));
        await ctx.audit({
          action: `estimated_cost_alert.${status}`,
          resourceType: 'estimated_cost_alert',
          resourceId: alert.id,
          oldValues: { status: alert.status },
          newValues: { status },
        });
      }
      return [{ resourceType: 'model_cost', resourceId: row.id, oldValues: { ...current }, newValues: { ...next, source: p.source } }];
    },
  }),
];
