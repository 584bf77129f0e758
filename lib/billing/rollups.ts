/**
 * Incremental usage rollups: usage_events -> usage_rollups (daily per tenant, model, provider,
 * user), revenue_daily_aggregates (per day, provider, model), tenant_daily_aggregates (per day
 * and tenant), model_revenue_tracking (per model and period), and the usage part of the books
 * (revenue_entries `ai_usage`, cost_entries `provider_usage`, per tenant/model/day).
 *
 * Driven by a HIGH-WATER MARK, not by marking events (drizzle/0016; docs/billing.md): every
 * event has a `seq` from one sequence, and usage_rollup_state.last_seq says "every event with
 * seq <= this is folded in". A pass:
 *   0. reads the high water: the highest seq below which every insert has committed or rolled
 *      back (radiant_usage_high_water(): waits an instant for the inserts in flight, which hold
 *      a shared advisory lock; in its own transaction);
 *   then, per batch, ONE SQL statement in one transaction (set-based):
 *   1. lock the state row (FOR UPDATE; a concurrent worker skips, or waits in waiting mode) and
 *      take the events with last_seq < seq <= min(high, last_seq + N) (BRIN on seq: a range);
 *   2. book each event to an accounting period: the month it happened in, unless that period
 *      is no longer open (closing/closed) or the tenant's invoice for it is already issued; then
 *      the next such open period (radiant_billing_booking_period(), migration 0005). Late usage
 *      is dated in the booked period (today, clamped into that month), its rows get the new
 *      booked_period (the only UPDATE left, and only for late events) and a reconciliation_entries
 *      row of kind `late_usage`;
 *   3. fold the batch's sums into every aggregate with INSERT ... ON CONFLICT DO UPDATE adding
 *      the deltas, and move last_seq, in the same transaction: nothing is counted twice, and a
 *      late event (arriving after its day was rolled up) simply has a higher seq and is added
 *      to its day's rows by the next pass.
 * Rows are upserted in key order to keep lock order stable; a deadlock or serialization
 * failure retries the batch.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/lib/db/client';
import { withPlatform } from '@/lib/db/tenant';
import { lockBookingShared } from './locks';

export interface RollupOptions {
  /** Events per batch/transaction (default 50,000). */
  batchSize?: number;
  /** Stop after this many batches (default: until nothing is pending). */
  maxBatches?: number;
  /**
   * Wait for a concurrent worker's batch instead of leaving the work to it, so that every event
   * metered before the pass started is folded in when it returns (the billing run uses this).
   * Default: a worker that finds the high-water mark taken returns (the other one folds).
   */
  waitForLocked?: boolean;
  /** The booking date for late usage, `YYYY-MM-DD` (default: today, UTC). Tests only. */
  today?: string;
  db?: Db;
  onBatch?: (info: { batch: number; events: number; totalEvents: number }) => void;
}

export interface RollupResult {
  events: number;
  batches: number;
  lateEntries: number;
  ms: number;
}

const RETRYABLE = new Set(['40P01', '40001']);

function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Fold every pending usage event into the rollups and books. Safe to run concurrently. */
export async function rollupUsage(options: RollupOptions = {}): Promise<RollupResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 50_000;
  const today = options.today ?? todayUtc();
  // Events up to the high water at the start of the pass: traffic that keeps arriving is folded
  // by the next pass (a pass always ends).
  const high = await highWater(options.db);
  let events = 0;
  let batches = 0;
  let lateEntries = 0;
  for (;;) {
    if (options.maxBatches !== undefined && batches >= options.maxBatches) break;
    let attempt = 0;
    let res: { events: number; done: boolean; late: number };
    for (;;) {
      try {
        res = await rollupBatch(high, batchSize, today, options.waitForLocked === true, options.db);
        break;
      } catch (err) {
        const state = sqlState(err);
        if (attempt < 5 && state && RETRYABLE.has(state)) {
          attempt++;
          await new Promise((r) => setTimeout(r, 20 * attempt + Math.floor(Math.random() * 50)));
          continue;
        }
        throw err;
      }
    }
    batches++;
    events += res.events;
    lateEntries += res.late;
    options.onBatch?.({ batch: batches, events: res.events, totalEvents: events });
    if (res.done) break;
  }
  return { events, batches, lateEntries, ms: Date.now() - started };
}

