/**
 * Notifications end to end: every event reaches a real SMTP listener (nodemailer -> fake SMTP),
 * a local Slack webhook receiver (per-admin and global) and the in-app lists; failed deliveries
 * are retried with backoff; per-admin preferences hold; notify() never throws.
 */
import crypto from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/client';
import { administrators, auditLogs, notificationDeliveries, notifications } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import type { AdminContext, TenantContext } from '../../lib/platform/context';
import { setMailer } from '../../lib/governance/mailer';
import type { AdminRole } from '../../lib/governance/permissions';
import { slackMessage, type StoredNotification } from '../../lib/notifications/channels';
import { NOTIFICATION_EVENTS, type EventPayloadInput, type NotificationEvent } from '../../lib/notifications/events';
import {
  getAdminNotificationSettings,
  listAdminNotifications,
  listTenantNotifications,
  markAdminNotificationRead,
  markAllAdminNotificationsRead,
  markTenantNotificationRead,
  updateAdminNotificationSettings,
} from '../../lib/notifications/inbox';
import { notify } from '../../lib/notifications/notifier';
import { drainDeliveries, drainOnce } from '../../lib/notifications/worker';
import { testDb } from '../support/db';
import { createTenant, createUser, uniqueSuffix } from '../support/factories';
import { startFakeSmtp, type FakeSmtp } from './support/fake-smtp';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver';

// Test hosts (fake servers on loopback, .test names) allowed as an operator would (lib/platform/outbound.ts).
process.env.RADIANT_OUTBOUND_ALLOW = '127.0.0.1,localhost,llm.internal.test,example.test';

let db: Db;
let smtp: FakeSmtp;
let hooks: WebhookReceiver;
const savedEnv = { SMTP_URL: process.env.SMTP_URL, SLACK_WEBHOOK_URL: process.env.SLACK_WEBHOOK_URL, SLACK_WEBHOOK_EVENTS: process.env.SLACK_WEBHOOK_EVENTS };
const FAST = { baseDelayMs: 20, leaseMs: 0, maxDelayMs: 200, timeoutMs: 10_000 } as const;

interface TestAdmin {
  id: string;
  email: string;
  role: AdminRole;
  ctx: AdminContext;
  hookPath: string;
}

const ALL_ON = { events: Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, { email: true, slack: true }])) };

async function createAdmin(role: AdminRole, opts: { settings?: unknown; slack?: boolean } = {}): Promise<TestAdmin> {
  const s = uniqueSuffix();
  const email = `${role}-${s}@ops.test`;
  const hookPath = `/slack/${role}-${s}`;
  const [row] = await withPlatform(
    (tx) =>
      tx
        .insert(administrators)
        .values({
          email,
          name: `${role} ${s}`,
          role,
          status: 'active',
          notificationSettings: (opts.settings ?? {}) as Record<string, unknown>,
          slackWebhookUrl: opts.slack === false ? null : hooks.url(hookPath),
        })
        .returning(),
    db,
  );
  const ctx: AdminContext = { adminId: row!.id, email, name: row!.name, role, mfa: false, ip: null, userAgent: null, requestId: crypto.randomUUID() };
  return { id: row!.id, email, role, ctx, hookPath };
}

function tenantCtx(user: { id: string; email: string; role: 'owner' | 'member' | 'billing' }, tenantId: string): TenantContext {
  return { userId: user.id, tenantId, email: user.email, role: user.role, ip: null, userAgent: null, requestId: crypto.randomUUID() };
}

async function rowsFor(event: NotificationEvent, title?: string) {
  return withPlatform(
    (tx) =>
      tx
        .select()
        .from(notifications)
        .where(eq(notifications.event, event))
        .then((r) => (title ? r.filter((x) => x.title === title) : r)),
    db,
  );
}

async function deliveriesOf(ids: string[]) {
  if (!ids.length) return [];
  return withPlatform((tx) => tx.select().from(notificationDeliveries).where(inArray(notificationDeliveries.notificationId, ids)), db);
}

