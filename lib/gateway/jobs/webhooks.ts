/**
 * Tenant webhooks: a tenant registers URLs; RADIANT POSTs `job.completed` / `job.failed` events
 * signed the Standard Webhooks way (the `standardwebhooks` package): headers `webhook-id` (the
 * message id, the same on every retry and redelivery), `webhook-timestamp` (seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` under the
 * endpoint's `whsec_` secret, shown to the tenant once and kept sealed with RADIANT_SECRET_KEY).
 *
 * Deliveries are rows (webhook_deliveries), written in the same transaction as the job's final
 * state, and sent by a worker that claims due rows with a short lease (any instance may send;
 * none sends a row twice at once). A non-2xx answer, a timeout or an unreachable receiver is
 * retried with backoff (`RETRY_SCHEDULE_S`, Standard Webhooks' suggested schedule, shortened);
 * after the last attempt the delivery is `failed`. The portal shows the log and can redeliver.
 */
import crypto from 'node:crypto';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { NotFoundError, ValidationError } from '../../errors';
import { queryRows, type Db, type Tx } from '../../db/client';
import { tenantWebhooks, webhookDeliveries, WEBHOOK_EVENTS } from '../../db/schema';
import { withPlatform, withTenant } from '../../db/tenant';
import { decryptSecret, encryptSecret } from '../../platform/secret-box';
import { gatewayLog } from '../log';
import { checkOutboundUrl, type OutboundPolicy, outboundPolicyFromEnv } from './outbound';
import { guardedFetch } from '../../platform/outbound';

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Seconds before attempt 2, 3, ...: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (then failed). */
export const RETRY_SCHEDULE_S = [5, 300, 1800, 7200, 18000, 36000];

const secretContext = (tenantId: string) => `webhook:${tenantId}`;

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  secretPrefix: string;
  createdAt: Date;
}

function view(r: typeof tenantWebhooks.$inferSelect): WebhookView {
  return { id: r.id, url: r.url, description: r.description, events: r.events, enabled: r.enabled, secretPrefix: r.secretPrefix, createdAt: r.createdAt };
}

export async function createWebhook(args: {
  tenantId: string;
  url: string;
  description?: string | null;
  events?: string[];
  policy?: OutboundPolicy;
  db?: Db;
}): Promise<{ webhook: WebhookView; secret: string }> {
  const u = await checkOutboundUrl(args.url.trim(), args.policy ?? outboundPolicyFromEnv());
  const events = args.events && args.events.length > 0 ? args.events : [...WEBHOOK_EVENTS];
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length)
    throw new ValidationError(`Unknown event(s): ${unknown.join(', ')}.`, [{ path: 'events', message: `Choose from ${WEBHOOK_EVENTS.join(', ')}.` }]);
  const secret = `whsec_${crypto.randomBytes(24).toString('base64')}`;
  const [row] = await withTenant(
    args.tenantId,
    (tx) =>
      tx
        .insert(tenantWebhooks)
        .values({
          tenantId: args.tenantId,
          url: u.toString(),
          description: args.description?.trim() || null,
          events,
          secretSealed: encryptSecret(secret, secretContext(args.tenantId)),
          secretPrefix: secret.slice(0, 12),
        })
        .returning(),
    args.db,
  );
  return { webhook: view(row!), secret };
}

export async function listWebhooks(tenantId: string, db?: Db): Promise<WebhookView[]> {
  const rows = await withTenant(
    tenantId,
    (tx) => tx.select().from(tenantWebhooks).where(eq(tenantWebhooks.tenantId, tenantId)).orderBy(desc(tenantWebhooks.createdAt)),
    db,
  );
  return rows.map(view);
}

export async function deleteWebhook(tenantId: string, id: string, db?: Db): Promise<void> {
  const r = await withTenant(
    tenantId,
    (tx) =>
      tx
        .delete(tenantWebhooks)
        .where(and(eq(tenantWebhooks.id, id), eq(tenantWebhooks.tenantId, tenantId)))
        .returning({ id: tenantWebhooks.id }),
    db,
  );
  if (r.length === 0) throw new NotFoundError('Webhook not found.');
}

/** Queue one message for every enabled webhook of the tenant that wants the event (inside the
 * caller's transaction: the job's final state and its notifications commit together). */
export async function enqueueWebhookEvent(tx: Tx, tenantId: string, event: WebhookEvent, data: Record<string, unknown>, jobId: string | null): Promise<number> {
  const messageId = `msg_${crypto.randomUUID().replace(/-/g, '')}`;
  const payload = { type: event, timestamp: new Date().toISOString(), data };
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`INSERT INTO webhook_deliveries (tenant_id, webhook_id, job_id, message_id, event, payload)
        SELECT w.tenant_id, w.id, ${jobId}, ${messageId}, ${event}, ${JSON.stringify(payload)}::jsonb
        FROM tenant_webhooks w
        WHERE w.tenant_id = ${tenantId} AND w.enabled AND ${event} = ANY(w.events)
        RETURNING id`,
  );
  return rows.length;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  url: string;
  event: string;
  messageId: string;
  jobId: string | null;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  createdAt: Date;
}

