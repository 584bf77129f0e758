/**
 * Outgoing mail behind a small interface. SMTP through nodemailer when SMTP_URL is set
 * (e.g. smtp://user:pass@mail.example.com:587); otherwise messages (with their links) are written
 * to the server log, which is how the demo delivers invitations. MAIL_FROM sets the sender.
 */
import { getLogger } from '../observability/logger';
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** 'smtp' delivers; 'log' only writes to the server log (links are then shown to the inviter). */
  readonly kind: 'smtp' | 'log' | 'test';
  send(message: MailMessage): Promise<void>;
}

const GLOBAL_KEY = Symbol.for('radiant.mailer');
type G = typeof globalThis & { [GLOBAL_KEY]?: Mailer | null };

export function mailFrom(): string {
  return process.env.MAIL_FROM || 'RADIANT <no-reply@radiant.local>';
}

class LogMailer implements Mailer {
  readonly kind = 'log' as const;
  async send(m: MailMessage): Promise<void> {
    getLogger().info({ to: m.to, subject: m.subject, text: m.text }, 'mail: SMTP_URL not set, not sent');
  }
}

class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  private transport: Promise<{ sendMail(o: Record<string, unknown>): Promise<unknown> }>;
  constructor(url: string) {
    this.transport = import('nodemailer').then((nm) => nm.default.createTransport(url));
  }
  async send(m: MailMessage): Promise<void> {
    const t = await this.transport;
    await t.sendMail({ from: mailFrom(), to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
  }
}

export function getMailer(): Mailer {
  const g = globalThis as G;
  if (g[GLOBAL_KEY]) return g[GLOBAL_KEY];
  const m: Mailer = process.env.SMTP_URL ? new SmtpMailer(process.env.SMTP_URL) : new LogMailer();
  g[GLOBAL_KEY] = m;
  return m;
}

/** Replace the mailer (tests capture messages; null = back to the environment's). */
export function setMailer(m: Mailer | null): void {
  (globalThis as G)[GLOBAL_KEY] = m;
}

/** A mailer that keeps messages in memory, for tests. */
export function memoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    kind: 'test',
    sent,
    async send(m) {
      sent.push(m);
    },
  };
}