beforeAll(async () => {
  db = (await testDb()).db;
  smtp = await startFakeSmtp();
  hooks = await startWebhookReceiver();
  process.env.SMTP_URL = smtp.url;
  process.env.SLACK_WEBHOOK_URL = hooks.url('/slack/global');
  delete process.env.SLACK_WEBHOOK_EVENTS;
  setMailer(null); // rebuilt from SMTP_URL: the real nodemailer SMTP transport
});

afterAll(async () => {
  setMailer(null);
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await smtp?.close();
  await hooks?.close();
});

afterEach(() => {
  smtp.messages.length = 0;
  hooks.received.length = 0;
});

describe('every event reaches every channel', () => {
  it('e-mail (fake SMTP), Slack (per-admin + global webhook) and the in-app lists', async () => {
    const superAdmin = await createAdmin('super_admin', { settings: ALL_ON });
    const approver = await createAdmin('admin', { settings: ALL_ON });
    const operator = await createAdmin('operator', { settings: ALL_ON });
    const auditor = await createAdmin('auditor', { settings: ALL_ON });
    const s = uniqueSuffix();
    const tenant = await createTenant(db, { name: `Acme ${s}` });
    const owner = await createUser(db, tenant.id, { role: 'owner' });
    const member = await createUser(db, tenant.id, { role: 'member' });
    const req = crypto.randomUUID();
    const run = crypto.randomUUID();

    const cases: {
      [E in NotificationEvent]: { payload: EventPayloadInput<E>; admins: TestAdmin[]; notAdmins: TestAdmin[]; tenant?: boolean; global: boolean };
    } = {
      'approval.requested': {
        payload: {
          requestId: req,
          title: `Raise markup ${s}`,
          type: 'billing_change',
          riskLevel: 'high',
          action: 'markup.set_default',
          initiatedBy: operator.id,
          initiatorName: 'Otto',
        },
        admins: [superAdmin, approver],
        notAdmins: [operator, auditor],
        global: true,
      },
      'approval.approved': {
        payload: { requestId: req, title: `Raise markup ${s}`, initiatedBy: operator.id, decidedBy: 'Grace' },
        admins: [operator],
        notAdmins: [approver, superAdmin],
        global: false,
      },
      'approval.rejected': {
        payload: { requestId: req, title: `Other ${s}`, initiatedBy: operator.id, decidedBy: 'Grace', notes: 'too risky' },
        admins: [operator],
        notAdmins: [approver],
        global: false,
      },
      'approval.expired': {
        payload: { requestId: req, title: `Old ${s}`, initiatedBy: operator.id },
        admins: [operator],
        notAdmins: [approver],
        global: false,
      },
      'approval.failed': {
        payload: { requestId: req, title: `Broken ${s}`, initiatedBy: operator.id, decidedBy: 'Grace', error: 'model not found' },
        admins: [operator],
        notAdmins: [approver],
        global: false,
      },
      'estimated_cost.alert': {
        payload: { modelId: `model-${s}`, modelName: `Model ${s}`, severity: 'critical', confidence: 0.42, recommendation: 'Verify the cost.' },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        global: true,
      },
      'provider.unhealthy': {
        payload: { providerId: `prov-${s}`, providerName: `Prov ${s}`, errorRate: 0.5 },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        global: true,
      },
      'provider.cooldown': {
        payload: { providerId: `prov-${s}`, providerName: `Prov ${s}`, until: new Date(Date.now() + 60_000), failures: 3 },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        global: true,
      },
      'tenant.budget_80': {
        payload: { tenantId: tenant.id, period: '2026-11', budget: '100.00', spent: '80.50' },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        tenant: true,
        global: false,
      },
      'tenant.budget_100': {
        payload: { tenantId: tenant.id, period: '2026-11', budget: '100.00', spent: '100.20' },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        tenant: true,
        global: true,
      },
      'billing.run_finished': {
        payload: { runId: run, period: '2026-10', invoicesCreated: 12, processedTenants: 12, totalTenants: 12, startedBy: superAdmin.id },
        admins: [superAdmin, approver],
        notAdmins: [operator, auditor],
        global: true,
      },
      'billing.run_failed': {
        payload: { runId: run, period: '2026-10', error: 'database unavailable' },
        admins: [superAdmin, approver],
        notAdmins: [operator, auditor],
        global: true,
      },
      'metering.usage_invalid': {
        payload: { providerId: `prov-${s}`, modelId: `model-${s}`, problems: 'completion_tokens is not a non-negative integer (-3)' },
        admins: [superAdmin, approver, operator],
        notAdmins: [auditor],
        global: true,
      },
      'metering.quarantined': {
        payload: { open: 2, reason: `check constraint (${run})` },
        admins: [superAdmin, approver],
        notAdmins: [operator, auditor],
        global: true,
      },
    };

    for (const event of NOTIFICATION_EVENTS) {
      const c = cases[event] as { payload: unknown; admins: TestAdmin[]; notAdmins: TestAdmin[]; tenant?: boolean; global: boolean };
      smtp.messages.length = 0;
      hooks.received.length = 0;
      const result = await notify(event, c.payload as never);
      expect(result.skipped, event).toBeUndefined();
      // Rows of THIS notify call: on PostgreSQL other test files raise real events too (a gateway
      // test's provider cooldown reaches these administrators as well); each case names its subject
      // with the suffix `s` (the run id for billing).
      const rows = (await rowsFor(event)).filter((r) => r.createdAt.getTime() > Date.now() - 60_000 && (r.title.includes(s) || (r.body ?? '').includes(run)));
      const title = rows.find((r) => r.adminId === c.admins[0]!.id)?.title;
      expect(title, `${event}: in-app row for ${c.admins[0]!.role}`).toBeTruthy();
      // This test's rows only (on PostgreSQL other test files may have administrators too).
      const ours = new Set([superAdmin, approver, operator, auditor].map((a) => a.id));
      const mine = rows.filter((r) => r.title === title && (r.adminId === null || ours.has(r.adminId)));
      await drainDeliveries({ ...FAST, only: mine.map((r) => r.id) });

      for (const a of c.admins) {
        // in-app
        const list = await listAdminNotifications({ ctx: a.ctx, input: { limit: 200 } });
        expect(
          list.items.some((i) => i.event === event && i.title === title),
          `${event}: in-app for ${a.role}`,
        ).toBe(true);
        // e-mail through SMTP
        const mail = smtp.messages.find((m) => m.to.includes(a.email));
        expect(mail, `${event}: e-mail to ${a.role}`).toBeDefined();
        expect(mail!.subject).toContain(title!.slice(0, 40));
        // Slack on the admin's own webhook
        const hook = hooks.received.find((h) => h.path === a.hookPath);
        expect(hook, `${event}: Slack for ${a.role}`).toBeDefined();
        const body = hook!.body as { text: string; blocks: Array<{ type: string }> };
        expect(body.text).toContain(title!);
        expect(body.blocks.map((b) => b.type)).toEqual(expect.arrayContaining(['header', 'section', 'context']));
        expect(hook!.contentType).toContain('application/json');
      }
      for (const a of c.notAdmins) {
        expect(
          smtp.messages.some((m) => m.to.includes(a.email)),
          `${event}: no e-mail to ${a.role}`,
        ).toBe(false);
        expect(
          hooks.received.some((h) => h.path === a.hookPath),
          `${event}: no Slack to ${a.role}`,
        ).toBe(false);
        expect(
          mine.some((r) => r.adminId === a.id),
          `${event}: no in-app row for ${a.role}`,
        ).toBe(false);
      }
      expect(
        hooks.received.some((h) => h.path === '/slack/global'),
        `${event}: global Slack`,
      ).toBe(c.global);
      if (event === 'tenant.budget_100') {
        // One message exactly as the local receiver got it (for the docs and the issue note).
        const g = hooks.received.find((h) => h.path === '/slack/global')!;
        console.log(`Slack webhook POST ${g.path} (${g.contentType}):\n${JSON.stringify(g.body, null, 2)}`);
      }
      if (c.tenant) {
        const ownerList = await listTenantNotifications({ ctx: tenantCtx({ ...owner, role: 'owner' }, tenant.id), input: {} });
        const memberList = await listTenantNotifications({ ctx: tenantCtx({ ...member, role: 'member' }, tenant.id), input: {} });
        expect(ownerList.items.some((i) => i.event === event && i.link === '/portal/usage')).toBe(true);
        expect(memberList.items.some((i) => i.event === event)).toBe(true);
        expect(
          smtp.messages.some((m) => m.to.includes(owner.email)),
          `${event}: e-mail to the tenant owner`,
        ).toBe(true);
        expect(
          smtp.messages.some((m) => m.to.includes(member.email)),
          `${event}: members get in-app only`,
        ).toBe(false);
        expect(title).toContain(tenant.name);
      }
      const deliveries = await deliveriesOf(mine.map((r) => r.id));
      expect(deliveries.length).toBeGreaterThan(0);
      expect(
        deliveries.every((d) => d.status === 'sent' && d.attempts === 1),
        `${event}: all deliveries sent`,
      ).toBe(true);
    }
  });

  it('formats the Slack message with text, header, section and a link context', () => {
    const n: StoredNotification = {
      id: crypto.randomUUID(),
      event: 'provider.cooldown',
      severity: 'warning',
      title: 'Provider OpenAI is cooling down',
      body: '3 consecutive failures: <script> & friends',
      link: '/admin/providers',
      createdAt: new Date(),
    };
    const m = slackMessage(n);
    expect(m.text).toMatch(/^\[WARNING\] Provider OpenAI is cooling down http/);
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: n.title, emoji: true } });
    expect(JSON.stringify(m.blocks[1])).toContain('&lt;script&gt; &amp; friends');
    expect(JSON.stringify(m.blocks[2])).toMatch(/<http[^|]+\/admin\/providers\|Open in RADIANT>/);
  });
});

