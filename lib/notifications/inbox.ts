/**
 * The in-app notification lists: an administrator's own (platform path, admin_id = me) and a
 * tenant user's own (tenant path under RLS, tenant_id = my tenant AND user_id = me or null).
 * Domain verbs take `{ ctx, input }`; responses go through the zod schemas below (also used by
 * the OpenAPI document).
 */
import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { assertOutboundUrl } from '../platform/outbound';
import type { Tx } from '../db/client';
import { administrators, notifications } from '../db/schema';
import { isUuid, withPlatform, withTenant } from '../db/tenant';
import { NotFoundError } from '../errors';
import { auditFields, writeAudit } from '../platform/audit';
import type { AdminContext, TenantContext } from '../platform/context';
import { NOTIFICATION_EVENTS, SEVERITIES } from './events';
import { describeSettings, mergeSettings, notificationSettingsSchema, parseSettings, channelPreferenceSchema } from './settings';
import { blank } from '../platform/schemas';
import { afterCursor, listParamsSchema, toPage } from '../lists/keyset';

/** The common list parameters (dir, cursor = the previous page's `next`, limit 25/50/100) plus
 * `unread`; always in time order, newest first by default. */
export const listNotificationsQuerySchema = listParamsSchema(['time'] as const, 'time').extend({
  /** Only unread ones. */
  unread: z.preprocess((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : blank(v)), z.boolean().optional()),
});
export type ListNotificationsQuery = z.input<typeof listNotificationsQuerySchema>;

