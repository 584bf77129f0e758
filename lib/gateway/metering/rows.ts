/**
 * Metering rows: what the request path queues (PendingUsage, PendingRequestLog,
 * PendingRejection), the database row each becomes (materialised once, at enqueue: that row is
 * what the journal holds and what a replay writes), and the one multi-row write of a batch.
 *
 * Idempotent by request id, so a batch retried after an ambiguous commit or a journal replayed
 * twice never bills twice: usage_events skips a request id already in the ledger (the id is
 * claimed in usage_request_ids first, the partition-wide unique key, in the same statement;
 * drizzle/0016 and 0019: the semantics ON CONFLICT (request_id) DO NOTHING had); request_logs and
 * provider_rejections skip a (tenant, request) already there (the rejection's daily stats and
 * tenant notice are counted from the rows actually inserted).
 */
import { sql } from 'drizzle-orm';
import type { ModelCost } from '../../catalog/types';
import { queryRows, type Db } from '../../db/client';
import { withPlatform } from '../../db/tenant';
import { priceTotals } from '../../pricing/totals';
import type { UsageInput } from '../../pricing/usage';

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

/** Prices an event with the rates and markup captured when it happened (memoised). Throws
 * when the event cannot be priced (the writer quarantines it). */
export function priceOfStrict(u: PendingUsage): { cost: string; price: string } {
  if (u.priced) return u.priced;
  if (u.free) u.priced = { cost: '0', price: '0' };
  else u.priced = priceTotals(u.cost, u.usage, u.markupPercent);
  return u.priced;
}

/** Same, for the request path (budget settlement): an event that cannot be priced counts 0
 * there, and is quarantined by the writer instead of throwing into the response. */
export function priceOf(u: PendingUsage): { cost: string; price: string } {
  try {
    return priceOfStrict(u);
  } catch {
    return { cost: '0', price: '0' };
  }
}

const clip = (s: string | null, n: number) => (s === null ? null : s.length > n ? s.slice(0, n) : s);