describe('retries', () => {
  it('retries a Slack delivery after the receiver answers 500 twice, then 200', async () => {
    const a = await createAdmin('admin', { settings: { email: false } });
    hooks.respondNext([500, 500], a.hookPath);
    const providerId = `retry-${uniqueSuffix()}`;
    await notify('provider.cooldown', { providerId, until: new Date().toISOString(), failures: 3 });
    const [row] = (await rowsFor('provider.cooldown')).filter((r) => r.adminId === a.id && r.title.includes(providerId));
    const only = [row!.id];

    const first = await drainOnce({ ...FAST, only });
    expect(first).toMatchObject({ claimed: 1, sent: 0, retried: 1, failed: 0 });
    let [d] = await deliveriesOf(only);
    expect(d).toMatchObject({ status: 'queued', attempts: 1 });
    expect(d!.lastError).toContain('500');

    // Backoff: not due again immediately after a failure (base 60 s here).
    expect((await drainOnce({ ...FAST, baseDelayMs: 60_000, maxDelayMs: 60_000, only })).claimed).toBe(0);

    await new Promise((r) => setTimeout(r, 60));
    expect(await drainOnce({ ...FAST, only })).toMatchObject({ claimed: 1, retried: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await drainOnce({ ...FAST, only })).toMatchObject({ claimed: 1, sent: 1 });
    [d] = await deliveriesOf(only);
    expect(d).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(hooks.received.filter((h) => h.path === a.hookPath).map((h) => h.status)).toEqual([500, 500, 200]);
  });

  it('retries e-mail after a temporary SMTP failure (451)', async () => {
    const a = await createAdmin('admin', { settings: { slack: false }, slack: false });
    smtp.failNext(1, 451);
    const boom = `boom ${uniqueSuffix()}`;
    await notify('billing.run_failed', { runId: crypto.randomUUID(), period: '2026-09', error: boom });
    const [row] = (await rowsFor('billing.run_failed')).filter((r) => r.adminId === a.id && (r.body ?? '').includes(boom));
    const only = [row!.id];
    expect(await drainOnce({ ...FAST, only })).toMatchObject({ retried: 1 });
    await new Promise((r) => setTimeout(r, 40));
    expect(await drainOnce({ ...FAST, only })).toMatchObject({ sent: 1 });
    expect(smtp.messages.filter((m) => m.to.includes(a.email))).toHaveLength(1);
  });

  it('gives up at once on a permanent failure (404 from Slack) and after maxAttempts on transient ones', async () => {
    const a = await createAdmin('admin', { settings: { email: false } });
    hooks.respondNext([404], a.hookPath);
    const gone = `gone-${uniqueSuffix()}`;
    await notify('provider.unhealthy', { providerId: gone });
    const [row] = (await rowsFor('provider.unhealthy')).filter((r) => r.adminId === a.id && r.title.includes(gone));
    expect(await drainOnce({ ...FAST, only: [row!.id] })).toMatchObject({ failed: 1 });
    expect((await deliveriesOf([row!.id]))[0]).toMatchObject({ status: 'failed', attempts: 1 });

    const b = await createAdmin('admin', { settings: { email: false } });
    hooks.respondNext([503, 503, 503], b.hookPath);
    const flaky = `flaky-${uniqueSuffix()}`;
    await notify('provider.unhealthy', { providerId: flaky });
    const [row2] = (await rowsFor('provider.unhealthy')).filter((r) => r.adminId === b.id && r.title.includes(flaky));
    for (let i = 0; i < 3; i++) {
      await drainOnce({ ...FAST, maxAttempts: 3, only: [row2!.id] });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await deliveriesOf([row2!.id]))[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('two workers draining at once send each delivery exactly once', async () => {
    const admins = await Promise.all([1, 2, 3, 4].map(() => createAdmin('admin', { settings: { email: false } })));
    const providerId = `race-${uniqueSuffix()}`;
    await notify('provider.unhealthy', { providerId });
    const rows = (await rowsFor('provider.unhealthy')).filter((r) => admins.some((a) => a.id === r.adminId) && r.title.includes(providerId));
    const only = rows.map((r) => r.id);
    // The lease (leaseMs, at least the send timeout in production) keeps a claimed row away from
    // other workers while it is being sent.
    const opts = { ...FAST, leaseMs: 5000, limit: 2, only };
    const [x, y] = await Promise.all([drainDeliveries(opts), drainDeliveries(opts)]);
    expect(x.sent + y.sent).toBe(4);
    for (const a of admins) expect(hooks.received.filter((h) => h.path === a.hookPath)).toHaveLength(1);
  });
});

describe('preferences', () => {
  it('follows per-admin settings per event and channel; in-app is always on', async () => {
    const noEmail = await createAdmin('admin', { settings: { events: { 'estimated_cost.alert': { email: false, slack: true } } } });
    const criticalOnlySlack = await createAdmin('admin', { settings: { events: { 'estimated_cost.alert': { email: true, slack: 'critical' } } } });
    const masterOff = await createAdmin('admin', { settings: { email: false, slack: false } });
    const defaults = await createAdmin('operator'); // defaults: email 'critical', slack 'warning'
    const noWebhook = await createAdmin('admin', { slack: false, settings: { events: { 'estimated_cost.alert': { email: true, slack: true } } } });
    const admins = [noEmail, criticalOnlySlack, masterOff, defaults, noWebhook];

    const modelId = `pref-${uniqueSuffix()}`;
    await notify('estimated_cost.alert', { modelId, severity: 'warning', confidence: '0.6' });
    // (Other test files raise real alerts that reach these administrators too: only this model's.)
    const rows = (await rowsFor('estimated_cost.alert')).filter((r) => admins.some((a) => a.id === r.adminId) && r.title.includes(modelId));
    expect(rows).toHaveLength(admins.length); // in-app for everyone
    const d = await deliveriesOf(rows.map((r) => r.id));
    const channels = (a: TestAdmin) =>
      d
        .filter((x) => x.notificationId === rows.find((r) => r.adminId === a.id)!.id)
        .map((x) => x.channel)
        .sort();
    expect(channels(noEmail)).toEqual(['slack']);
    expect(channels(criticalOnlySlack)).toEqual(['email']); // warning < critical: no Slack
    expect(channels(masterOff)).toEqual([]);
    expect(channels(defaults)).toEqual(['slack']); // default e-mail only for critical
    expect(channels(noWebhook)).toEqual(['email']);

    // A critical alert reaches the default admin by e-mail too.
    await notify('estimated_cost.alert', { modelId, severity: 'critical', confidence: '0.2' });
    const crit = (await rowsFor('estimated_cost.alert')).filter((r) => r.adminId === defaults.id && r.severity === 'critical' && r.title.includes(modelId));
    expect((await deliveriesOf(crit.map((r) => r.id))).map((x) => x.channel).sort()).toEqual(['email', 'slack']);
  });

  it("honours the seed's legacy switches (approval_required, usage_alerts)", async () => {
    const a = await createAdmin('admin', { settings: { approval_required: false, usage_alerts: false } });
    const initiator = await createAdmin('operator');
    const legacy = `Legacy ${uniqueSuffix()}`;
    await notify('approval.requested', {
      requestId: crypto.randomUUID(),
      title: legacy,
      type: 'deployment',
      riskLevel: 'low',
      action: 'x.y',
      initiatedBy: initiator.id,
    });
    const rows = (await rowsFor('approval.requested')).filter((r) => r.adminId === a.id && r.title.includes(legacy));
    expect(rows).toHaveLength(1);
    expect(await deliveriesOf(rows.map((r) => r.id))).toHaveLength(0);
  });

  it('reads and updates my settings (merged per event, audited, webhook URL not echoed)', async () => {
    const a = await createAdmin('operator', { slack: false });
    const before = await getAdminNotificationSettings({ ctx: a.ctx });
    expect(before.slackWebhookConfigured).toBe(false);
    expect(before.events.find((e) => e.event === 'provider.cooldown')).toMatchObject({ email: false, slack: true, inApp: true });

    await updateAdminNotificationSettings({ ctx: a.ctx, input: { events: { 'provider.cooldown': { email: true } } } });
    const after = await updateAdminNotificationSettings({
      ctx: a.ctx,
      input: { events: { 'provider.cooldown': { slack: false } }, slackWebhookUrl: hooks.url('/slack/mine') },
    });
    expect(after.settings.events?.['provider.cooldown']).toEqual({ email: true, slack: false });
    expect(after.slackWebhookConfigured).toBe(true);
    await expect(updateAdminNotificationSettings({ ctx: a.ctx, input: { events: { 'provider.cooldown': { email: 'loud' } } } as never })).rejects.toThrow();
    const audit = await withPlatform((tx) => tx.select().from(auditLogs).where(eq(auditLogs.resourceId, a.id)), db);
    expect(audit.filter((r) => r.action === 'notifications.settings_updated')).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('/slack/mine');
  });
});

describe('in-app lists', () => {
  it('lists newest first with an unread count; marks read; never shows another admin or tenant', async () => {
    // Auditors: no broadcast event (billing runs, providers, budgets...) that other test files
    // raise meanwhile reaches them, so the counts below are this test's alone.
    const a = await createAdmin('auditor', { settings: { email: false, slack: false } });
    const other = await createAdmin('auditor', { settings: { email: false, slack: false } });
    for (let i = 0; i < 3; i++) {
      await notify('approval.expired', { requestId: crypto.randomUUID(), title: `Inbox ${i} ${uniqueSuffix()}`, initiatedBy: a.id });
    }
    const list = await listAdminNotifications({ ctx: a.ctx, input: {} });
    expect(list.items).toHaveLength(3);
    expect(list.unreadCount).toBe(3);
    expect(list.next).toBeNull();
    await expect(markAdminNotificationRead({ ctx: other.ctx, input: { id: list.items[0]!.id } })).rejects.toThrow(/No such notification/);
    const read = await markAdminNotificationRead({ ctx: a.ctx, input: { id: list.items[0]!.id } });
    expect(read.read).toBe(true);
    expect((await listAdminNotifications({ ctx: a.ctx, input: { unread: 'true' } as never })).items).toHaveLength(2);
    expect(await markAllAdminNotificationsRead({ ctx: a.ctx })).toEqual({ updated: 2 });
    expect((await listAdminNotifications({ ctx: a.ctx, input: {} })).unreadCount).toBe(0);

    const t1 = await createTenant(db);
    const t2 = await createTenant(db);
    const u1 = await createUser(db, t1.id, { role: 'owner' });
    const u2 = await createUser(db, t2.id, { role: 'owner' });
    await notify('tenant.budget_80', { tenantId: t1.id, period: '2026-11', budget: '10', spent: '8' });
    const l1 = await listTenantNotifications({ ctx: tenantCtx({ ...u1, role: 'owner' }, t1.id), input: {} });
    const l2 = await listTenantNotifications({ ctx: tenantCtx({ ...u2, role: 'owner' }, t2.id), input: {} });
    expect(l1.items).toHaveLength(1);
    expect(l2.items).toHaveLength(0);
    // Another tenant cannot mark it read (RLS + owner filter).
    await expect(markTenantNotificationRead({ ctx: tenantCtx({ ...u2, role: 'owner' }, t2.id), input: { id: l1.items[0]!.id } })).rejects.toThrow(
      /No such notification/,
    );
    expect((await markTenantNotificationRead({ ctx: tenantCtx({ ...u1, role: 'owner' }, t1.id), input: { id: l1.items[0]!.id } })).read).toBe(true);
  });
});

describe('notification lists page by keyset', () => {
  it('(created_at, id) order: a fan-out sharing one timestamp neither repeats nor drops a row across pages; each tenant user sees only theirs', async () => {
    const a = await createAdmin('auditor', { settings: { email: false, slack: false } });
    const t = await createTenant(db);
    const other = await createTenant(db);
    const u = await createUser(db, t.id, { role: 'member' });
    const at = new Date('2003-04-05T06:07:08.123Z');
    await withPlatform(
      (tx) =>
        tx.insert(notifications).values([
          ...Array.from({ length: 60 }, (_, i) => ({ adminId: a.id, event: 'approval.expired', title: `tie ${i}`, createdAt: at })),
          ...Array.from({ length: 30 }, (_, i) => ({
            tenantId: t.id,
            userId: i % 3 ? u.id : null,
            event: 'tenant.budget_80',
            title: `t ${i}`,
            createdAt: at,
          })),
          ...Array.from({ length: 5 }, (_, i) => ({
            tenantId: t.id,
            userId: crypto.randomUUID(),
            event: 'tenant.budget_80',
            title: `someone else ${i}`,
            createdAt: at,
          })),
          { tenantId: other.id, event: 'tenant.budget_80', title: 'other tenant', createdAt: at },
        ]),
      db,
    );
    for (const dir of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 4; i++) {
        const page = await listAdminNotifications({ ctx: a.ctx, input: { limit: '25', dir, cursor } });
        seen.push(...page.items.map((x) => x.id));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
    }
    // The tenant path (radiant_app, RLS): the user's own and the tenant-wide ones, 25 a page.
    const ctx = tenantCtx({ ...u, role: 'member' }, t.id);
    const p1 = await listTenantNotifications({ ctx, input: { limit: '25' } });
    const p2 = await listTenantNotifications({ ctx, input: { limit: '25', cursor: p1.next! } });
    const titles = [...p1.items, ...p2.items].map((x) => x.title);
    expect(titles).toHaveLength(30);
    expect(new Set(titles).size).toBe(30);
    expect(titles.some((x) => x.startsWith('someone else') || x === 'other tenant')).toBe(false);
    expect(p2.next).toBeNull();
  });
});

describe('never blocks the action', () => {
  it('drops an invalid payload with a result, without throwing', async () => {
    await expect(notify('billing.run_finished', { runId: 'not-a-uuid' } as never)).resolves.toMatchObject({ skipped: 'invalid_payload' });
  });

  it('logs and returns when the database is unreachable', async () => {
    const broken = { transaction: () => Promise.reject(new Error('connection refused')) } as unknown as Db;
    await expect(notify('provider.unhealthy', { providerId: 'x' }, { db: broken })).resolves.toMatchObject({ skipped: 'error' });
  });

  it('drops repeats of the same subject inside the dedupe window (provider flapping)', async () => {
    await createAdmin('admin', { settings: { email: false, slack: false } });
    const providerId = `flap-${uniqueSuffix()}`;
    const first = await notify('provider.cooldown', { providerId, until: new Date().toISOString() });
    const [second, third] = await Promise.all([
      notify('provider.cooldown', { providerId, until: new Date().toISOString() }),
      notify('provider.cooldown', { providerId, until: new Date().toISOString() }),
    ]);
    expect(first.notifications).toBeGreaterThan(0);
    expect(second.skipped).toBe('duplicate');
    expect(third.skipped).toBe('duplicate');
  });

  it('does not queue e-mail when no SMTP is configured (in-app and Slack still work)', async () => {
    const saved = process.env.SMTP_URL;
    delete process.env.SMTP_URL;
    setMailer(null);
    try {
      const a = await createAdmin('admin', { settings: ALL_ON });
      const noSmtp = `no smtp ${uniqueSuffix()}`;
      await notify('billing.run_failed', { runId: crypto.randomUUID(), period: '2026-08', error: noSmtp });
      const rows = (await rowsFor('billing.run_failed')).filter((r) => r.adminId === a.id && (r.body ?? '').includes(noSmtp));
      expect((await deliveriesOf(rows.map((r) => r.id))).map((d) => d.channel)).toEqual(['slack']);
    } finally {
      process.env.SMTP_URL = saved;
      setMailer(null);
    }
  });
});

describe('hooks for other modules', () => {
  it('budgetThresholdsCrossed is exact at the boundaries', async () => {
    const { budgetThresholdsCrossed } = await import('../../lib/notifications/hooks');
    expect(budgetThresholdsCrossed('100', '79.999999', '80')).toEqual([80]);
    expect(budgetThresholdsCrossed('100', '80', '80.5')).toEqual([]);
    expect(budgetThresholdsCrossed('100', '50', '100')).toEqual([80, 100]);
    expect(budgetThresholdsCrossed('100', '99.99', '100.000001')).toEqual([100]);
    expect(budgetThresholdsCrossed('0', '0', '5')).toEqual([]);
    expect(budgetThresholdsCrossed('0.30', '0.2399999999', '0.24')).toEqual([80]);
  });

  it('notifyApproval maps approval states to events (in the background)', async () => {
    const { notifyApproval } = await import('../../lib/notifications/hooks');
    const initiator = await createAdmin('operator', { settings: { email: false, slack: false } });
    const id = crypto.randomUUID();
    const view = {
      id,
      title: `Hook ${uniqueSuffix()}`,
      type: 'deployment' as const,
      riskLevel: 'low' as const,
      action: 'x.y',
      status: 'rejected' as const,
      initiatedBy: { id: initiator.id, email: initiator.email, name: 'Otto' },
      approvedBy: null,
      rejectedBy: { id: crypto.randomUUID(), email: 'g@x.test', name: 'Grace' },
      approvalNotes: 'no',
      expiresAt: new Date().toISOString(),
      executionResult: null,
    };
    notifyApproval(view);
    let rows: Awaited<ReturnType<typeof rowsFor>> = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      rows = (await rowsFor('approval.rejected')).filter((r) => r.adminId === initiator.id);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.body).toContain('was rejected by Grace');
    expect(rows[0]!.link).toBe(`/admin/approvals/${id}`);
  });
});

describe('the in-process worker', () => {
  it('polls, delivers soon after notify() and stops gracefully', async () => {
    const { startNotificationWorker, stopNotificationWorker, notificationWorkerRunning } = await import('../../lib/notifications/worker');
    const a = await createAdmin('admin', { settings: { email: false } });
    const loop = `loop-${uniqueSuffix()}`;
    await notify('provider.unhealthy', { providerId: loop });
    const rows = (await rowsFor('provider.unhealthy')).filter((r) => r.adminId === a.id && r.title.includes(loop));
    startNotificationWorker({ ...FAST, intervalMs: 30, only: rows.map((r) => r.id) });
    try {
      expect(notificationWorkerRunning()).toBe(true);
      for (let i = 0; i < 100 && !hooks.received.some((h) => h.path === a.hookPath); i++) await new Promise((r) => setTimeout(r, 20));
      expect(hooks.received.filter((h) => h.path === a.hookPath)).toHaveLength(1);
    } finally {
      await stopNotificationWorker();
    }
    expect(notificationWorkerRunning()).toBe(false);
    expect((await deliveriesOf(rows.map((r) => r.id)))[0]).toMatchObject({ status: 'sent' });
  });
});
