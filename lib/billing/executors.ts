/**
 * Billing's approval executors (listed in lib/governance/executor-registry.ts):
 *  - `billing.close_period`                 closing -> closed (lib/billing/periods.ts)
 *  - `billing.reconciliation_adjustment`    pending_approval -> applied (lib/billing/reconciliation.ts)
 * Proposing them is lib/billing/proposals.ts; nothing here imports the approval workflow.
 */
import { defineExecutor, type RegisteredExecutor } from '@/lib/governance/executors';
import { CLOSE_PERIOD_ACTION, closePeriodPayload, executeClosePeriod, previewClosePeriod } from './periods';
import { ADJUSTMENT_ACTION, adjustmentPayload, executeAdjustment } from './reconciliation';

export const billingExecutors: RegisteredExecutor[] = [
  defineExecutor(CLOSE_PERIOD_ACTION, {
    type: 'billing_change',
    defaultRisk: 'high',
    label: 'Close an accounting period',
    proposePermission: 'billing.propose',
    validate: closePeriodPayload,
    describe: (p) => `Close accounting period ${p.period}`,
    preview: (tx, p) => previewClosePeriod(tx, p),
    execute: (tx, p, ctx) => executeClosePeriod(tx, p, { approvalId: ctx.request.id, approvedBy: ctx.approver.adminId, now: ctx.now }),
  }),
  defineExecutor(ADJUSTMENT_ACTION, {
    type: 'billing_change',
    defaultRisk: 'medium',
    label: 'Apply a large reconciliation adjustment',
    proposePermission: 'billing.propose',
    validate: adjustmentPayload,
    describe: (p) => `Reconciliation adjustment ${p.amount} for ${p.period}`,
    execute: (tx, p, ctx) => executeAdjustment(tx, p, { approvalId: ctx.request.id }),
  }),
];
