/**
 * The metering writer: usage events (and opt-in request logs and content-policy rejections) are
 * queued in memory by the request path and written in batches, off the response path.
 *
 * Guarantees (docs/gateway.md, "Metering"):
 *  - Exactly one usage_events row per request: rows are inserted with ON CONFLICT (request_id)
 *    DO NOTHING, so a batch retried after an ambiguous commit, or a journal replayed twice, never
 *    bills twice.
 *  - Batches: every `flushMs` (250 ms) or as soon as `batchSize` (500) events are queued, one
 *    transaction per batch on the platform path (withPlatform).
 *  - Database outage: the batch stays queued and is retried with exponential backoff (250 ms
 *    doubling to 5 s), for as long as it takes. Memory is bounded: beyond `maxQueued` events, the
 *    oldest are appended to an NDJSON journal under RADIANT_DATA_DIR/metering-journal and dropped
 *    from memory; journals are replayed when the database answers again (and at start-up).
 *  - Shutdown (SIGTERM via shutdownGateway): flush until empty or a deadline; what is left goes to
 *    the journal and is replayed by the next start.
 *  - Prices are computed here, not on the response path: the queued event carries the model's
 *    cost rates and the markup snapshotted when the request was made.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { ModelCost } from '../../catalog/types';
import type { Db } from '../../db/client';
import { withPlatform } from '../../db/tenant';
import { priceUsage } from '../../pricing/price';
import type { UsageInput } from '../../pricing/usage';
import { gatewayLog } from '../log';

export type UsageStatus = 'success' | 'error' | 'partial' | 'cancelled';

/** What the request path queues: raw usage plus the snapshotted rates and markup. */
export interface PendingUsage {
  kind: 'usage';
  requestId: string;
  tenantId: string;
  userId: string | null;
  apiKeyId: string | null;
  modelId: string;
  providerId: string;
  requestedModel: string | null;
  endpoint: string;
  usage: UsageInput;
  cost: ModelCost;
  markupPercent: string;
  markupSource: string;
  /** Cache hits and failed requests are free: cost and price 0. */
  free: boolean;
  tokensEstimated: boolean;
  cacheHit: boolean;
  latencyMs: number;
  ttfbMs: number | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  attemptCount: number;
  fallbackFrom: string | null;
  metadata: Record<string, unknown>;
  createdAt: number;
  /** Set once priced. */
  priced?: { cost: string; price: string };
}

export interface PendingRequestLog {
  kind: 'log';
  tenantId: string;
  requestId: string;
  apiKeyId: string | null;
  model: string;
  requestBody: unknown;
  responseBody: unknown;
  createdAt: number;
  expiresAt: number;
}

export interface PendingRejection {
  kind: 'rejection';
  tenantId: string;
  requestId: string;
  apiKeyId: string | null;
  modelId: string;
  providerId: string;
  errorCode: string | null;
  message: string | null;
  fallbackModelId: string | null;
  fallbackSucceeded: boolean | null;
  createdAt: number;
}

export type MeteringItem = PendingUsage | PendingRequestLog | PendingRejection;

/** Prices an event with the rates and markup captured when it happened (memoised). */
export function priceOf(u: PendingUsage): { cost: string; price: string } {
  if (u.priced) return u.priced;
  if (u.free) u.priced = { cost: '0', price: '0' };
  else {
    const p = priceUsage({ cost: u.cost, usage: u.usage, markupPercent: u.markupPercent });
    u.priced = { cost: p.cost.total.toFixed(), price: p.price.toFixed() };
  }
  return u.priced;
}

const clip = (s: string | null, n: number) => (s === null ? null : s.length > n ? s.slice(0, n) : s);

