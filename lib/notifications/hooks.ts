/**
 * Small, stable entry points for the modules whose actions cause notifications. Each one maps
 * that module's own view type to an event and calls notify() IN THE BACKGROUND: it returns at
 * once, never throws, and must be called AFTER the action's transaction has committed.
 *
 *   governance  notifyApproval(view)              after propose / approve / reject / expire / fail
 *   billing     notifyBillingRun(run)             when a run reaches succeeded or failed
 *   pricing     notifyEstimatedCostAlert(alert)   when an estimated-cost alert is raised
 *   gateway     notifyProviderCooldown(...)       when the breaker opens (not on a broadcast)
 *               notifyProviderUnhealthy(...)      when live traffic turns a provider unhealthy
 *               notifyBudgetSpend(...)            after spend is settled: detects 80 % / 100 %
 */
import type { ApprovalView } from '../governance/approvals';
import { dec } from '../pricing/money';
import type { Severity } from './events';
import { notifyInBackground } from './notifier';

/** Approval lifecycle: pending -> approval.requested; executed -> approval.approved;
 * rejected / expired / failed -> the matching event (cancelled notifies nobody). */
export function notifyApproval(
  view: Pick<
    ApprovalView,
    | 'id'
    | 'title'
    | 'type'
    | 'riskLevel'
    | 'action'
    | 'status'
    | 'initiatedBy'
    | 'approvedBy'
    | 'rejectedBy'
    | 'approvalNotes'
    | 'expiresAt'
    | 'executionResult'
  >,
): void {
  const initiatedBy = view.initiatedBy?.id;
  if (!initiatedBy) return;
  const base = { requestId: view.id, title: view.title, initiatedBy };
  switch (view.status) {
    case 'pending':
      notifyInBackground('approval.requested', {
        ...base,
        type: view.type,
        riskLevel: view.riskLevel,
        action: view.action,
        initiatorName: view.initiatedBy?.name || view.initiatedBy?.email || null,
        expiresAt: view.expiresAt,
      });
      return;
    case 'executed':
    case 'approved':
      notifyInBackground('approval.approved', { ...base, decidedBy: view.approvedBy?.name || view.approvedBy?.email || null, notes: view.approvalNotes });
      return;
    case 'rejected':
      notifyInBackground('approval.rejected', { ...base, decidedBy: view.rejectedBy?.name || view.rejectedBy?.email || null, notes: view.approvalNotes });
      return;
    case 'expired':
      notifyInBackground('approval.expired', base);
      return;
    case 'failed': {
      const r = view.executionResult as { error?: unknown } | null;
      notifyInBackground('approval.failed', {
        ...base,
        decidedBy: view.approvedBy?.name || view.approvedBy?.email || null,
        error: typeof r?.error === 'string' ? r.error.slice(0, 2000) : null,
      });
      return;
    }
    default:
      return;
  }
}

/** A billing run that reached a final state (queued/running are ignored). */
export function notifyBillingRun(run: {
  id: string;
  period: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  invoicesCreated: number;
  processedTenants?: number | null;
  totalTenants?: number | null;
  startedBy?: string | null;
  error?: string | null;
}): void {
  if (run.status === 'succeeded') {
    notifyInBackground('billing.run_finished', {
      runId: run.id,
      period: run.period,
      invoicesCreated: run.invoicesCreated,
      processedTenants: run.processedTenants ?? null,
      totalTenants: run.totalTenants ?? null,
      startedBy: run.startedBy ?? null,
    });
  } else if (run.status === 'failed') {
    notifyInBackground('billing.run_failed', {
      runId: run.id,
      period: run.period,
      error: (run.error ?? 'unknown error').slice(0, 2000),
      startedBy: run.startedBy ?? null,
    });
  }
}

export function notifyEstimatedCostAlert(alert: {
  id?: string | null;
  modelId: string;
  modelName?: string | null;
  severity: Severity;
  confidence: number | string;
  recommendation?: string | null;
}): void {
  notifyInBackground('estimated_cost.alert', {
    alertId: alert.id ?? null,
    modelId: alert.modelId,
    modelName: alert.modelName ?? null,
    severity: alert.severity,
    confidence: alert.confidence,
    recommendation: alert.recommendation ?? null,
  });
}

/** The breaker opened on THIS instance (call from ProviderHealthTracker.open, not applyCooldown,
 * so one instance reports it; repeats within 10 minutes are dropped anyway). */
export function notifyProviderCooldown(providerId: string, untilMs: number, failures?: number, reason?: string | null): void {
  notifyInBackground('provider.cooldown', {
    providerId,
    until: new Date(untilMs).toISOString(),
    failures: failures ?? null,
    reason: reason ? reason.slice(0, 500) : null,
  });
}

export function notifyProviderUnhealthy(providerId: string, errorRate?: number | null, reason?: string | null): void {
  notifyInBackground('provider.unhealthy', { providerId, errorRate: errorRate ?? null, reason: reason ? reason.slice(0, 500) : null });
}

export type BudgetThreshold = 80 | 100;

/** Which thresholds a spend change crossed (exact decimals; [] when none or no cap). */
export function budgetThresholdsCrossed(cap: string, before: string, after: string): BudgetThreshold[] {
  const c = dec(cap);
  if (c.lessThanOrEqualTo(0)) return [];
  const b = dec(before);
  const a = dec(after);
  const out: BudgetThreshold[] = [];
  const eighty = c.times(80).div(100);
  if (b.lessThan(eighty) && a.greaterThanOrEqualTo(eighty)) out.push(80);
  if (b.lessThan(c) && a.greaterThanOrEqualTo(c)) out.push(100);
  return out;
}

/**
 * Call after a request's price was added to a monthly budget scope: notifies the tenant's
 * users and the admins when the spend crossed 80 % or 100 % of the cap. Cheap when nothing was
 * crossed (two decimal comparisons). Amounts are exact decimal strings (price, USD).
 */
export function notifyBudgetSpend(input: {
  tenantId: string;
  tenantName?: string | null;
  scope: 'tenant' | 'key';
  apiKeyId?: string | null;
  apiKeyName?: string | null;
  /** YYYY-MM (UTC month of the spend). */
  period: string;
  cap: string;
  before: string;
  after: string;
  currency?: string;
}): void {
  for (const t of budgetThresholdsCrossed(input.cap, input.before, input.after)) {
    notifyInBackground(t === 100 ? 'tenant.budget_100' : 'tenant.budget_80', {
      tenantId: input.tenantId,
      tenantName: input.tenantName ?? null,
      period: input.period,
      budget: input.cap,
      spent: input.after,
      currency: input.currency ?? 'USD',
      scope: input.scope,
      apiKeyId: input.apiKeyId ?? null,
      apiKeyName: input.apiKeyName ?? null,
    });
  }
}

/** Awaitable form of notify for callers that want the outcome (scripts, tests). */