function usageRow(u: PendingUsage): Record<string, unknown> {
  const { cost, price } = priceOfStrict(u);
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
export interface RowLine {
  kind: MeteringItem['kind'];
  row: Record<string, unknown>;
}

/** Materialises an item (prices a usage event). Throws when it cannot be priced. */
export function toLine(item: MeteringItem): RowLine {
  return { kind: item.kind, row: item.kind === 'usage' ? usageRow(item) : item.kind === 'log' ? logRow(item) : rejectionRow(item) };
}

export interface WriteResult {
  /** Usage rows the database would not take because their tenant, model or provider does not
   * exist (never silently dropped: the writer quarantines them). */
  orphans: Array<{ requestId: string; reason: string }>;
}

/** Writes materialised rows in ONE transaction. Idempotent (see the header). */
export async function writeRows(db: Db | undefined, lines: RowLine[]): Promise<WriteResult> {
  const usage = lines.filter((l) => l.kind === 'usage').map((l) => l.row);
  const logs = lines.filter((l) => l.kind === 'log').map((l) => l.row);
  const rejections = lines.filter((l) => l.kind === 'rejection').map((l) => l.row);
  const orphans: WriteResult['orphans'] = [];
  await withPlatform(async (tx) => {
    if (usage.length) {
      // No foreign keys on the ledger (drizzle/0022): this statement does their work once per
      // batch instead of once per row. The batch's distinct tenants, models, providers, users and
      // API keys are read and locked FOR KEY SHARE (what an FK check takes: none can be deleted
      // before this commits); a row whose tenant, model or provider does not exist is not
      // inserted and is reported back (below) for the quarantine; a user or key that is gone is
      // written as NULL (never an error that would block the queue).
      // The batch's request ids are claimed set-based in the same statement (usage_request_ids,
      // the ledger-wide unique key; a duplicate inside the batch: the first wins), and only the
      // rows whose claim succeeded are inserted, with their booking period; the insert triggers
      // are told so for this statement and do not fire (drizzle/0019, 0022).
      await tx.execute(sql`SELECT set_config('radiant.usage_ids_claimed', 'on', true)`);
      const [inserted] = await queryRows<{ n: number | string }>(
        tx,
        sql`
        WITH src AS MATERIALIZED (
          SELECT x.*
          FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(usage)}::jsonb) AS (tenant_id uuid, user_id uuid, api_key_id uuid,
            request_id varchar, model_id varchar, provider_id varchar, requested_model varchar, endpoint varchar,
            input_tokens int, cached_input_tokens int, output_tokens int, image_count int, characters int, audio_minutes numeric, request_count int,
            tool_calls int, is_batch boolean, cost numeric, markup_percent numeric, markup_source varchar, price numeric,
            tokens_estimated boolean, cache_hit boolean, latency_ms int, ttfb_ms int, status varchar, http_status int,
            error_code varchar, attempt_count int, fallback_from varchar, metadata jsonb, created_at timestamptz)) WITH ORDINALITY
            AS x(tenant_id, user_id, api_key_id, request_id, model_id, provider_id, requested_model, endpoint, input_tokens, cached_input_tokens,
              output_tokens, image_count, characters, audio_minutes, request_count, tool_calls, is_batch, cost, markup_percent, markup_source, price,
              tokens_estimated, cache_hit, latency_ms, ttfb_ms, status, http_status, error_code, attempt_count, fallback_from, metadata, created_at, ord)
        ),
        t AS MATERIALIZED (SELECT id FROM tenants WHERE id IN (SELECT tenant_id FROM src) ORDER BY id FOR KEY SHARE),
        m AS MATERIALIZED (SELECT id FROM models WHERE id IN (SELECT model_id FROM src) ORDER BY id FOR KEY SHARE),
        p AS MATERIALIZED (SELECT id FROM providers WHERE id IN (SELECT provider_id FROM src) ORDER BY id FOR KEY SHARE),
        u AS MATERIALIZED (SELECT id FROM users WHERE id IN (SELECT user_id FROM src) ORDER BY id FOR KEY SHARE),
        k AS MATERIALIZED (SELECT id FROM api_keys WHERE id IN (SELECT api_key_id FROM src) ORDER BY id FOR KEY SHARE),
        ok AS MATERIALIZED (
          SELECT src.* FROM src
          WHERE src.tenant_id IN (SELECT id FROM t) AND src.model_id IN (SELECT id FROM m) AND src.provider_id IN (SELECT id FROM p)
        ),
        -- The first of a request id's rows (hashed on the id: no sort of the wide rows).
        x AS MATERIALIZED (
          SELECT ok.* FROM ok WHERE ok.ord IN (SELECT min(ord) FROM ok GROUP BY request_id)
        ),
        claimed AS (
          INSERT INTO usage_request_ids (request_id)
          SELECT request_id FROM x
          ON CONFLICT (request_id) DO NOTHING
          RETURNING request_id
        ),
        ins AS (
        INSERT INTO usage_events (tenant_id, user_id, api_key_id, request_id, model_id, provider_id, requested_model,
          endpoint, input_tokens, cached_input_tokens, output_tokens, image_count, characters, audio_minutes, request_count, tool_calls, is_batch,
          cost, markup_percent, markup_source, price, tokens_estimated, cache_hit, latency_ms, ttfb_ms, status,
          http_status, error_code, attempt_count, fallback_from, metadata, created_at, booked_period)
        SELECT x.tenant_id,
          CASE WHEN x.user_id IN (SELECT id FROM u) THEN x.user_id END,
          CASE WHEN x.api_key_id IN (SELECT id FROM k) THEN x.api_key_id END,
          x.request_id, x.model_id, x.provider_id, x.requested_model, x.endpoint, x.input_tokens,
          x.cached_input_tokens, x.output_tokens, x.image_count, x.characters, x.audio_minutes, x.request_count, x.tool_calls, x.is_batch, x.cost,
          x.markup_percent, x.markup_source, x.price, x.tokens_estimated, x.cache_hit, x.latency_ms, x.ttfb_ms,
          x.status, x.http_status, x.error_code, x.attempt_count, x.fallback_from, coalesce(x.metadata, '{}'::jsonb),
          x.created_at, to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM')
        FROM x JOIN claimed c ON c.request_id = x.request_id
        RETURNING 1)
        SELECT count(*) AS n FROM ins`,
      );
      await tx.execute(sql`SELECT set_config('radiant.usage_ids_claimed', 'off', true)`);
      // Fewer rows than request ids: some were already written (a retry or replay: fine) or
      // refused by the reference checks (their id was not claimed: reported for the quarantine).
      // Only the count comes back on the usual path (no id list to send and parse).
      const ids = [...new Set(usage.map((r) => String(r.request_id)))];
      if (Number(inserted?.n ?? 0) < ids.length) {
        const present = await queryRows<{ request_id: string }>(
          tx,
          sql`SELECT request_id FROM usage_request_ids WHERE request_id IN (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        );
        const there = new Set(present.map((r) => r.request_id));
        for (const id of ids) if (!there.has(id)) orphans.push({ requestId: id, reason: 'unknown tenant, model or provider' });
      }
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
      // Idempotent on replay: a (tenant, request, model, time) already recorded is skipped, and
      // the notice and daily stats count only the rows inserted now.
      await tx.execute(sql`
        WITH ins AS (
          INSERT INTO provider_rejections (tenant_id, request_id, api_key_id, model_id, provider_id, rejection_type,
            error_code, message, fallback_model_id, fallback_succeeded, created_at)
          SELECT x.tenant_id, x.request_id, x.api_key_id, x.model_id, x.provider_id, 'content_policy', x.error_code,
            x.message, x.fallback_model_id, x.fallback_succeeded, x.created_at
          FROM jsonb_to_recordset(${JSON.stringify(rejections)}::jsonb) AS x(tenant_id uuid, request_id varchar, api_key_id uuid,
            model_id varchar, provider_id varchar, error_code varchar, message text, fallback_model_id varchar,
            fallback_succeeded boolean, created_at timestamptz)
          WHERE EXISTS (SELECT 1 FROM tenants t WHERE t.id = x.tenant_id)
            AND NOT EXISTS (SELECT 1 FROM provider_rejections r WHERE r.tenant_id = x.tenant_id AND r.created_at = x.created_at
              AND r.request_id = x.request_id AND r.model_id = x.model_id)
          RETURNING id, tenant_id, api_key_id, model_id, provider_id, fallback_model_id, fallback_succeeded, created_at),
        notes AS (
          INSERT INTO user_rejection_notifications (tenant_id, api_key_id, rejection_id, message)
          SELECT ins.tenant_id, ins.api_key_id, ins.id,
            'A request to ' || ins.model_id || ' was refused by the provider''s content policy' ||
            CASE WHEN ins.fallback_succeeded THEN '; it was answered by ' || ins.fallback_model_id || ' instead.' ELSE '.' END
          FROM ins)
        INSERT INTO model_rejection_stats (model_id, provider_id, day, rejection_count, fallback_success_count, updated_at)
        SELECT ins.model_id, min(ins.provider_id), (ins.created_at AT TIME ZONE 'UTC')::date, count(*),
          count(*) FILTER (WHERE ins.fallback_succeeded), now()
        FROM ins
        GROUP BY ins.model_id, (ins.created_at AT TIME ZONE 'UTC')::date
        ON CONFLICT (model_id, day) DO UPDATE SET
          rejection_count = model_rejection_stats.rejection_count + excluded.rejection_count,
          fallback_success_count = model_rejection_stats.fallback_success_count + excluded.fallback_success_count,
          updated_at = now()`);
    }
  }, db);
  return { orphans };
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

/** A refusal of the ROWS (data exception, integrity violation, raised by a trigger), as opposed
 * to the database being away: the batch is bisected and the refused row quarantined. */
export function isRowError(err: unknown): boolean {
  const s = sqlState(err);
  return s !== null && (/^2[23]/.test(s) || s === 'P0001');
}

/** The deepest message of an error chain (the database's own words), for the quarantine. */
export function errorText(err: unknown): string {
  let e: unknown = err;
  let msg = String(err);
  for (let i = 0; i < 5 && e; i++) {
    if (e instanceof Error && e.message) msg = e.message;
    e = (e as { cause?: unknown }).cause;
  }
  return msg.slice(0, 1000);
}