function usageRow(u: PendingUsage): Record<string, unknown> {
  const { cost, price } = priceOf(u);
  const q = u.usage;
  return {
    tenant_id: u.tenantId,
    user_id: u.userId,
    api_key_id: u.apiKeyId,
    request_id: u.requestId,
    model_id: u.modelId,
    provider_id: u.providerId,
    requested_model: clip(u.requestedModel, 150),
    endpoint: clip(u.endpoint, 50),
    input_tokens: q.inputTokens ?? 0,
    cached_input_tokens: q.cachedInputTokens ?? 0,
    output_tokens: q.outputTokens ?? 0,
    image_count: q.images ?? 0,
    characters: q.characters ?? 0,
    audio_minutes: q.minutes ?? 0,
    request_count: q.requests ?? 1,
    tool_calls: q.toolCalls ?? 0,
    is_batch: q.batch ?? false,
    cost,
    markup_percent: u.markupPercent,
    markup_source: u.markupSource,
    price,
    tokens_estimated: u.tokensEstimated,
    cache_hit: u.cacheHit,
    latency_ms: u.latencyMs,
    ttfb_ms: u.ttfbMs,
    status: u.status,
    http_status: u.httpStatus,
    error_code: clip(u.errorCode, 80),
    attempt_count: u.attemptCount,
    fallback_from: clip(u.fallbackFrom, 100),
    metadata: u.metadata,
    created_at: new Date(u.createdAt).toISOString(),
  };
}

function logRow(l: PendingRequestLog): Record<string, unknown> {
  return {
    tenant_id: l.tenantId,
    request_id: l.requestId,
    api_key_id: l.apiKeyId,
    model: clip(l.model, 150),
    request_body: l.requestBody ?? {},
    response_body: l.responseBody ?? null,
    created_at: new Date(l.createdAt).toISOString(),
    expires_at: new Date(l.expiresAt).toISOString(),
  };
}

function rejectionRow(r: PendingRejection): Record<string, unknown> {
  return {
    tenant_id: r.tenantId,
    request_id: r.requestId,
    api_key_id: r.apiKeyId,
    model_id: r.modelId,
    provider_id: r.providerId,
    error_code: clip(r.errorCode, 80),
    message: clip(r.message, 2000),
    fallback_model_id: r.fallbackModelId,
    fallback_succeeded: r.fallbackSucceeded,
    created_at: new Date(r.createdAt).toISOString(),
    day: new Date(r.createdAt).toISOString().slice(0, 10),
  };
}

/** A journal line: the materialised row of one item. */
interface JournalLine {
  kind: MeteringItem['kind'];
  row: Record<string, unknown>;
}

function toLine(item: MeteringItem): JournalLine {
  return { kind: item.kind, row: item.kind === 'usage' ? usageRow(item) : item.kind === 'log' ? logRow(item) : rejectionRow(item) };
}

