/**
 * The delivery worker: sends queued e-mail and Slack deliveries, with retries.
 *
 *   queued --send ok--> sent
 *   queued --send failed--> queued (attempts+1, last_error, retried after backoff)
 *          --permanent failure or attempts = max--> failed
 *
 * Safe with any number of instances: a batch is CLAIMED in one statement
 * (UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING), which bumps
 * `attempts` and `updated_at`. A claimed row is invisible to other workers until its backoff
 * (at least `leaseMs`) has passed, so a worker that dies mid-send leaves the row to be retried
 * later (at-least-once delivery), and two workers never send the same row at the same time.
 *
 * Backoff after attempt n: min(maxDelayMs, baseDelayMs * 2^(n-1)), never below leaseMs.
 * Defaults: 5 attempts, 30 s base, 30 min cap, lease 60 s (> the 10 s send timeout).
 *
 * Runs as a small in-process poller (startNotificationWorker; every instance may run one), and
 * `drainDeliveries()` is the unit a job queue can schedule instead.
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { queryRows } from '../db/client';
import { administrators, notifications } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { getMailer, type Mailer } from '../governance/mailer';
import { getLogger } from '../observability/logger';
import { recordNotificationDelivery } from '../observability/metrics';
import { assertOutboundUrl, guardedFetch, type GuardOptions } from '../platform/outbound';
import { DeliveryError, GLOBAL_SLACK_TARGET, postSlack, sendEmail, slackMessage, type StoredNotification } from './channels';
import type { Severity } from './events';

export interface DrainOptions {
  /** Deliveries claimed per batch (default 20). */
  limit?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Minimum time a claimed row stays invisible to other workers (must exceed timeoutMs). */
  leaseMs?: number;
  /** Per-send timeout (Slack POST). */
  timeoutMs?: number;
  db?: Db;
  mailer?: Mailer;
  fetch?: typeof fetch;
  /** Environment for SLACK_WEBHOOK_URL (tests). */
  env?: NodeJS.ProcessEnv;
  /** Only deliveries of these notifications (operations: resend one; tests: isolation). */
  only?: string[];
  /** The outbound guard for administrators' Slack URLs (tests inject a resolver). */
  outbound?: GuardOptions;
}