/** The highest seq below which every insert into usage_events has committed or rolled back. */
async function highWater(db?: Db): Promise<number> {
  return withPlatform(async (tx) => {
    const [r] = await queryRows<{ high: string | number }>(tx, sql`SELECT radiant_usage_high_water() AS high`);
    return Number(r?.high ?? 0);
  }, db);
}

async function rollupBatch(
  high: number,
  batchSize: number,
  today: string,
  /** Wait for a concurrent worker's batch instead of leaving the work to it. */
  wait: boolean,
  db?: Db,
): Promise<{ events: number; done: boolean; late: number }> {
  return withPlatform(async (tx) => {
    await lockBookingShared(tx);
    const [state] = await queryRows<{ last_seq: string | number }>(
      tx,
      sql`SELECT last_seq FROM usage_rollup_state WHERE id = 1 FOR UPDATE ${wait ? sql`` : sql`SKIP LOCKED`}`,
    );
    // Another worker holds the mark: it folds the same events (this pass has nothing to do).
    if (!state) return { events: 0, done: true, late: 0 };
    const last = Number(state.last_seq);
    if (last >= high) return { events: 0, done: true, late: 0 };
    // The batch's events are sorted and grouped seven ways; at the default 4 MB each sort of a
    // 50,000-event batch spilled to disk (EXPLAIN ANALYZE). For this transaction only.
    await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
    const upper = Math.min(high, last + batchSize);
    const [row] = await queryRows<{ events: number | string; late: number | string; moved: unknown }>(
      tx,
      sql`
      WITH picked AS MATERIALIZED (
        SELECT e.seq, e.created_at, e.tenant_id, e.user_id, e.model_id, e.provider_id, e.status, e.request_count,
               e.input_tokens, e.cached_input_tokens, e.output_tokens, e.image_count, e.video_seconds, e.audio_minutes,
               e.characters, e.tool_calls, e.cost, e.price, coalesce(e.latency_ms, 0) AS latency_ms,
               to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS occ_period
          FROM usage_events e
         WHERE e.seq > ${last}::bigint AND e.seq <= ${upper}::bigint
      ),
      pairs AS (SELECT DISTINCT tenant_id, occ_period FROM picked),
      booking AS MATERIALIZED (
        -- Once per (tenant, month) pair, not per event.
        SELECT tenant_id, occ_period, radiant_billing_booking_period(tenant_id, occ_period) AS booked_period
          FROM pairs
      ),
      marked AS (
        SELECT p.*, b.booked_period,
               CASE WHEN b.booked_period = p.occ_period THEN (p.created_at AT TIME ZONE 'UTC')::date
                    ELSE least(greatest(${today}::date, to_date(b.booked_period || '-01', 'YYYY-MM-DD')),
                               (to_date(b.booked_period || '-01', 'YYYY-MM-DD') + interval '1 month - 1 day')::date)
               END AS booked_day
          FROM picked p
          JOIN booking b ON b.tenant_id = p.tenant_id AND b.occ_period = p.occ_period
      ),
      mark AS (
        UPDATE usage_rollup_state SET last_seq = ${upper}::bigint, updated_at = now() WHERE id = 1
        RETURNING 1
      ),
      periods AS (
        INSERT INTO accounting_periods (period, starts_on, ends_on)
        SELECT DISTINCT booked_period, to_date(booked_period || '-01', 'YYYY-MM-DD'),
               (to_date(booked_period || '-01', 'YYYY-MM-DD') + interval '1 month - 1 day')::date
          FROM marked
        ON CONFLICT (period) DO NOTHING
        RETURNING 1
      ),
      ru AS (
        INSERT INTO usage_rollups AS r (tenant_id, rollup_date, model_id, provider_id, user_id,
               request_count, success_count, error_count, input_tokens, cached_input_tokens,
               output_tokens, image_count, video_seconds, audio_minutes, characters, tool_calls,
               cost, price, total_latency_ms)
        SELECT tenant_id, booked_day, model_id, provider_id, user_id,
               sum(request_count), count(*) FILTER (WHERE status = 'success'), count(*) FILTER (WHERE status = 'error'),
               sum(input_tokens), sum(cached_input_tokens), sum(output_tokens), sum(image_count),
               sum(video_seconds), sum(audio_minutes), sum(characters), sum(tool_calls),
               sum(cost), sum(price), sum(latency_ms)
          FROM marked
         GROUP BY tenant_id, booked_day, model_id, provider_id, user_id
         ORDER BY tenant_id, booked_day, model_id, provider_id, user_id
        ON CONFLICT ON CONSTRAINT uq_rollup_key DO UPDATE SET
          request_count = r.request_count + excluded.request_count,
          success_count = r.success_count + excluded.success_count,
          error_count = r.error_count + excluded.error_count,
          input_tokens = r.input_tokens + excluded.input_tokens,
          cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
          output_tokens = r.output_tokens + excluded.output_tokens,
          image_count = r.image_count + excluded.image_count,
          video_seconds = r.video_seconds + excluded.video_seconds,
          audio_minutes = r.audio_minutes + excluded.audio_minutes,
          characters = r.characters + excluded.characters,
          tool_calls = r.tool_calls + excluded.tool_calls,
          cost = r.cost + excluded.cost,
          price = r.price + excluded.price,
          total_latency_ms = r.total_latency_ms + excluded.total_latency_ms,
          updated_at = now()
        RETURNING 1
      ),
      rda AS (
        INSERT INTO revenue_daily_aggregates AS a (day, provider_id, model_id, request_count, error_count,
               input_tokens, output_tokens, revenue, cost, margin)
        SELECT booked_day, provider_id, model_id, sum(request_count), count(*) FILTER (WHERE status = 'error'),
               sum(input_tokens), sum(output_tokens), sum(price), sum(cost), sum(price) - sum(cost)
          FROM marked
         GROUP BY booked_day, provider_id, model_id
         ORDER BY booked_day, provider_id, model_id
        ON CONFLICT ON CONSTRAINT uq_rda DO UPDATE SET
          request_count = a.request_count + excluded.request_count,
          error_count = a.error_count + excluded.error_count,
          input_tokens = a.input_tokens + excluded.input_tokens,
          output_tokens = a.output_tokens + excluded.output_tokens,
          revenue = a.revenue + excluded.revenue,
          cost = a.cost + excluded.cost,
          margin = a.margin + excluded.margin,
          updated_at = now()
        RETURNING 1
      ),
      tda AS (
        INSERT INTO tenant_daily_aggregates AS d (day, tenant_id, request_count, error_count, input_tokens,
               output_tokens, revenue, cost, margin)
        SELECT booked_day, tenant_id, sum(request_count), count(*) FILTER (WHERE status = 'error'),
               sum(input_tokens), sum(output_tokens), sum(price), sum(cost), sum(price) - sum(cost)
          FROM marked
         GROUP BY booked_day, tenant_id
         ORDER BY booked_day, tenant_id
        ON CONFLICT ON CONSTRAINT uq_tda DO UPDATE SET
          request_count = d.request_count + excluded.request_count,
          error_count = d.error_count + excluded.error_count,
          input_tokens = d.input_tokens + excluded.input_tokens,
          output_tokens = d.output_tokens + excluded.output_tokens,
          revenue = d.revenue + excluded.revenue,
          cost = d.cost + excluded.cost,
          margin = d.margin + excluded.margin,
          updated_at = now()
        RETURNING 1
      ),
      mrt AS (
        INSERT INTO model_revenue_tracking AS t (model_id, provider_id, period, request_count, input_tokens,
               output_tokens, revenue, cost, margin, effective_markup_percent)
        SELECT model_id, min(provider_id), booked_period, sum(request_count), sum(input_tokens), sum(output_tokens),
               sum(price), sum(cost), sum(price) - sum(cost),
               CASE WHEN sum(cost) = 0 THEN NULL ELSE round((sum(price) - sum(cost)) / sum(cost) * 100, 4) END
          FROM marked
         GROUP BY model_id, booked_period
         ORDER BY model_id, booked_period
        ON CONFLICT ON CONSTRAINT uq_mrt DO UPDATE SET
          request_count = t.request_count + excluded.request_count,
          input_tokens = t.input_tokens + excluded.input_tokens,
          output_tokens = t.output_tokens + excluded.output_tokens,
          revenue = t.revenue + excluded.revenue,
          cost = t.cost + excluded.cost,
          margin = t.margin + excluded.margin,
          effective_markup_percent = CASE WHEN t.cost + excluded.cost = 0 THEN NULL
            ELSE round(((t.revenue + excluded.revenue) - (t.cost + excluded.cost)) / (t.cost + excluded.cost) * 100, 4) END,
          updated_at = now()
        RETURNING 1
      ),
      rev AS (
        INSERT INTO revenue_entries AS x (tenant_id, period, entry_date, kind, model_id, provider_id, amount,
               cost_basis, markup_amount, source_ref, description)
        SELECT tenant_id, booked_period, booked_day, 'ai_usage', model_id, min(provider_id),
               sum(price), sum(cost), sum(price) - sum(cost),
               'ai_usage:' || md5(tenant_id::text || '|' || model_id || '|' || booked_day::text),
               'AI usage (metered price)'
          FROM marked
         GROUP BY tenant_id, booked_period, booked_day, model_id
         ORDER BY tenant_id, booked_day, model_id
        ON CONFLICT (source_ref) DO UPDATE SET
          amount = x.amount + excluded.amount,
          cost_basis = x.cost_basis + excluded.cost_basis,
          markup_amount = x.markup_amount + excluded.markup_amount
        RETURNING 1
      ),
      cst AS (
        INSERT INTO cost_entries AS c (tenant_id, period, entry_date, kind, provider_id, model_id, amount, source_ref, description)
        SELECT tenant_id, booked_period, booked_day, 'provider_usage', provider_id, model_id, sum(cost),
               'provider_usage:' || md5(tenant_id::text || '|' || provider_id || '|' || model_id || '|' || booked_day::text),
               'Provider usage (metered cost)'
          FROM marked
         GROUP BY tenant_id, booked_period, booked_day, provider_id, model_id
         ORDER BY tenant_id, booked_day, provider_id, model_id
        ON CONFLICT (source_ref) DO UPDATE SET amount = c.amount + excluded.amount
        RETURNING 1
      ),
      late AS (
        INSERT INTO reconciliation_entries (period, tenant_id, kind, amount, reason, status, metadata)
        SELECT booked_period, tenant_id, 'late_usage', sum(price),
               'Usage from ' || occ_period || ' arrived after that period was invoiced or closed; booked to ' || booked_period,
               'applied',
               jsonb_build_object('originalPeriod', occ_period, 'events', count(*),
                                  'price', sum(price)::text, 'cost', sum(cost)::text)
          FROM marked
         WHERE booked_period <> occ_period
         GROUP BY booked_period, tenant_id, occ_period
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM marked) AS events,
             (SELECT count(*) FROM late) AS late,
             (SELECT json_agg(json_build_object('tenant', tenant_id, 'occ', occ_period, 'booked', booked_period))
                FROM booking WHERE booked_period <> occ_period) AS moved,
             (SELECT count(*) FROM ru) + (SELECT count(*) FROM rda) + (SELECT count(*) FROM tda) + (SELECT count(*) FROM mrt)
               + (SELECT count(*) FROM rev) + (SELECT count(*) FROM cst) + (SELECT count(*) FROM periods)
               + (SELECT count(*) FROM mark) AS touched
      `,
    );
    // Late events only (rare): their rows say which period they were booked to. A statement of
    // its own, run only when there are any, within the batch's seq range and the month they
    // happened in (partition pruning); folding it into the statement above made PostgreSQL
    // hash-join the whole ledger on every batch.
    const moved = typeof row?.moved === 'string' ? (JSON.parse(row.moved) as unknown[]) : ((row?.moved ?? []) as unknown[]);
    if (moved.length > 0) {
      await tx.execute(sql`
        UPDATE usage_events e SET booked_period = m.booked
          FROM jsonb_to_recordset(${JSON.stringify(moved)}::jsonb) AS m(tenant uuid, occ text, booked text)
         WHERE e.seq > ${last}::bigint AND e.seq <= ${upper}::bigint AND e.tenant_id = m.tenant
           AND to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM') = m.occ`);
    }
    return { events: Number(row?.events ?? 0), done: upper >= high, late: Number(row?.late ?? 0) };
  }, db);
}

/** Events not yet folded in (for status screens): above the high-water mark (BRIN on seq). */
export async function pendingRollupCount(db?: Db): Promise<number> {
  return withPlatform(async (tx) => {
    const [r] = await queryRows<{ n: number | string }>(
      tx,
      sql`SELECT count(*) AS n FROM usage_events WHERE seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1)`,
    );
    return Number(r?.n ?? 0);
  }, db);
}

/** Creates the ledger's monthly partitions from last month to `ahead` months ahead (the rollup
 * job calls it every pass; idempotent). Returns how many were created. */
export async function ensureUsagePartitions(ahead = 3): Promise<number> {
  return withPlatform(async (tx) => {
    const [r] = await queryRows<{ n: number | string }>(tx, sql`SELECT radiant_usage_ensure_partitions(${ahead}::int) AS n`);
    return Number(r?.n ?? 0);
  });
}