/** Writes materialised rows in ONE transaction. Idempotent for usage rows. */
export async function writeRows(db: Db, lines: JournalLine[]): Promise<void> {
  const usage = lines.filter((l) => l.kind === 'usage').map((l) => l.row);
  const logs = lines.filter((l) => l.kind === 'log').map((l) => l.row);
  const rejections = lines.filter((l) => l.kind === 'rejection').map((l) => l.row);
  await withPlatform(async (tx) => {
    if (usage.length) {
      // Rows whose tenant is gone are dropped; a deleted user/key/model reference becomes NULL
      // (never a foreign-key error that would block the whole queue).
      await tx.execute(sql`
        INSERT INTO usage_events (tenant_id, user_id, api_key_id, request_id, model_id, provider_id, requested_model,
          endpoint, input_tokens, cached_input_tokens, output_tokens, image_count, characters, audio_minutes, request_count, tool_calls, is_batch,
          cost, markup_percent, markup_source, price, tokens_estimated, cache_hit, latency_ms, ttfb_ms, status,
          http_status, error_code, attempt_count, fallback_from, metadata, created_at)
        SELECT x.tenant_id,
          (SELECT u.id FROM users u WHERE u.id = x.user_id),
          (SELECT k.id FROM api_keys k WHERE k.id = x.api_key_id),
          x.request_id, x.model_id, x.provider_id, x.requested_model, x.endpoint, x.input_tokens,
          x.cached_input_tokens, x.output_tokens, x.image_count, x.characters, x.audio_minutes, x.request_count, x.tool_calls, x.is_batch, x.cost,
          x.markup_percent, x.markup_source, x.price, x.tokens_estimated, x.cache_hit, x.latency_ms, x.ttfb_ms,
          x.status, x.http_status, x.error_code, x.attempt_count, x.fallback_from, coalesce(x.metadata, '{}'::jsonb),
          x.created_at
        FROM jsonb_to_recordset(${JSON.stringify(usage)}::jsonb) AS x(tenant_id uuid, user_id uuid, api_key_id uuid,
          request_id varchar, model_id varchar, provider_id varchar, requested_model varchar, endpoint varchar,
          input_tokens int, cached_input_tokens int, output_tokens int, image_count int, characters int, audio_minutes numeric, request_count int,
          tool_calls int, is_batch boolean, cost numeric, markup_percent numeric, markup_source varchar, price numeric,
          tokens_estimated boolean, cache_hit boolean, latency_ms int, ttfb_ms int, status varchar, http_status int,
          error_code varchar, attempt_count int, fallback_from varchar, metadata jsonb, created_at timestamptz)
        WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = x.tenant_id)
          AND EXISTS (SELECT 1 FROM models m WHERE m.id = x.model_id)
          AND EXISTS (SELECT 1 FROM providers p WHERE p.id = x.provider_id)
        ON CONFLICT (request_id) DO NOTHING`);
    }
    if (logs.length) {
      await tx.execute(sql`
        INSERT INTO request_logs (tenant_id, request_id, api_key_id, model, request_body, response_body, created_at, expires_at)
        SELECT x.tenant_id, x.request_id, x.api_key_id, x.model, x.request_body, x.response_body, x.created_at, x.expires_at
        FROM jsonb_to_recordset(${JSON.stringify(logs)}::jsonb) AS x(tenant_id uuid, request_id varchar, api_key_id uuid,
          model varchar, request_body jsonb, response_body jsonb, created_at timestamptz, expires_at timestamptz)
        WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = x.tenant_id)
          AND NOT EXISTS (SELECT 1 FROM request_logs r WHERE r.tenant_id = x.tenant_id AND r.request_id = x.request_id)`);
    }
    if (rejections.length) {
      const json = JSON.stringify(rejections);
      await tx.execute(sql`
        WITH ins AS (
          INSERT INTO provider_rejections (tenant_id, request_id, api_key_id, model_id, provider_id, rejection_type,
            error_code, message, fallback_model_id, fallback_succeeded, created_at)
          SELECT x.tenant_id, x.request_id, x.api_key_id, x.model_id, x.provider_id, 'content_policy', x.error_code,
            x.message, x.fallback_model_id, x.fallback_succeeded, x.created_at
          FROM jsonb_to_recordset(${json}::jsonb) AS x(tenant_id uuid, request_id varchar, api_key_id uuid,
            model_id varchar, provider_id varchar, error_code varchar, message text, fallback_model_id varchar,
            fallback_succeeded boolean, created_at timestamptz)
          WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = x.tenant_id)
          RETURNING id, tenant_id, api_key_id, model_id, fallback_model_id, fallback_succeeded)
        INSERT INTO user_rejection_notifications (tenant_id, api_key_id, rejection_id, message)
        SELECT ins.tenant_id, ins.api_key_id, ins.id,
          'A request to ' || ins.model_id || ' was refused by the provider''s content policy' ||
          CASE WHEN ins.fallback_succeeded THEN '; it was answered by ' || ins.fallback_model_id || ' instead.' ELSE '.' END
        FROM ins`);
      await tx.execute(sql`
        INSERT INTO model_rejection_stats (model_id, provider_id, day, rejection_count, fallback_success_count, updated_at)
        SELECT x.model_id, min(x.provider_id), x.day, count(*), count(*) FILTER (WHERE x.fallback_succeeded), now()
        FROM jsonb_to_recordset(${json}::jsonb) AS x(model_id varchar, provider_id varchar, day date, fallback_succeeded boolean)
        GROUP BY x.model_id, x.day
        ON CONFLICT (model_id, day) DO UPDATE SET
          rejection_count = model_rejection_stats.rejection_count + excluded.rejection_count,
          fallback_success_count = model_rejection_stats.fallback_success_count + excluded.fallback_success_count,
          updated_at = now()`);
    }
  }, db);
}

export interface WriterOptions {
  db: () => Promise<Db>;
  /** Metrics hooks: a batch written (seconds, usage events), usage events that failed to write. */
  onFlush?: (seconds: number, usageEvents: number) => void;
  onWriteFailure?: (usageEvents: number) => void;
  flushMs: number;
  batchSize: number;
  maxQueued: number;
  journalDir: string;
}