export const notificationItemSchema = z.object({
  id: z.uuid(),
  event: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  body: z.string().nullable(),
  link: z.string().nullable(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationItem = z.infer<typeof notificationItemSchema>;

export const notificationListSchema = z.object({
  items: z.array(notificationItemSchema),
  unreadCount: z.number().int().nonnegative(),
  /** Pass as `cursor` to get the next page; null on the last page. */
  next: z.string().nullable(),
});
export type NotificationList = z.infer<typeof notificationListSchema>;

export const markReadResultSchema = z.object({ updated: z.number().int().nonnegative() });

type Row = typeof notifications.$inferSelect;

function toItem(r: Row): NotificationItem {
  return {
    id: r.id,
    event: r.event,
    severity: r.severity,
    title: r.title,
    body: r.body,
    link: r.link,
    read: r.readAt !== null,
    readAt: r.readAt ? r.readAt.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
  };
}

async function list(run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>, owner: SQL, input: ListNotificationsQuery): Promise<NotificationList> {
  const q = listNotificationsQuerySchema.parse(input);
  const conds: SQL[] = [owner];
  if (q.unread) conds.push(isNull(notifications.readAt));
  // Keyset on (created_at, id): notifications fanned out in one statement share a timestamp.
  const after = afterCursor(q.cursor, sql`${notifications.createdAt}`, sql`${notifications.id}`, q.dir, 'timestamptz');
  if (after) conds.push(after);
  const by = q.dir === 'asc' ? asc : desc;
  return run(async (tx) => {
    const rows = await tx
      .select({ row: notifications, ck: sql<string>`${notifications.createdAt}::text` })
      .from(notifications)
      .where(and(...conds))
      .orderBy(by(notifications.createdAt), by(notifications.id))
      .limit(q.limit + 1);
    const [unread] = await tx
      .select({ n: count() })
      .from(notifications)
      .where(and(owner, isNull(notifications.readAt)));
    const page = toPage(rows, q.limit, (r) => [r.ck, r.row.id]);
    return notificationListSchema.parse({
      items: page.rows.map((r) => toItem(r.row)),
      unreadCount: Number(unread?.n ?? 0),
      next: page.next,
    });
  });
}

// ---- administrators ----------------------------------------------------------------------------

const adminOwner = (ctx: AdminContext) => eq(notifications.adminId, ctx.adminId);

export async function listAdminNotifications({ ctx, input }: { ctx: AdminContext; input: ListNotificationsQuery }): Promise<NotificationList> {
  return list((fn) => withPlatform(fn), adminOwner(ctx), input);
}

export async function markAdminNotificationRead({ ctx, input }: { ctx: AdminContext; input: { id: string } }): Promise<NotificationItem> {
  if (!isUuid(input.id)) throw new NotFoundError('No such notification');
  const row = await withPlatform(async (tx) => {
    const [r] = await tx
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(eq(notifications.id, input.id), adminOwner(ctx)))
      .returning();
    return r;
  });
  if (!row) throw new NotFoundError('No such notification');
  return notificationItemSchema.parse(toItem(row));
}

export async function markAllAdminNotificationsRead({ ctx }: { ctx: AdminContext }): Promise<{ updated: number }> {
  const rows = await withPlatform((tx) =>
    tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(adminOwner(ctx), isNull(notifications.readAt)))
      .returning({ id: notifications.id }),
  );
  return { updated: rows.length };
}

// ---- tenant users ------------------------------------------------------------------------------

const tenantOwner = (ctx: TenantContext) =>
  and(eq(notifications.tenantId, ctx.tenantId), or(eq(notifications.userId, ctx.userId), isNull(notifications.userId)))!;

export async function listTenantNotifications({ ctx, input }: { ctx: TenantContext; input: ListNotificationsQuery }): Promise<NotificationList> {
  // RLS limits the rows to ctx.tenantId; the owner filter narrows them to this user.
  return list((fn) => withTenant(ctx.tenantId, fn), tenantOwner(ctx), input);
}

export async function markTenantNotificationRead({ ctx, input }: { ctx: TenantContext; input: { id: string } }): Promise<NotificationItem> {
  if (!isUuid(input.id)) throw new NotFoundError('No such notification');
  const row = await withTenant(ctx.tenantId, async (tx) => {
    const [r] = await tx
      .update(notifications)
      .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
      .where(and(eq(notifications.id, input.id), tenantOwner(ctx)))
      .returning();
    return r;
  });
  if (!row) throw new NotFoundError('No such notification');
  return notificationItemSchema.parse(toItem(row));
}

export async function markAllTenantNotificationsRead({ ctx }: { ctx: TenantContext }): Promise<{ updated: number }> {
  const rows = await withTenant(ctx.tenantId, (tx) =>
    tx
      .update(notifications)
      .set({ readAt: sql`now()` })
      .where(and(tenantOwner(ctx), isNull(notifications.readAt)))
      .returning({ id: notifications.id }),
  );
  return { updated: rows.length };
}

// ---- an administrator's own preferences ----------------------------------------------------------

export const notificationSettingsViewSchema = z.object({
  settings: notificationSettingsSchema,
  /** Effective per-event preferences (stored value or default). */
  events: z.array(
    z.object({
      event: z.enum(NOTIFICATION_EVENTS),
      label: z.string(),
      email: channelPreferenceSchema,
      slack: channelPreferenceSchema,
      inApp: z.literal(true),
    }),
  ),
  slackWebhookConfigured: z.boolean(),
});
export type NotificationSettingsView = z.infer<typeof notificationSettingsViewSchema>;

export const updateNotificationSettingsSchema = notificationSettingsSchema.extend({
  /** Your own Slack incoming-webhook URL (https://hooks.slack.com/...); null removes it. */
  slackWebhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .optional(),
});
export type UpdateNotificationSettingsInput = z.input<typeof updateNotificationSettingsSchema>;

export async function getAdminNotificationSettings({ ctx }: { ctx: AdminContext }): Promise<NotificationSettingsView> {
  const [row] = await withPlatform((tx) =>
    tx
      .select({ settings: administrators.notificationSettings, slack: administrators.slackWebhookUrl })
      .from(administrators)
      .where(eq(administrators.id, ctx.adminId)),
  );
  if (!row) throw new NotFoundError('No such administrator');
  const settings = parseSettings(row.settings);
  return notificationSettingsViewSchema.parse({ settings, events: describeSettings(settings), slackWebhookConfigured: Boolean(row.slack) });
}

/** Updates the caller's own preferences (audited; the webhook URL itself is never stored in the audit row). */
export async function updateAdminNotificationSettings({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: UpdateNotificationSettingsInput;
}): Promise<NotificationSettingsView> {
  const { slackWebhookUrl, ...update } = updateNotificationSettingsSchema.parse(input);
  // Never toward the platform's own network (lib/platform/outbound.ts), checked again on send.
  if (slackWebhookUrl) await assertOutboundUrl(slackWebhookUrl, { path: 'slackWebhookUrl' });
  await withPlatform(async (tx) => {
    const [row] = await tx
      .select({ settings: administrators.notificationSettings, slack: administrators.slackWebhookUrl })
      .from(administrators)
      .where(eq(administrators.id, ctx.adminId))
      .for('update');
    if (!row) throw new NotFoundError('No such administrator');
    const before = parseSettings(row.settings);
    const after = mergeSettings(before, update);
    await tx
      .update(administrators)
      .set({
        notificationSettings: after,
        ...(slackWebhookUrl !== undefined ? { slackWebhookUrl } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(administrators.id, ctx.adminId));
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'notifications.settings_updated',
      resourceType: 'administrator',
      resourceId: ctx.adminId,
      oldValues: { settings: before, slackWebhookConfigured: Boolean(row.slack) },
      newValues: {
        settings: after,
        slackWebhookConfigured: slackWebhookUrl !== undefined ? Boolean(slackWebhookUrl) : Boolean(row.slack),
      },
    });
  });
  return getAdminNotificationSettings({ ctx });
}
