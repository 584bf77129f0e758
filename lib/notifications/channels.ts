/**
 * How a stored notification goes out on each channel: the Slack incoming-webhook message (text +
 * Block Kit blocks) and the e-mail (through the governance mailer, lib/governance/mailer.ts).
 * Sending functions throw DeliveryError; `permanent` failures are not retried.
 */
import { publicBaseUrl } from '../governance/config';
import { getMailer, type Mailer } from '../governance/mailer';
import type { Severity } from './events';

/** Delivery targets for Slack: the global webhook (resolved from the environment at send time,
 * so the secret URL is not copied into the database) or an administrator's own webhook. */
export const GLOBAL_SLACK_TARGET = 'env:SLACK_WEBHOOK_URL';
export const adminSlackTarget = (adminId: string) => `admin:${adminId}`;

/** What the worker loads from the notifications table for a delivery. */
export interface StoredNotification {
  id: string;
  event: string;
  severity: Severity;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: Date;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export function absoluteLink(link: string | null): string | null {
  if (!link) return null;
  if (/^https?:\/\//i.test(link)) return link;
  return `${publicBaseUrl()}${link.startsWith('/') ? '' : '/'}${link}`;
}

// ---- Slack ----------------------------------------------------------------------------------

const SEVERITY_ICON: Record<Severity, string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

/** Slack mrkdwn needs &, < and > escaped (they delimit links and mentions). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** The JSON body posted to an incoming webhook. `text` is the fallback shown in notifications. */
export function slackMessage(n: StoredNotification): SlackMessage {
  const url = absoluteLink(n.link);
  const header = `${n.title}`.slice(0, 150);
  const context = [`*${slackEscape(n.event)}*`, `severity: ${n.severity}`];
  if (url) context.push(`<${url}|Open in RADIANT>`);
  const blocks: Array<Record<string, unknown>> = [{ type: 'header', text: { type: 'plain_text', text: header, emoji: true } }];
  if (n.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_ICON[n.severity]} ${slackEscape(n.body)}`.slice(0, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join('  |  ') }] });
  return { text: `[${n.severity.toUpperCase()}] ${n.title}${url ? ` ${url}` : ''}`, blocks };
}

export async function postSlack(webhookUrl: string, message: SlackMessage, opts: { timeoutMs: number; fetch?: typeof fetch }): Promise<void> {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw new DeliveryError('the Slack webhook URL is not a valid URL', true);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DeliveryError('the Slack webhook URL must be http(s)', true);
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    // Refused by the outbound guard at connect time (lib/platform/outbound.ts): permanent.
    if (name === 'OutboundRefusedError') throw new DeliveryError(`the Slack webhook was ${(err as Error).message}`, true);
    // The URL carries the webhook's secret: it never goes into an error message.
    throw new DeliveryError(
      name === 'TimeoutError' ? `Slack webhook timed out after ${opts.timeoutMs} ms` : `Slack webhook unreachable (${name || 'network error'})`,
      false,
    );
  }
  const body = await res.text().catch(() => '');
  if (res.ok) return;
  const detail = body.slice(0, 200).replace(/\s+/g, ' ');
  // 4xx (bad token, archived channel, invalid payload) will not get better by retrying;
  // 408/429 and 5xx may.
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new DeliveryError(`Slack webhook answered ${res.status}${detail ? `: ${detail}` : ''}`, permanent);
}

// ---- e-mail ---------------------------------------------------------------------------------

/** True when e-mail can actually be delivered (SMTP_URL set, or a test mailer installed). */
export function emailConfigured(mailer: Mailer = getMailer()): boolean {
  return mailer.kind !== 'log';
}

const htmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function emailMessage(n: StoredNotification, to: string): { to: string; subject: string; text: string; html: string } {
  const url = absoluteLink(n.link);
  const base = publicBaseUrl();
  const footer = `You receive this because of your RADIANT notification settings (${base}/admin/settings/notifications).`;
  const text = [n.body ?? n.title, url ? `\nOpen: ${url}` : '', `\n--\n${footer}`].join('\n');
  const html =
    `<p><strong>${htmlEscape(n.title)}</strong></p>` +
    (n.body ? `<p>${htmlEscape(n.body).replace(/\n/g, '<br>')}</p>` : '') +
    (url ? `<p><a href="${htmlEscape(url)}">Open in RADIANT</a></p>` : '') +
    `<p style="color:#666;font-size:12px">${htmlEscape(footer)}</p>`;
  const tag = n.severity === 'critical' ? '[RADIANT critical] ' : n.severity === 'warning' ? '[RADIANT warning] ' : '[RADIANT] ';
  return { to, subject: `${tag}${n.title}`.slice(0, 250), text, html };
}

export async function sendEmail(n: StoredNotification, to: string, mailer: Mailer = getMailer()): Promise<void> {
  try {
    await mailer.send(emailMessage(n, to));
  } catch (err) {
    const code = (err as { responseCode?: unknown }).responseCode;
    const permanent = typeof code === 'number' && code >= 500 && code < 600;
    const msg = err instanceof Error ? err.message : String(err);
    // Strip credentials a transport might echo (smtp://user:pass@host).
    throw new DeliveryError(`e-mail not accepted: ${msg.replace(/\/\/[^@\s]+@/g, '//***@').slice(0, 300)}`, permanent);
  }
}