export interface WriterStats {
  queued: number;
  written: number;
  writeFailures: number;
  consecutiveFailures: number;
  journaledEvents: number;
  replayedEvents: number;
  lastFlushMs: number | null;
  lastError: string | null;
}

/** SQLSTATE of a database error (drizzle wraps driver errors in `cause`). */
export function sqlState(err: unknown): string | null {
  let e: unknown = err;
  for (let i = 0; i < 5 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

export class MeteringWriter {
  private queue: MeteringItem[] = [];
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private nextAttemptAt = 0;
  /** Items at the front of the queue that belong to the batch being written. */
  private writing = 0;
  private journalFile: string | null = null;
  private stopped = false;
  readonly stats: WriterStats = {
    queued: 0,
    written: 0,
    writeFailures: 0,
    consecutiveFailures: 0,
    journaledEvents: 0,
    replayedEvents: 0,
    lastFlushMs: null,
    lastError: null,
  };

  constructor(private readonly o: WriterOptions) {}

  start(): void {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.o.flushMs);
    this.timer.unref();
    // Journals left by a previous run (or another instance) are replayed soon after start.
    setTimeout(() => void this.tick(), 10).unref();
  }

  enqueue(item: MeteringItem): void {
    this.queue.push(item);
    // Bounded memory: while the database is away, the oldest events beyond maxQueued go to disk.
    if (this.queue.length > this.o.maxQueued) this.spill();
    else if (this.queue.length >= this.o.batchSize && !this.busy && Date.now() >= this.nextAttemptAt) void this.tick();
  }

  private spill(): void {
    const keep = Math.floor(this.o.maxQueued / 2);
    const n = this.queue.length - this.writing - keep;
    if (n <= 0) return;
    this.appendJournal(this.queue.splice(this.writing, n));
    this.stats.queued = this.queue.length;
  }

  get depth(): number {
    return this.queue.length;
  }

  /** Spend (nano-dollars) of queued usage events matching `pred` (budget seeding). */
  pendingSpend(pred: (u: PendingUsage) => boolean, toNano: (price: string) => bigint): bigint {
    let total = 0n;
    for (const item of this.queue) if (item.kind === 'usage' && !item.free && pred(item)) total += toNano(priceOf(item).price);
    return total;
  }

  /** One flush cycle (no-op while a previous one runs or while backing off). */
  tick(): Promise<void> {
    if (this.busy) return this.busy;
    if (Date.now() < this.nextAttemptAt) return Promise.resolve();
    this.busy = this.cycle().finally(() => {
      this.busy = null;
    });
    return this.busy;
  }

  private async cycle(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, this.o.batchSize);
      const started = Date.now();
      this.writing = batch.length;
      try {
        await writeRows(await this.o.db(), batch.map(toLine));
      } catch (err) {
        this.writing = 0;
        this.o.onWriteFailure?.(batch.filter((i) => i.kind === 'usage').length);
        if (this.onFailure(err)) await this.isolatePoison(batch);
        return;
      }
      this.writing = 0;
      this.queue.splice(0, batch.length);
      this.stats.written += batch.length;
      this.stats.lastFlushMs = Date.now() - started;
      this.o.onFlush?.(this.stats.lastFlushMs / 1000, batch.filter((i) => i.kind === 'usage').length);
      this.stats.consecutiveFailures = 0;
      this.nextAttemptAt = 0;
      if (this.queue.length < this.o.batchSize) break;
    }
    this.stats.queued = this.queue.length;
    await this.replayJournals();
  }

  /** Returns true when the batch looks poisoned (a data error that keeps failing). */
  private onFailure(err: unknown): boolean {
    this.stats.writeFailures++;
    this.stats.consecutiveFailures++;
    this.stats.lastError = err instanceof Error ? err.message : String(err);
    const n = this.stats.consecutiveFailures;
    this.nextAttemptAt = Date.now() + Math.min(5000, 250 * 2 ** Math.min(n - 1, 5));
    const state = sqlState(err);
    if (n === 1 || n % 20 === 0) gatewayLog.warn({ err: this.stats.lastError, sqlState: state, queued: this.queue.length }, 'metering write failed; will retry');
    // A data error (class 22/23) that keeps failing is a poison batch: write row by row and
    // dead-letter the rows that still fail, so one bad row never blocks metering.
    const poison = Boolean(state && /^2[23]/.test(state) && n >= 3);
    if (this.queue.length > this.o.maxQueued) this.spill();
    this.stats.queued = this.queue.length;
    return poison;
  }

  private async isolatePoison(batch: MeteringItem[]): Promise<void> {
    const db = await this.o.db();
    for (const item of batch) {
      try {
        await writeRows(db, [toLine(item)]);
      } catch (err) {
        const st = sqlState(err);
        if (!st || !/^2[23]/.test(st)) return; // the database went away again: normal retry
        this.appendJournal([item], 'dead-letter');
        gatewayLog.error({ sqlState: st, kind: item.kind, requestId: item.requestId }, 'metering row refused by the database; dead-lettered');
      }
      const i = this.queue.indexOf(item);
      if (i >= 0) this.queue.splice(i, 1);
    }
    this.stats.consecutiveFailures = 0;
    this.nextAttemptAt = 0;
  }

  private appendJournal(items: MeteringItem[], kind: 'journal' | 'dead-letter' = 'journal'): void {
    if (items.length === 0) return;
    fs.mkdirSync(this.o.journalDir, { recursive: true });
    const file =
      kind === 'journal'
        ? (this.journalFile ??= path.join(this.o.journalDir, `journal-${process.pid}-${Date.now()}.ndjson.open`))
        : path.join(this.o.journalDir, `dead-letter-${process.pid}.ndjson`);
    fs.appendFileSync(file, items.map((i) => JSON.stringify(toLine(i))).join('\n') + '\n');
    if (kind === 'journal') {
      this.stats.journaledEvents += items.length;
      gatewayLog.warn({ file, events: items.length }, 'metering queue over its bound; events journaled to disk');
    }
  }

  /** Closes the journal being written and replays every closed journal file. */
  private async replayJournals(): Promise<void> {
    if (this.journalFile) {
      const closed = this.journalFile.replace(/\.open$/, '');
      try {
        fs.renameSync(this.journalFile, closed);
      } catch {
        /* nothing written yet */
      }
      this.journalFile = null;
    }
    let files: string[];
    try {
      files = fs.readdirSync(this.o.journalDir).filter((f) => /^journal-.*\.ndjson$/.test(f));
    } catch {
      return;
    }
    for (const f of files.sort()) {
      const full = path.join(this.o.journalDir, f);
      const claimed = `${full}.replaying-${process.pid}`;
      try {
        fs.renameSync(full, claimed); // another instance may have claimed it first
      } catch {
        continue;
      }
      const lines = fs
        .readFileSync(claimed, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as JournalLine);
      try {
        const db = await this.o.db();
        for (let i = 0; i < lines.length; i += this.o.batchSize) await writeRows(db, lines.slice(i, i + this.o.batchSize));
        fs.unlinkSync(claimed);
        this.stats.replayedEvents += lines.length;
        gatewayLog.info({ file: f, events: lines.length }, 'metering journal replayed');
      } catch (err) {
        fs.renameSync(claimed, full);
        gatewayLog.warn({ file: f, err: String(err) }, 'metering journal replay failed; will retry');
        return;
      }
    }
  }

  /** Flush everything (shutdown): retry until empty or the deadline, then journal the rest. */
  async drain(deadlineMs = 10_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while ((this.queue.length > 0 || this.journalFile) && Date.now() < deadline) {
      this.nextAttemptAt = 0;
      await this.tick();
      if (this.queue.length > 0) await new Promise((r) => setTimeout(r, 100));
    }
    if (this.queue.length > 0) {
      const rest = this.queue.splice(0);
      this.appendJournal(rest);
      if (this.journalFile) {
        fs.renameSync(this.journalFile, this.journalFile.replace(/\.open$/, ''));
        this.journalFile = null;
      }
      gatewayLog.error({ events: rest.length }, 'metering not flushed before shutdown; journaled for the next start');
    }
    this.stats.queued = this.queue.length;
  }

  async stop(deadlineMs?: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.busy) await this.busy.catch(() => {});
    await this.drain(deadlineMs);
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