export interface DrainResult {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v ? Number.parseInt(v, 10) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function resolved(o: DrainOptions) {
  const timeoutMs = o.timeoutMs ?? envInt('NOTIFY_TIMEOUT_MS', 10_000);
  return {
    limit: o.limit ?? 20,
    maxAttempts: o.maxAttempts ?? envInt('NOTIFY_MAX_ATTEMPTS', 5),
    baseDelayMs: o.baseDelayMs ?? envInt('NOTIFY_RETRY_BASE_MS', 30_000),
    maxDelayMs: o.maxDelayMs ?? envInt('NOTIFY_RETRY_MAX_MS', 30 * 60_000),
    leaseMs: o.leaseMs ?? Math.max(envInt('NOTIFY_LEASE_MS', 60_000), timeoutMs + 5_000),
    timeoutMs,
  };
}

interface Claimed extends Record<string, unknown> {
  id: string;
  notification_id: string | null;
  channel: 'email' | 'slack' | 'in_app';
  target: string;
  attempts: number;
}

async function claim(o: ReturnType<typeof resolved>, only: string[] | undefined, db?: Db): Promise<Claimed[]> {
  const s = (ms: number) => ms / 1000;
  const scope = only
    ? sql`AND notification_id IN (${
        only.length
          ? sql.join(
              only.map((id) => sql`${id}::uuid`),
              sql`, `,
            )
          : sql`NULL`
      })`
    : sql``;
  return withPlatform(
    (tx) =>
      queryRows<Claimed>(
        tx,
        sql`UPDATE notification_deliveries d
               SET attempts = d.attempts + 1, updated_at = now()
             WHERE d.id IN (
                   SELECT id FROM notification_deliveries
                    WHERE status = 'queued' ${scope}
                      AND (attempts = 0 OR updated_at <= now() - make_interval(secs => greatest(
                            ${s(o.leaseMs)}::double precision,
                            least(${s(o.maxDelayMs)}::double precision,
                                  ${s(o.baseDelayMs)}::double precision * power(2, attempts - 1)))))
                    ORDER BY created_at
                    LIMIT ${o.limit}
                      FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.notification_id, d.channel, d.target, d.attempts`,
      ),
    db,
  );
}

async function settle(id: string, outcome: { status: 'sent' } | { status: 'queued' | 'failed'; error: string }, db?: Db): Promise<void> {
  const error = outcome.status === 'sent' ? null : outcome.error.slice(0, 1000);
  await withPlatform(
    (tx) => tx.execute(sql`UPDATE notification_deliveries SET status = ${outcome.status}, last_error = ${error}, updated_at = now() WHERE id = ${id}`),
    db,
  );
}

async function resolveSlackUrl(target: string, env: NodeJS.ProcessEnv, db?: Db, guard?: GuardOptions): Promise<string> {
  if (target === GLOBAL_SLACK_TARGET) {
    const url = env.SLACK_WEBHOOK_URL;
    if (!url) throw new DeliveryError('SLACK_WEBHOOK_URL is no longer set', true);
    return url;
  }
  const m = /^admin:([0-9a-f-]{36})$/i.exec(target);
  if (!m) throw new DeliveryError('unknown Slack target', true);
  const [row] = await withPlatform(
    (tx) =>
      tx
        .select({ url: administrators.slackWebhookUrl })
        .from(administrators)
        .where(inArray(administrators.id, [m[1]!])),
    db,
  );
  if (!row?.url) throw new DeliveryError('the administrator removed their Slack webhook', true);
  // An administrator's URL is checked again at send time (DNS may point elsewhere by now).
  await assertOutboundUrl(row.url, guard ?? {}).catch((err: unknown) => {
    throw new DeliveryError(`the Slack webhook was refused: ${err instanceof Error ? err.message : 'not allowed'}`, true);
  });
  return row.url;
}

function guardedSlackFetch(guard: GuardOptions = {}): typeof fetch {
  return ((input: string | URL, init?: RequestInit) => guardedFetch(input, init, guard)) as typeof fetch;
}

/** One pass: claim up to `limit` due deliveries and send them. */
export async function drainOnce(options: DrainOptions = {}): Promise<DrainResult> {
  const o = resolved(options);
  const env = options.env ?? process.env;
  const log = getLogger();
  const result: DrainResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  const batch = await claim(o, options.only, options.db);
  result.claimed = batch.length;
  if (batch.length === 0) return result;

  const ids = [...new Set(batch.map((b) => b.notification_id).filter((x): x is string => Boolean(x)))];
  const rows = ids.length ? await withPlatform((tx) => tx.select().from(notifications).where(inArray(notifications.id, ids)), options.db) : [];
  const byId = new Map<string, StoredNotification>(
    rows.map((r) => [r.id, { id: r.id, event: r.event, severity: r.severity as Severity, title: r.title, body: r.body, link: r.link, createdAt: r.createdAt }]),
  );

  await Promise.all(
    batch.map(async (d) => {
      const attempts = Number(d.attempts);
      const channel = d.channel === 'email' ? 'email' : 'slack';
      try {
        const n = d.notification_id ? byId.get(d.notification_id) : undefined;
        if (!n) throw new DeliveryError('the notification was deleted', true);
        if (d.channel === 'email') await sendEmail(n, d.target, options.mailer ?? getMailer());
        else if (d.channel === 'slack') {
          const url = await resolveSlackUrl(d.target, env, options.db, options.outbound);
          // An administrator's URL is checked again AT CONNECT TIME (the name may resolve elsewhere
          // by now: DNS rebinding); the operator's SLACK_WEBHOOK_URL is trusted as it is.
          const send = options.fetch ?? (d.target === GLOBAL_SLACK_TARGET ? undefined : guardedSlackFetch(options.outbound));
          await postSlack(url, slackMessage(n), { timeoutMs: o.timeoutMs, ...(send ? { fetch: send } : {}) });
        } else throw new DeliveryError(`channel ${d.channel} is not delivered by the worker`, true);
        await settle(d.id, { status: 'sent' }, options.db);
        result.sent++;
        recordNotificationDelivery(channel, 'sent');
      } catch (err) {
        const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), false);
        const give_up = e.permanent || attempts >= o.maxAttempts;
        await settle(d.id, { status: give_up ? 'failed' : 'queued', error: e.message }, options.db).catch((settleErr: unknown) => {
          log.error(
            { deliveryId: d.id, err: settleErr instanceof Error ? settleErr.message : String(settleErr) },
            'notification delivery: could not record the outcome',
          );
        });
        if (give_up) {
          result.failed++;
          recordNotificationDelivery(channel, 'failed');
          log.warn({ deliveryId: d.id, channel: d.channel, attempts, error: e.message }, 'notification delivery failed for good');
        } else {
          result.retried++;
          recordNotificationDelivery(channel, 'retry');
          log.info({ deliveryId: d.id, channel: d.channel, attempts, error: e.message }, 'notification delivery failed; will retry');
        }
      }
    }),
  );
  return result;
}

