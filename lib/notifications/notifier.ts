/**
 * The notifier: `notify(event, payload)` records who must hear about something and queues the
 * e-mail and Slack deliveries; the worker (./worker.ts) sends them with retries.
 *
 *   - It NEVER throws and never blocks the action that caused it: it validates the payload,
 *     writes the in-app rows (notifications) and the queued deliveries (notification_deliveries)
 *     in one platform transaction, and returns. If even that fails, it logs and moves on. Call it
 *     AFTER the action's transaction has committed; `void notify(...)` where latency matters.
 *   - Administrators get an in-app row always, e-mail/Slack per their preferences (./settings.ts).
 *   - Tenant users get in-app rows (tenant_id + user_id, written on the platform path, visible to
 *     them through RLS) and, for budget events, e-mail to owners and billing users.
 *   - SLACK_WEBHOOK_URL (global) gets team-wide events through a broadcast row (admin_id and
 *     tenant_id both null: the message of record, shown to nobody's inbox).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { queryRows } from '../db/client';
import { administrators, models, notificationDeliveries, notifications, providers, tenants, users } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { getMailer } from '../governance/mailer';
import { approverRolesFor, hasPermission, type AdminRole } from '../governance/permissions';
import { getLogger } from '../observability/logger';
import { recordNotificationCreated } from '../observability/metrics';
import { adminSlackTarget, emailConfigured, GLOBAL_SLACK_TARGET } from './channels';
import {
  EVENT_PAYLOADS,
  EVENTS,
  GLOBAL_SLACK_EVENTS,
  NOTIFICATION_EVENTS,
  type AdminAudience,
  type EventDefinition,
  type EventPayload,
  type EventPayloadInput,
  type NotificationEvent,
  type Rendered,
} from './events';
import { parseSettings, wantsChannel } from './settings';
import { kickWorker } from './worker';

export { GLOBAL_SLACK_TARGET, adminSlackTarget };

export interface NotifyResult {
  /** In-app rows written (admins + tenant users + the broadcast row). */
  notifications: number;
  /** E-mail and Slack deliveries queued. */
  deliveries: number;
  skipped?: 'invalid_payload' | 'duplicate' | 'error';
}

export interface NotifyOptions {
  /** Database to use (tests); default the process's. */
  db?: Db;
}

/** Events the global Slack webhook receives: SLACK_WEBHOOK_EVENTS ("all" or a comma list), else the defaults. */
export function globalSlackEvents(env: NodeJS.ProcessEnv = process.env): ReadonlySet<NotificationEvent> {
  const raw = env.SLACK_WEBHOOK_EVENTS?.trim();
  if (!raw) return new Set(GLOBAL_SLACK_EVENTS);
  if (raw === 'all') return new Set(NOTIFICATION_EVENTS);
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s): s is NotificationEvent => (NOTIFICATION_EVENTS as readonly string[]).includes(s)),
  );
}

interface AdminRecipient {
  id: string;
  email: string;
  role: AdminRole;
  settings: unknown;
  slack: boolean;
}

async function resolveAdmins(tx: Tx, audience: AdminAudience): Promise<AdminRecipient[]> {
  if (audience.kind === 'none') return [];
  const rows = await tx
    .select({
      id: administrators.id,
      email: administrators.email,
      role: administrators.role,
      settings: administrators.notificationSettings,
      slackWebhookUrl: administrators.slackWebhookUrl,
    })
    .from(administrators)
    .where(and(eq(administrators.status, 'active'), isNull(administrators.deletedAt)));
  const pick = rows.filter((r) => {
    switch (audience.kind) {
      case 'admin':
        return r.id === audience.adminId;
      case 'approvers':
        return r.id !== audience.exclude && approverRolesFor(audience.type, audience.risk).includes(r.role);
      case 'permission':
        return hasPermission(r.role, audience.permission) || r.id === audience.also;
    }
  });
  return pick.map((r) => ({ id: r.id, email: r.email, role: r.role, settings: r.settings, slack: Boolean(r.slackWebhookUrl) }));
}

/** Fills in names the payload left out (so titles name their subject). */
async function enrich<E extends NotificationEvent>(tx: Tx, event: E, payload: EventPayload<E>): Promise<EventPayload<E>> {
  if ((event === 'tenant.budget_80' || event === 'tenant.budget_100') && !(payload as EventPayload<'tenant.budget_80'>).tenantName) {
    const p = payload as EventPayload<'tenant.budget_80'>;
    const [t] = await tx.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, p.tenantId)).limit(1);
    return { ...p, tenantName: t?.name ?? p.tenantId } as EventPayload<E>;
  }
  if ((event === 'provider.unhealthy' || event === 'provider.cooldown') && !(payload as EventPayload<'provider.cooldown'>).providerName) {
    const p = payload as EventPayload<'provider.cooldown'>;
    const [row] = await tx.select({ name: providers.displayName }).from(providers).where(eq(providers.id, p.providerId)).limit(1);
    return { ...p, providerName: row?.name ?? null } as EventPayload<E>;
  }
  if (event === 'estimated_cost.alert' && !(payload as EventPayload<'estimated_cost.alert'>).modelName) {
    const p = payload as EventPayload<'estimated_cost.alert'>;
    const [row] = await tx.select({ name: models.displayName }).from(models).where(eq(models.id, p.modelId)).limit(1);
    return { ...p, modelName: row?.name ?? null } as EventPayload<E>;
  }
  return payload;
}

