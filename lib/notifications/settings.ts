/**
 * Per-administrator notification preferences: administrators.notification_settings (JSONB).
 *
 *   {
 *     "email": true,                 // master switch for e-mail (the seed's key)
 *     "slack": true,                 // master switch for Slack (needs slack_webhook_url)
 *     "approval_required": true,     // seed key: gates approval.requested
 *     "usage_alerts": true,          // seed key: gates tenant.budget_80 / tenant.budget_100
 *     "events": {
 *       "provider.cooldown": { "email": false, "slack": true },
 *       "estimated_cost.alert": { "email": "critical", "slack": "warning" }
 *     }
 *   }
 *
 * A channel preference is true (on), false (off) or a severity ("warning" = warning and
 * critical only). Anything missing falls back to the event's default (./events.ts). In-app
 * notifications are always on: they are the record. Unknown keys are kept (forward compatible);
 * invalid values are ignored (defaults apply) rather than breaking delivery.
 */
import { z } from 'zod';
import { EVENTS, NOTIFICATION_EVENTS, SEVERITIES, SEVERITY_RANK, type NotificationEvent, type Severity } from './events';

export const CHANNELS = ['email', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];

export const channelPreferenceSchema = z.union([z.boolean(), z.enum(SEVERITIES)]);
export type ChannelPreference = z.infer<typeof channelPreferenceSchema>;

export const eventPreferenceSchema = z.strictObject({
  email: channelPreferenceSchema.optional(),
  slack: channelPreferenceSchema.optional(),
});

const eventsShape = Object.fromEntries(NOTIFICATION_EVENTS.map((e) => [e, eventPreferenceSchema.optional()])) as {
  [E in NotificationEvent]: z.ZodOptional<typeof eventPreferenceSchema>;
};

/** What an administrator may store (PUT /api/admin/notifications/settings validates with it). */
export const notificationSettingsSchema = z.object({
  email: z.boolean().optional(),
  slack: z.boolean().optional(),
  approval_required: z.boolean().optional(),
  usage_alerts: z.boolean().optional(),
  events: z.strictObject(eventsShape).optional(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

/** Reads whatever is stored, keeping the valid parts (never throws). */
export function parseSettings(raw: unknown): NotificationSettings {
  const full = notificationSettingsSchema.safeParse(raw);
  if (full.success) return full.data;
  const out: NotificationSettings = {};
  if (!raw || typeof raw !== 'object') return out;
  const r = raw as Record<string, unknown>;
  for (const k of ['email', 'slack', 'approval_required', 'usage_alerts'] as const) if (typeof r[k] === 'boolean') out[k] = r[k];
  if (r.events && typeof r.events === 'object') {
    const events: NonNullable<NotificationSettings['events']> = {};
    for (const e of NOTIFICATION_EVENTS) {
      const v = eventPreferenceSchema.safeParse((r.events as Record<string, unknown>)[e]);
      if (v.success) events[e] = v.data;
    }
    out.events = events;
  }
  return out;
}

function allows(pref: ChannelPreference, severity: Severity): boolean {
  if (typeof pref === 'boolean') return pref;
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[pref];
}

/** The preference in force for one event and channel (stored value or the event default). */
export function effectivePreference(settings: NotificationSettings, event: NotificationEvent, channel: Channel): ChannelPreference {
  return settings.events?.[event]?.[channel] ?? EVENTS[event].defaults[channel];
}

/** Should this administrator get this event on this channel at this severity? */
export function wantsChannel(settings: NotificationSettings, event: NotificationEvent, channel: Channel, severity: Severity): boolean {
  if (settings[channel] === false) return false;
  const legacy = EVENTS[event].legacySwitch;
  if (legacy && settings[legacy] === false) return false;
  return allows(effectivePreference(settings, event, channel), severity);
}

/** Every event with its effective preferences, for the settings screen. */
export function describeSettings(settings: NotificationSettings): Array<{
  event: NotificationEvent;
  label: string;
  email: ChannelPreference;
  slack: ChannelPreference;
  inApp: true;
}> {
  return NOTIFICATION_EVENTS.map((event) => ({
    event,
    label: EVENTS[event].label,
    email: effectivePreference(settings, event, 'email'),
    slack: effectivePreference(settings, event, 'slack'),
    inApp: true as const,
  }));
}

/** Merges an update into the stored settings (events merge per event and channel). */
export function mergeSettings(current: NotificationSettings, update: NotificationSettings): NotificationSettings {
  const events: NonNullable<NotificationSettings['events']> = { ...(current.events ?? {}) };
  for (const [e, pref] of Object.entries(update.events ?? {}) as Array<[NotificationEvent, z.infer<typeof eventPreferenceSchema> | undefined]>) {
    if (pref) events[e] = { ...(events[e] ?? {}), ...pref };
  }
  const out: NotificationSettings = { ...current, ...update };
  if (Object.keys(events).length) out.events = events;
  return out;
}