export async function listDeliveries(
  tenantId: string,
  opts: { page?: number; pageSize?: number } = {},
  db?: Db,
): Promise<{ rows: DeliveryView[]; total: number }> {
  const pageSize = Math.min(Math.max(opts.pageSize ?? 20, 1), 100);
  const page = Math.max(opts.page ?? 1, 1);
  return withTenant(
    tenantId,
    async (tx) => {
      const rows = await tx
        .select({ d: webhookDeliveries, url: tenantWebhooks.url })
        .from(webhookDeliveries)
        .innerJoin(tenantWebhooks, eq(tenantWebhooks.id, webhookDeliveries.webhookId))
        .where(eq(webhookDeliveries.tenantId, tenantId))
        .orderBy(desc(webhookDeliveries.createdAt))
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      const [c] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM webhook_deliveries WHERE tenant_id = ${tenantId}`);
      return {
        total: Number(c?.n ?? 0),
        rows: rows.map(({ d, url }) => ({
          id: d.id,
          webhookId: d.webhookId,
          url,
          event: d.event,
          messageId: d.messageId,
          jobId: d.jobId,
          status: d.status,
          attempts: d.attempts,
          lastStatusCode: d.lastStatusCode,
          lastError: d.lastError,
          nextAttemptAt: d.nextAttemptAt,
          deliveredAt: d.deliveredAt,
          createdAt: d.createdAt,
        })),
      };
    },
    db,
  );
}

/** Send a delivery again (same message id, so receivers can de-duplicate). */
export async function redeliver(tenantId: string, deliveryId: string, db?: Db): Promise<void> {
  const r = await withTenant(
    tenantId,
    (tx) =>
      tx
        .update(webhookDeliveries)
        .set({ status: 'pending', nextAttemptAt: new Date(), lockedUntil: null, updatedAt: new Date() })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.tenantId, tenantId)))
        .returning({ id: webhookDeliveries.id }),
    db,
  );
  if (r.length === 0) throw new NotFoundError('Delivery not found.');
}

export interface DeliveryOptions {
  db?: Db;
  policy?: OutboundPolicy;
  timeoutMs?: number;
  retrySchedule?: number[];
  batch?: number;
  fetchImpl?: typeof fetch;
  /** Extra condition on the deliveries claimed (runner.tenantScope). */
  scope?: SQL;
}

interface DueRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  message_id: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret_sealed: string;
}

/** One pass of the delivery worker: claim due deliveries, POST them, record the outcome. */
export async function deliverDueWebhooks(o: DeliveryOptions = {}): Promise<{ delivered: number; failed: number; retried: number }> {
  const schedule = o.retrySchedule ?? RETRY_SCHEDULE_S;
  const due = await withPlatform(
    (tx) =>
      queryRows<DueRow>(
        tx,
        sql`WITH c AS (
              SELECT id FROM webhook_deliveries
              WHERE status = 'pending' AND next_attempt_at <= now() AND (locked_until IS NULL OR locked_until < now()) ${o.scope ?? sql``}
              ORDER BY next_attempt_at LIMIT ${o.batch ?? 20} FOR UPDATE SKIP LOCKED)
            UPDATE webhook_deliveries d SET locked_until = now() + interval '60 seconds'
            FROM c, tenant_webhooks w
            WHERE d.id = c.id AND w.id = d.webhook_id
            RETURNING d.id, d.tenant_id, d.message_id, d.payload, d.attempts, w.url, w.secret_sealed`,
      ),
    o.db,
  );
  const out = { delivered: 0, failed: 0, retried: 0 };
  await Promise.all(
    due.map(async (d) => {
      const payload = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
      let status: number | null = null;
      let error: string | null = null;
      try {
        await checkOutboundUrl(d.url, o.policy ?? outboundPolicyFromEnv());
        const secret = decryptSecret(d.secret_sealed, secretContext(d.tenant_id));
        const now = new Date();
        const signature = new Webhook(secret).sign(d.message_id, now, payload);
        // Checked again AT CONNECT TIME (lib/platform/outbound.ts): the name may resolve to a
        // private address by now (DNS rebinding). RADIANT_WEBHOOKS_ALLOW_PRIVATE lifts it.
        const policy = o.policy ?? outboundPolicyFromEnv();
        const send = o.fetchImpl ?? (policy.allowPrivate ? fetch : (guardedFetch as typeof fetch));
        const res = await send(d.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'RADIANT-Webhooks/1',
            'webhook-id': d.message_id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body: payload,
          redirect: 'manual',
          signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => null);
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (err) {
        error =
          err instanceof ValidationError
            ? `URL refused: ${err.message}`
            : err instanceof Error && err.name === 'TimeoutError'
              ? 'timed out'
              : 'could not connect';
      }
      const attempts = Number(d.attempts) + 1;
      const ok = error === null;
      const giveUp = !ok && attempts > schedule.length;
      const delay = schedule[Math.min(attempts - 1, schedule.length - 1)] ?? 60;
      await withPlatform(
        (tx) =>
          tx.execute(sql`UPDATE webhook_deliveries SET
              attempts = ${attempts}, last_status_code = ${status}, last_error = ${error}, locked_until = NULL, updated_at = now(),
              status = ${ok ? 'delivered' : giveUp ? 'failed' : 'pending'},
              delivered_at = ${ok ? new Date().toISOString() : null},
              next_attempt_at = now() + make_interval(secs => ${ok || giveUp ? 0 : delay})
            WHERE id = ${d.id}`),
        o.db,
      );
      if (ok) out.delivered++;
      else if (giveUp) out.failed++;
      else out.retried++;
      if (!ok) gatewayLog.info({ deliveryId: d.id, attempts, error }, 'webhook delivery failed');
    }),
  );
  return out;
}