async function isDuplicate(tx: Tx, event: NotificationEvent, r: Rendered): Promise<boolean> {
  if (!r.dedupeKey || r.dedupeSeconds <= 0) return false;
  // Serialises concurrent notifiers (several instances) for this subject until commit.
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`radiant.notify:${r.dedupeKey}`}))`);
  const rows = await queryRows<{ one: number }>(
    tx,
    sql`SELECT 1 AS one FROM notifications
         WHERE event = ${event} AND title = ${r.title}
           AND created_at > now() - make_interval(secs => ${r.dedupeSeconds}::double precision)
         LIMIT 1`,
  );
  return rows.length > 0;
}

type NotificationInsert = typeof notifications.$inferInsert;
type DeliveryDraft = { row: number; channel: 'email' | 'slack'; target: string };

async function enqueue<E extends NotificationEvent>(tx: Tx, event: E, payload: EventPayload<E>): Promise<NotifyResult> {
  const def = EVENTS[event] as unknown as EventDefinition<E>;
  const full = await enrich(tx, event, payload);
  const r = def.render(full);
  if (await isDuplicate(tx, event, r)) return { notifications: 0, deliveries: 0, skipped: 'duplicate' };
  const audience = def.audience(full);
  const canEmail = emailConfigured(getMailer());

  const rows: NotificationInsert[] = [];
  const drafts: DeliveryDraft[] = [];
  const base = { event, severity: r.severity, title: r.title, body: r.body } as const;

  for (const a of await resolveAdmins(tx, audience.admins)) {
    const i = rows.push({ ...base, adminId: a.id, link: r.adminLink }) - 1;
    const settings = parseSettings(a.settings);
    if (canEmail && wantsChannel(settings, event, 'email', r.severity)) drafts.push({ row: i, channel: 'email', target: a.email });
    if (a.slack && wantsChannel(settings, event, 'slack', r.severity)) drafts.push({ row: i, channel: 'slack', target: adminSlackTarget(a.id) });
  }

  if (audience.tenantId) {
    const members = await tx
      .select({ id: users.id, email: users.email, role: users.role })
      .from(users)
      .where(and(eq(users.tenantId, audience.tenantId), eq(users.status, 'active'), isNull(users.deletedAt)));
    for (const u of members) {
      const i = rows.push({ ...base, tenantId: audience.tenantId, userId: u.id, link: r.tenantLink }) - 1;
      if (canEmail && (u.role === 'owner' || u.role === 'billing')) drafts.push({ row: i, channel: 'email', target: u.email });
    }
  }

  if (process.env.SLACK_WEBHOOK_URL && globalSlackEvents().has(event)) {
    const i = rows.push({ ...base, link: r.adminLink }) - 1;
    drafts.push({ row: i, channel: 'slack', target: GLOBAL_SLACK_TARGET });
  }

  if (rows.length === 0) return { notifications: 0, deliveries: 0 };
  const inserted = await tx.insert(notifications).values(rows).returning({ id: notifications.id });
  if (drafts.length) {
    await tx
      .insert(notificationDeliveries)
      .values(drafts.map((d) => ({ notificationId: inserted[d.row]!.id, channel: d.channel, target: d.target, status: 'queued' as const })));
  }
  return { notifications: inserted.length, deliveries: drafts.length };
}

/**
 * Records an event for everyone who should hear about it and queues its deliveries.
 * Never throws; resolves once the rows are written (or the attempt failed and was logged).
 */
export async function notify<E extends NotificationEvent>(event: E, payload: EventPayloadInput<E>, opts: NotifyOptions = {}): Promise<NotifyResult> {
  const log = getLogger();
  try {
    const schema = EVENT_PAYLOADS[event] as unknown as {
      safeParse(v: unknown): { success: true; data: EventPayload<E> } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
    };
    if (!schema) {
      log.warn({ event }, 'notify: unknown event');
      return { notifications: 0, deliveries: 0, skipped: 'invalid_payload' };
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      log.warn({ event, issues: parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`) }, 'notify: invalid payload; nothing sent');
      return { notifications: 0, deliveries: 0, skipped: 'invalid_payload' };
    }
    const result = await withPlatform((tx) => enqueue(tx, event, parsed.data), opts.db);
    if (!result.skipped) {
      recordNotificationCreated(event);
      if (result.deliveries > 0) kickWorker();
    }
    return result;
  } catch (err) {
    log.error({ event, err: err instanceof Error ? err.message : String(err) }, 'notify: could not record the notification; the action itself is unaffected');
    return { notifications: 0, deliveries: 0, skipped: 'error' };
  }
}

/** Fire-and-forget form for hot paths (the gateway): returns immediately. */
export function notifyInBackground<E extends NotificationEvent>(event: E, payload: EventPayloadInput<E>): void {
  void notify(event, payload);
}
