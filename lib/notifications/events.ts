/**
 * The notification events: what each carries (zod), who receives it, how it reads, and which
 * channels are on by default. Adding an event = one entry here (docs/operations.md lists them).
 *
 * Recipients:
 *   approval.requested                 active admins whose role may approve that type at that
 *                                      risk (lib/governance/permissions approverRolesFor), not
 *                                      the initiator
 *   approval.approved|rejected|expired|failed   the initiator
 *   estimated_cost.alert               admins holding pricing.propose
 *   provider.unhealthy|cooldown        admins holding catalog.propose
 *   tenant.budget_80|budget_100        the tenant's active users (in-app; email to owners and
 *                                      billing users) + admins holding tenants.propose
 *   billing.run_finished|run_failed    admins holding billing.run (+ the admin who started it)
 *   metering.usage_invalid             admins holding catalog.propose
 *   metering.quarantined               admins holding billing.run
 * The global Slack webhook (SLACK_WEBHOOK_URL) receives the team-wide events (GLOBAL_SLACK_EVENTS).
 */
import { z } from 'zod';
import { APPROVAL_TYPES, RISK_LEVELS, type Permission } from '../governance/permissions';
import { periodSchema } from '../platform/schemas';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const NOTIFICATION_EVENTS = [
  'approval.requested',
  'approval.approved',
  'approval.rejected',
  'approval.expired',
  'approval.failed',
  'estimated_cost.alert',
  'provider.unhealthy',
  'provider.cooldown',
  'tenant.budget_80',
  'tenant.budget_100',
  'billing.run_finished',
  'billing.run_failed',
  'metering.usage_invalid',
  'metering.quarantined',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const uuid = z.uuid();
const text = (max: number) => z.string().max(max);
const money = z.union([z.string(), z.number()]).transform((v) => String(v));

const approvalDecision = z.object({
  requestId: uuid,
  title: text(255),
  initiatedBy: uuid,
  /** Who decided (name or email); absent for expiry. */
  decidedBy: text(255).nullish(),
  notes: text(5000).nullish(),
  error: text(2000).nullish(),
});

const budget = z.object({
  tenantId: uuid,
  tenantName: text(255).nullish(),
  /** YYYY-MM */
  period: periodSchema,
  /** Exact decimal strings (display only here). */
  budget: money,
  spent: money,
  currency: z.string().length(3).default('USD'),
  scope: z.enum(['tenant', 'key']).default('tenant'),
  apiKeyId: uuid.nullish(),
  apiKeyName: text(200).nullish(),
});

export const EVENT_PAYLOADS = {
  'approval.requested': z.object({
    requestId: uuid,
    title: text(255),
    type: z.enum(APPROVAL_TYPES),
    riskLevel: z.enum(RISK_LEVELS),
    action: text(60),
    initiatedBy: uuid,
    initiatorName: text(255).nullish(),
    expiresAt: z.union([z.string(), z.date()]).nullish(),
  }),
  'approval.approved': approvalDecision,
  'approval.rejected': approvalDecision,
  'approval.expired': approvalDecision,
  'approval.failed': approvalDecision,
  'estimated_cost.alert': z.object({
    alertId: uuid.nullish(),
    modelId: text(100),
    modelName: text(255).nullish(),
    severity: z.enum(SEVERITIES),
    confidence: z.union([z.number(), z.string()]).transform((v) => String(v)),
    recommendation: text(2000).nullish(),
  }),
  'provider.unhealthy': z.object({
    providerId: text(50),
    providerName: text(255).nullish(),
    /** e.g. "0.42" = 42 % errors in the last interval. */
    errorRate: z
      .union([z.number(), z.string()])
      .transform((v) => String(v))
      .nullish(),
    reason: text(500).nullish(),
  }),
  'provider.cooldown': z.object({
    providerId: text(50),
    providerName: text(255).nullish(),
    until: z.union([z.string(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString() : v)),
    failures: z.number().int().nonnegative().nullish(),
    reason: text(500).nullish(),
  }),
  'tenant.budget_80': budget,
  'tenant.budget_100': budget,
  'billing.run_finished': z.object({
    runId: uuid,
    period: periodSchema,
    invoicesCreated: z.number().int().nonnegative(),
    processedTenants: z.number().int().nonnegative().nullish(),
    totalTenants: z.number().int().nonnegative().nullish(),
    startedBy: uuid.nullish(),
  }),
  'billing.run_failed': z.object({
    runId: uuid,
    period: periodSchema,
    error: text(2000),
    startedBy: uuid.nullish(),
  }),
  'metering.usage_invalid': z.object({
    providerId: text(50),
    modelId: text(100),
    /** What was impossible, e.g. "completion_tokens is not a non-negative integer (-3)". */
    problems: text(1000),
  }),
  'metering.quarantined': z.object({
    /** Open quarantined rows right now. */
    open: z.number().int().nonnegative(),
    reason: text(500).nullish(),
  }),
} as const satisfies Record<NotificationEvent, z.ZodType>;

export type EventPayloadInput<E extends NotificationEvent> = z.input<(typeof EVENT_PAYLOADS)[E]>;
export type EventPayload<E extends NotificationEvent> = z.output<(typeof EVENT_PAYLOADS)[E]>;

/** What a notification says, for every channel. `link` is a path in the app (made absolute for
 * email and Slack with RADIANT_PUBLIC_URL). */
export interface Rendered {
  severity: Severity;
  title: string;
  body: string;
  adminLink: string | null;
  tenantLink: string | null;
  /** Repeats within `dedupeSeconds` are dropped (provider flapping, a budget crossing seen by
   * several instances): the notifier takes an advisory lock on the key and skips the event when a
   * notification with the same event and title exists in the window (the title names the
   * subject: provider, tenant + period, model + severity). null = never deduplicated (one-off
   * transitions such as approvals and billing runs). */
  dedupeKey: string | null;
  dedupeSeconds: number;
}

/** Who receives an event (resolved against the administrators table by the notifier). */
export type AdminAudience =
  | { kind: 'approvers'; type: (typeof APPROVAL_TYPES)[number]; risk: (typeof RISK_LEVELS)[number]; exclude: string }
  | { kind: 'admin'; adminId: string }
  | { kind: 'permission'; permission: Permission; also?: string | null }
  | { kind: 'none' };

export interface Audience {
  admins: AdminAudience;
  /** Tenant whose users get it (in-app; email to owner/billing users). */
  tenantId: string | null;
}

const pct = (n: string) => {
  const v = Number(n);
  return Number.isFinite(v) ? `${Math.round(v * 1000) / 10}%` : n;
};

function budgetRender(e: 'tenant.budget_80' | 'tenant.budget_100', p: EventPayload<'tenant.budget_80'>): Rendered {
  const who = p.scope === 'key' ? `API key ${p.apiKeyName ?? p.apiKeyId ?? ''}`.trim() + ` of ${p.tenantName ?? 'a tenant'}` : (p.tenantName ?? 'A tenant');
  const level = e === 'tenant.budget_100' ? '100%' : '80%';
  return {
    severity: e === 'tenant.budget_100' ? 'critical' : 'warning',
    title: `${who} reached ${level} of the ${p.period} budget`,
    body:
      `Spent ${p.spent} ${p.currency} of a ${p.budget} ${p.currency} monthly budget in ${p.period}.` +
      (e === 'tenant.budget_100' ? ' Further requests are refused until the budget is raised or the month ends.' : ''),
    adminLink: `/admin/tenants/${p.tenantId}`,
    tenantLink: '/portal/usage',
    dedupeKey: `${e}:${p.tenantId}:${p.scope}:${p.apiKeyId ?? ''}:${p.period}`,
    dedupeSeconds: 40 * 24 * 3600,
  };
}

function decisionRender(e: 'approval.approved' | 'approval.rejected' | 'approval.expired' | 'approval.failed', p: EventPayload<'approval.approved'>): Rendered {
  const verb = {
    'approval.approved': 'was approved',
    'approval.rejected': 'was rejected',
    'approval.expired': 'expired',
    'approval.failed': 'failed to apply',
  }[e];
  const by = p.decidedBy && e !== 'approval.expired' ? ` by ${p.decidedBy}` : '';
  const lines = [`Your change request "${p.title}" ${verb}${by}.`];
  if (p.notes) lines.push(`Notes: ${p.notes}`);
  if (p.error) lines.push(`Error: ${p.error}`);
  if (e === 'approval.expired') lines.push('Nothing was changed. Propose it again if it is still needed.');
  return {
    severity: e === 'approval.approved' ? 'info' : e === 'approval.expired' ? 'info' : 'warning',
    title: `Change request ${verb}: ${p.title}`.slice(0, 255),
    body: lines.join('\n'),
    adminLink: `/admin/approvals/${p.requestId}`,
    tenantLink: null,
    dedupeKey: null,
    dedupeSeconds: 0,
  };
}

export interface EventDefinition<E extends NotificationEvent> {
  label: string;
  /** Default channel preferences for administrators: true = on, false = off, a severity = on
   * from that severity up. In-app is always on. */
  defaults: { email: boolean | Severity; slack: boolean | Severity };
  /** Legacy seed switch that also gates this event (notification_settings.approval_required /
   * usage_alerts). */
  legacySwitch?: 'approval_required' | 'usage_alerts';
  render(p: EventPayload<E>): Rendered;
  audience(p: EventPayload<E>): Audience;
}

type Definitions = { [E in NotificationEvent]: EventDefinition<E> };

export const EVENTS: Definitions = {
  'approval.requested': {
    label: 'A change request awaits your approval',
    defaults: { email: true, slack: true },
    legacySwitch: 'approval_required',
    render: (p) => ({
      severity: p.riskLevel === 'critical' || p.riskLevel === 'high' ? 'warning' : 'info',
      title: `Approval needed (${p.riskLevel} risk): ${p.title}`.slice(0, 255),
      body: `${p.initiatorName ?? 'An administrator'} proposed "${p.title}" (${p.action}, ${p.type.replace(/_/g, ' ')}). A different administrator must approve or reject it${p.expiresAt ? ` before ${new Date(p.expiresAt).toISOString()}` : ''}.`,
      adminLink: `/admin/approvals/${p.requestId}`,
      tenantLink: null,
      dedupeKey: null,
      dedupeSeconds: 0,
    }),
    audience: (p) => ({ admins: { kind: 'approvers', type: p.type, risk: p.riskLevel, exclude: p.initiatedBy }, tenantId: null }),
  },
  'approval.approved': {
    label: 'Your change request was approved',
    defaults: { email: true, slack: false },
    render: (p) => decisionRender('approval.approved', p),
    audience: (p) => ({ admins: { kind: 'admin', adminId: p.initiatedBy }, tenantId: null }),
  },
  'approval.rejected': {
    label: 'Your change request was rejected',
    defaults: { email: true, slack: false },
    render: (p) => decisionRender('approval.rejected', p),
    audience: (p) => ({ admins: { kind: 'admin', adminId: p.initiatedBy }, tenantId: null }),
  },
  'approval.expired': {
    label: 'Your change request expired',
    defaults: { email: true, slack: false },
    render: (p) => decisionRender('approval.expired', p),
    audience: (p) => ({ admins: { kind: 'admin', adminId: p.initiatedBy }, tenantId: null }),
  },
  'approval.failed': {
    label: 'Your approved change failed to apply',
    defaults: { email: true, slack: false },
    render: (p) => decisionRender('approval.failed', p),
    audience: (p) => ({ admins: { kind: 'admin', adminId: p.initiatedBy }, tenantId: null }),
  },
  'estimated_cost.alert': {
    label: 'Estimated-cost alert',
    defaults: { email: 'critical', slack: 'warning' },
    render: (p) => ({
      severity: p.severity,
      title: `Estimated cost (${p.severity}): ${p.modelName ?? p.modelId}`.slice(0, 255),
      body: `The cost of ${p.modelName ?? p.modelId} is estimated from similar models with confidence ${pct(p.confidence)}.${p.recommendation ? ` ${p.recommendation}` : ''}`,
      adminLink: '/admin/alerts',
      tenantLink: null,
      dedupeKey: `estimated_cost.alert:${p.alertId ?? p.modelId}:${p.severity}`,
      dedupeSeconds: 24 * 3600,
    }),
    audience: () => ({ admins: { kind: 'permission', permission: 'pricing.propose' }, tenantId: null }),
  },
  'provider.unhealthy': {
    label: 'A provider is unhealthy',
    defaults: { email: false, slack: true },
    render: (p) => ({
      severity: 'warning',
      title: `Provider ${p.providerName ?? p.providerId} is unhealthy`,
      body: `Live traffic to ${p.providerName ?? p.providerId} is failing${p.errorRate ? ` (error rate ${pct(p.errorRate)})` : ''}${p.reason ? `: ${p.reason}` : ''}.`,
      adminLink: '/admin/providers',
      tenantLink: null,
      dedupeKey: `provider.unhealthy:${p.providerId}`,
      dedupeSeconds: 15 * 60,
    }),
    audience: () => ({ admins: { kind: 'permission', permission: 'catalog.propose' }, tenantId: null }),
  },
  'provider.cooldown': {
    label: 'A provider is cooling down',
    defaults: { email: false, slack: true },
    render: (p) => ({
      severity: 'warning',
      title: `Provider ${p.providerName ?? p.providerId} is cooling down`,
      body: `${p.failures ?? 'Repeated'} consecutive failures: requests skip ${p.providerName ?? p.providerId} (fallback chains apply) until ${p.until}.${p.reason ? ` Last error: ${p.reason}` : ''}`,
      adminLink: '/admin/providers',
      tenantLink: null,
      dedupeKey: `provider.cooldown:${p.providerId}`,
      dedupeSeconds: 10 * 60,
    }),
    audience: () => ({ admins: { kind: 'permission', permission: 'catalog.propose' }, tenantId: null }),
  },
  'tenant.budget_80': {
    label: 'A tenant reached 80% of its budget',
    defaults: { email: false, slack: false },
    legacySwitch: 'usage_alerts',
    render: (p) => budgetRender('tenant.budget_80', p),
    audience: (p) => ({ admins: { kind: 'permission', permission: 'tenants.propose' }, tenantId: p.tenantId }),
  },
  'tenant.budget_100': {
    label: 'A tenant exhausted its budget',
    defaults: { email: true, slack: true },
    legacySwitch: 'usage_alerts',
    render: (p) => budgetRender('tenant.budget_100', p),
    audience: (p) => ({ admins: { kind: 'permission', permission: 'tenants.propose' }, tenantId: p.tenantId }),
  },
  'billing.run_finished': {
    label: 'A billing run finished',
    defaults: { email: false, slack: true },
    render: (p) => ({
      severity: 'info',
      title: `Billing run for ${p.period} finished: ${p.invoicesCreated} invoice${p.invoicesCreated === 1 ? '' : 's'}`,
      body: `The billing run ${p.runId} for ${p.period} finished${p.totalTenants != null ? ` (${p.processedTenants ?? p.totalTenants}/${p.totalTenants} tenants)` : ''} and created ${p.invoicesCreated} invoice${p.invoicesCreated === 1 ? '' : 's'}.`,
      adminLink: '/admin/billing',
      tenantLink: null,
      dedupeKey: null,
      dedupeSeconds: 0,
    }),
    audience: (p) => ({ admins: { kind: 'permission', permission: 'billing.run', also: p.startedBy ?? null }, tenantId: null }),
  },
  'billing.run_failed': {
    label: 'A billing run failed',
    defaults: { email: true, slack: true },
    render: (p) => ({
      severity: 'critical',
      title: `Billing run for ${p.period} failed`,
      body: `The billing run ${p.runId} for ${p.period} failed: ${p.error}\nIt can be restarted; tenants already invoiced are skipped.`,
      adminLink: '/admin/billing',
      tenantLink: null,
      dedupeKey: null,
      dedupeSeconds: 0,
    }),
    audience: (p) => ({ admins: { kind: 'permission', permission: 'billing.run', also: p.startedBy ?? null }, tenantId: null }),
  },
  'metering.usage_invalid': {
    label: 'A provider reported impossible usage',
    defaults: { email: false, slack: true },
    render: (p) => ({
      severity: 'warning',
      title: `Impossible usage from ${p.providerId} (${p.modelId}); billed from our own count`.slice(0, 255),
      body: `${p.providerId} answered ${p.modelId} with a usage object that cannot be right: ${p.problems}. Those requests are billed from RADIANT's own token count (flagged tokens_estimated) until the provider is fixed.`,
      adminLink: '/admin/providers',
      tenantLink: null,
      dedupeKey: `metering.usage_invalid:${p.providerId}:${p.modelId}`,
      dedupeSeconds: 3600,
    }),
    audience: () => ({ admins: { kind: 'permission', permission: 'catalog.propose' }, tenantId: null }),
  },
  'metering.quarantined': {
    label: 'Usage events are quarantined',
    defaults: { email: true, slack: true },
    render: (p) => ({
      severity: 'critical',
      title: `${p.open} usage event${p.open === 1 ? ' is' : 's are'} quarantined (not billed yet)`,
      body: `The database refused ${p.open === 1 ? 'a usage event' : 'usage events'}${p.reason ? ` (${p.reason})` : ''}. Metering goes on for everything else; repair and replay the quarantined events so they are billed.`,
      adminLink: '/admin/metering',
      tenantLink: null,
      dedupeKey: 'metering.quarantined',
      dedupeSeconds: 3600,
    }),
    audience: () => ({ admins: { kind: 'permission', permission: 'billing.run' }, tenantId: null }),
  },
};

/** Events the global Slack webhook (SLACK_WEBHOOK_URL) receives unless SLACK_WEBHOOK_EVENTS
 * lists others ("all" = every event). Personal approval outcomes stay personal. */
export const GLOBAL_SLACK_EVENTS: readonly NotificationEvent[] = [
  'approval.requested',
  'estimated_cost.alert',
  'provider.unhealthy',
  'provider.cooldown',
  'tenant.budget_100',
  'billing.run_finished',
  'billing.run_failed',
  'metering.usage_invalid',
  'metering.quarantined',
];

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Roles are resolved by the notifier; exported for docs/tests. */