/** Sends everything currently due (repeats drainOnce while full batches come back). */
export async function drainDeliveries(options: DrainOptions = {}): Promise<DrainResult> {
  const total: DrainResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  const limit = options.limit ?? 20;
  for (let i = 0; i < 50; i++) {
    const r = await drainOnce(options);
    total.claimed += r.claimed;
    total.sent += r.sent;
    total.retried += r.retried;
    total.failed += r.failed;
    if (r.claimed < limit) break;
  }
  return total;
}

// ---- the in-process poller ------------------------------------------------------------------

interface WorkerState {
  timer: NodeJS.Timeout;
  running: Promise<void> | null;
  again: boolean;
  options: DrainOptions;
  stopped: boolean;
}

const GLOBAL_KEY = Symbol.for('radiant.notifications.worker');
type G = typeof globalThis & { [GLOBAL_KEY]?: WorkerState };

function tick(state: WorkerState): Promise<void> {
  if (state.stopped) return Promise.resolve();
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = drainDeliveries(state.options)
    .then(() => undefined)
    .catch((err: unknown) => {
      getLogger().warn({ err: err instanceof Error ? err.message : String(err) }, 'notification worker: drain failed; will retry');
    })
    .finally(() => {
      state.running = null;
      if (state.again && !state.stopped) {
        state.again = false;
        void tick(state);
      }
    });
  return state.running;
}

/**
 * Starts this process's poller (idempotent). Every instance may run one: claims are exclusive.
 * Interval: NOTIFY_POLL_MS (default 5000).
 */
export function startNotificationWorker(options: DrainOptions & { intervalMs?: number } = {}): void {
  const g = globalThis as G;
  if (g[GLOBAL_KEY] && !g[GLOBAL_KEY].stopped) return;
  if (process.env.RADIANT_NOTIFICATIONS_WORKER === 'off') return;
  const intervalMs = options.intervalMs ?? envInt('NOTIFY_POLL_MS', 5000);
  const state: WorkerState = { timer: setInterval(() => void tick(state), intervalMs), running: null, again: false, options, stopped: false };
  state.timer.unref();
  g[GLOBAL_KEY] = state;
  setTimeout(() => void tick(state), 50).unref();
}

/** Stops the poller and waits for a drain in progress (graceful shutdown). */
export async function stopNotificationWorker(): Promise<void> {
  const g = globalThis as G;
  const state = g[GLOBAL_KEY];
  if (!state) return;
  state.stopped = true;
  clearInterval(state.timer);
  delete g[GLOBAL_KEY];
  await state.running?.catch(() => {});
}

export function notificationWorkerRunning(): boolean {
  const state = (globalThis as G)[GLOBAL_KEY];
  return Boolean(state && !state.stopped);
}

/**
 * Called by notify() after it queued deliveries: drains soon. A process that records
 * notifications but never started the worker starts it here (unless
 * RADIANT_NOTIFICATIONS_WORKER=off, or under vitest where tests drain explicitly), so queued
 * messages cannot be forgotten because a start-up hook was missed.
 */
export function kickWorker(): void {
  let state = (globalThis as G)[GLOBAL_KEY];
  if ((!state || state.stopped) && process.env.RADIANT_NOTIFICATIONS_WORKER !== 'off' && !process.env.VITEST) {
    startNotificationWorker();
    state = (globalThis as G)[GLOBAL_KEY];
  }
  if (state && !state.stopped) setImmediate(() => void tick(state));
}
