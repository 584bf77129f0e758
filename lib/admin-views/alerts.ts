/**
 * Estimated-cost alerts (admin): the list by severity, and the direct transitions
 * acknowledge / resolve (an admin mutation audited in the same transaction). Adjusting the cost
 * itself changes prices, so it goes through the two-person rule: `catalog.set_cost`
 * (lib/catalog/cost-approvals.ts), which moves the alert to "adjusted" when approved.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { administrators, estimatedCostAlerts, models } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../errors';
import { proposeChange } from '../governance/approvals';
import { auditFields, writeAudit } from '../platform/audit';
import type { AdminContext } from '../platform/context';
import { getExecutor } from '../governance/executor-registry';
import { hasPermission } from '../governance/permissions';
import { canTransitionAlert, type AlertStatus } from '../pricing/estimates';
import { costFromRow } from '../catalog/repository';
import { adjustCostSchema, alertActionSchema } from './schemas';
import { decStr, isoOrNull } from '../db/sql-util';

export interface AlertRow {
  id: string;
  modelId: string;
  modelName: string;
  providerId: string;
  severity: 'info' | 'warning' | 'critical';
  confidence: string;
  status: AlertStatus;
  reason: string;
  recommendation: string;
  estimatedInputPer1k: string | null;
  estimatedOutputPer1k: string | null;
  currentInputPer1k: string | null;
  currentOutputPer1k: string | null;
  pricingType: string;
  sourceModels: string[];
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resolutionNote: string | null;
  createdAt: string;
}

const SEVERITY_ORDER = sql`CASE ${estimatedCostAlerts.severity} WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;

export async function listAlerts(q: Queryable): Promise<AlertRow[]> {
  const rows = await q
    .select({ a: estimatedCostAlerts, m: models, ackName: administrators.name })
    .from(estimatedCostAlerts)
    .innerJoin(models, eq(models.id, estimatedCostAlerts.modelId))
    .leftJoin(administrators, eq(administrators.id, estimatedCostAlerts.acknowledgedBy))
    .orderBy(asc(sql`CASE WHEN ${estimatedCostAlerts.status} = 'resolved' THEN 1 ELSE 0 END`), asc(SEVERITY_ORDER), desc(estimatedCostAlerts.createdAt));
  return rows.map(({ a, m, ackName }) => {
    const est = (a.estimatedCost ?? {}) as {
      cost?: { inputPer1k?: string | null; outputPer1k?: string | null };
      sourceModels?: Array<{ displayName?: string; modelId?: string }>;
    };
    const cur = costFromRow(m);
    return {
      id: a.id,
      modelId: m.id,
      modelName: m.displayName,
      providerId: m.providerId,
      severity: a.severity,
      confidence: decStr(a.confidence),
      status: a.status,
      reason: a.reason,
      recommendation: a.recommendation,
      estimatedInputPer1k: est.cost?.inputPer1k ?? null,
      estimatedOutputPer1k: est.cost?.outputPer1k ?? null,
      currentInputPer1k: cur.inputPer1k,
      currentOutputPer1k: cur.outputPer1k,
      pricingType: cur.pricingType,
      sourceModels: (est.sourceModels ?? []).map((s) => s.displayName ?? s.modelId ?? '').filter(Boolean),
      acknowledgedBy: ackName ?? null,
      acknowledgedAt: isoOrNull(a.acknowledgedAt),
      resolvedAt: isoOrNull(a.resolvedAt),
      resolutionNote: a.resolutionNote,
      createdAt: isoOrNull(a.createdAt) ?? '',
    };
  });
}

/** The alerts screen: every alert, and whether cost adjustment through approval exists. */
export async function getAlertsPage(q: Queryable): Promise<{ rows: AlertRow[]; adjustAvailable: boolean }> {
  const [rows, adjustAvailable] = await Promise.all([listAlerts(q), costAdjustmentAvailable()]);
  return { rows, adjustAvailable };
}

/** acknowledge | resolve an alert (state machine of lib/pricing/estimates), audited. */
export async function transitionAlert({ ctx, input, to }: { ctx: AdminContext; input: unknown; to: 'acknowledged' | 'resolved' }) {
  if (!hasPermission(ctx.role, 'pricing.propose')) throw new ForbiddenError(`Your role (${ctx.role}) cannot change alerts`);
  const { alertId, note } = alertActionSchema.parse(input);
  return withPlatform(async (tx) => {
    const [a] = await tx.select().from(estimatedCostAlerts).where(eq(estimatedCostAlerts.id, alertId)).for('update');
    if (!a) throw new NotFoundError('No such alert');
    if (!canTransitionAlert(a.status, to)) throw new InvalidStateError(`This alert is ${a.status}; it cannot become ${to}`);
    const now = new Date();
    const set =
      to === 'acknowledged'
        ? { status: to, acknowledgedBy: ctx.adminId, acknowledgedAt: now, updatedAt: now }
        : { status: to, resolvedBy: ctx.adminId, resolvedAt: now, resolutionNote: note ?? null, updatedAt: now };
    await tx
      .update(estimatedCostAlerts)
      .set(set)
      .where(and(eq(estimatedCostAlerts.id, a.id), eq(estimatedCostAlerts.status, a.status)));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: `estimated_cost_alert.${to}`,
      resourceType: 'estimated_cost_alert',
      resourceId: a.id,
      oldValues: { status: a.status },
      newValues: { status: to, ...(note ? { note } : {}) },
      metadata: { modelId: a.modelId },
    });
    return { id: a.id, status: to };
  });
}

/** Is the cost-change executor available in this build? */
export async function costAdjustmentAvailable(): Promise<boolean> {
  return getExecutor('catalog.set_cost') !== undefined;
}

/** Propose a manual cost for an estimated model (two-person rule). */
export async function proposeCostAdjustment({ ctx, input }: { ctx: AdminContext; input: unknown }) {
  const p = adjustCostSchema.parse(input);
  if (!(await costAdjustmentAvailable())) {
    throw new InvalidStateError('Cost adjustment through approval (catalog.set_cost) is not available in this build yet');
  }
  const cost: Record<string, string> = {};
  if (p.inputPer1k !== undefined) cost.inputPer1k = p.inputPer1k;
  if (p.outputPer1k !== undefined) cost.outputPer1k = p.outputPer1k;
  const view = await proposeChange({
    ctx,
    input: {
      action: 'catalog.set_cost',
      payload: { modelId: p.modelId, cost, source: 'admin_manual_entry', note: p.reason },
      description: `Adjust the estimated cost (alert ${p.alertId}): ${p.reason}`,
      rollbackPlan: 'Propose catalog.set_cost with the previous figures (kept in model_cost_history).',
    },
  });
  return { id: view.id, title: view.title };
}
