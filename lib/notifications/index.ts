/** Notifications: notify(event, payload) -> in-app rows + queued e-mail/Slack deliveries, sent
 * by the worker with retries. docs/operations.md lists events, channels and preferences. */
export { notify, notifyInBackground, globalSlackEvents, type NotifyResult } from './notifier';
export { NOTIFICATION_EVENTS, EVENTS, EVENT_PAYLOADS, type NotificationEvent, type EventPayloadInput, type Severity } from './events';
export { notificationSettingsSchema, parseSettings, wantsChannel, type NotificationSettings } from './settings';
export { drainDeliveries, drainOnce, startNotificationWorker, stopNotificationWorker, type DrainOptions, type DrainResult } from './worker';
export { slackMessage, GLOBAL_SLACK_TARGET, adminSlackTarget } from './channels';
