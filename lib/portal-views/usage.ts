/**
 * The tenant's usage, the portal's ONE read module (issue 15): the Overview and Usage pages,
 * GET /api/portal/usage and its CSV all read it. PRICE ONLY: these queries never select cost,
 * markup or margin (radiant_app cannot read those columns: migration 0005), and results leave
 * through strict schemas. Run through withTenant (RLS limits every row to the session's tenant;
 * the explicit tenant filter is defence in depth).
 *
 * Two sources, each for what it is good at:
 *   - a month's figures (spend, requests, tokens by day and by model, budget) come from the daily
 *     usage_rollups plus the events not rolled up yet, never from summing a month of raw events;
 *   - single requests (the list under the charts, filterable by API key, model and status, and its
 *     streamed CSV) come from usage_events, one keyset page at a time.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Queryable } from '../db/client';
import { tenants } from '../db/schema';
import { currentPeriod, periodRange } from '../billing/period';
import { decodeCursor, listParamsSchema, toPage, type Page } from '../lists/keyset';
import type { CsvColumn } from '../lists/csv-stream';
import { ZERO, dec, toDbString } from '../pricing/money';
import { decimalString, periodSchema } from '../platform/schemas';

const money = decimalString;

const count = z.number().int().nonnegative();

export const portalUsageSchema = z
  .object({
    period: z.string(),
    currency: z.string(),
    /** True when usage not yet folded into the daily rollups is included (the current month). */
    includesUnprocessed: z.boolean(),
    totals: z
      .object({
        spend: money,
        requests: count,
        inputTokens: count,
        cachedInputTokens: count,
        outputTokens: count,
        totalTokens: count,
        images: count,
        videoSeconds: money,
        audioMinutes: money,
        characters: count,
      })
      .strict(),
    byDay: z.array(z.object({ date: z.string(), spend: money, requests: count, tokens: count }).strict()),
    byModel: z.array(
      z
        .object({
          modelId: z.string(),
          model: z.string(),
          displayName: z.string(),
          spend: money,
          requests: count,
          inputTokens: count,
          outputTokens: count,
          totalTokens: count,
          images: count,
          videoSeconds: money,
          audioMinutes: money,
          characters: count,
        })
        .strict(),
    ),
    budget: z
      .object({
        monthlyBudget: money.nullable(),
        spent: money,
        remaining: money.nullable(),
        percentUsed: z.number().nullable(),
      })
      .strict(),
  })
  .strict();
export type PortalUsage = z.infer<typeof portalUsageSchema>;

interface UsageAgg {
  spend: ReturnType<typeof dec>;
  requests: number;
  input: number;
  cached: number;
  output: number;
  images: number;
  video: ReturnType<typeof dec>;
  audio: ReturnType<typeof dec>;
  chars: number;
}

function emptyAgg(): UsageAgg {
  return { spend: ZERO, requests: 0, input: 0, cached: 0, output: 0, images: 0, video: ZERO, audio: ZERO, chars: 0 };
}

/** The tenant's spend by day and by model for a month (default: the current one), with budget:
 * the daily rollups plus, for the current month, the events not rolled up yet. */
export async function getPortalUsage(tx: Queryable, tenantId: string, opts: { period?: string } = {}): Promise<PortalUsage> {
  const period = opts.period ? periodSchema.parse(opts.period) : currentPeriod();
  const r = periodRange(period);
  const live = period === currentPeriod();
  {
    {
      type Row = {
        day: string;
        model_id: string;
        spend: string;
        requests: string | number;
        input: string | number;
        cached: string | number;
        output: string | number;
        images: string | number;
        video: string;
        audio: string;
        chars: string | number;
      };
      // Explicit columns: radiant_app may not read usage_rollups.cost at all.
      const rolled = await queryRows<Row>(
        tx,
        sql`SELECT rollup_date::text AS day, model_id, sum(price)::text AS spend, sum(request_count) AS requests,
                   sum(input_tokens) AS input, sum(cached_input_tokens) AS cached, sum(output_tokens) AS output,
                   sum(image_count) AS images, sum(video_seconds)::text AS video, sum(audio_minutes)::text AS audio,
                   sum(characters) AS chars
              FROM usage_rollups
             WHERE tenant_id = ${tenantId} AND rollup_date >= ${r.start}::date AND rollup_date < ${r.nextStart}::date
             GROUP BY rollup_date, model_id`,
      );
      const pending = live
        ? await queryRows<Row>(
            tx,
            sql`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, model_id, sum(price)::text AS spend,
                       sum(request_count) AS requests, sum(input_tokens) AS input, sum(cached_input_tokens) AS cached,
                       sum(output_tokens) AS output, sum(image_count) AS images, sum(video_seconds)::text AS video,
                       sum(audio_minutes)::text AS audio, sum(characters) AS chars
                  FROM usage_events
                 WHERE tenant_id = ${tenantId} AND seq > (SELECT last_seq FROM usage_rollup_state WHERE id = 1)
                   AND created_at >= (${r.start}::timestamp AT TIME ZONE 'UTC') AND created_at < (${r.nextStart}::timestamp AT TIME ZONE 'UTC')
                 GROUP BY 1, model_id`,
          )
        : [];
      const byDay = new Map<string, UsageAgg>();
      const byModel = new Map<string, UsageAgg>();
      const total = emptyAgg();
      const add = (a: UsageAgg, x: Row) => {
        a.spend = a.spend.plus(dec(x.spend ?? '0'));
        a.requests += Number(x.requests ?? 0);
        a.input += Number(x.input ?? 0);
        a.cached += Number(x.cached ?? 0);
        a.output += Number(x.output ?? 0);
        a.images += Number(x.images ?? 0);
        a.video = a.video.plus(dec(x.video ?? '0'));
        a.audio = a.audio.plus(dec(x.audio ?? '0'));
        a.chars += Number(x.chars ?? 0);
      };
      for (const x of [...rolled, ...pending]) {
        if (!byDay.has(x.day)) byDay.set(x.day, emptyAgg());
        if (!byModel.has(x.model_id)) byModel.set(x.model_id, emptyAgg());
        add(byDay.get(x.day)!, x);
        add(byModel.get(x.model_id)!, x);
        add(total, x);
      }
      const names = new Map<string, { name: string; displayName: string }>();
      if (byModel.size) {
        const ids = [...byModel.keys()];
        const ms = await queryRows<{ id: string; name: string; display_name: string }>(
          tx,
          sql`SELECT id, name, display_name FROM models WHERE id IN (${sql.join(
            ids.map((i) => sql`${i}`),
            sql`, `,
          )})`,
        );
        for (const m of ms) names.set(m.id, { name: m.name, displayName: m.display_name });
      }
      const [t] = await tx.select({ budget: tenants.monthlyBudget, currency: tenants.currency }).from(tenants).where(eq(tenants.id, tenantId));
      const budget = t?.budget ? dec(t.budget) : null;
      const remaining = budget ? (budget.minus(total.spend).isNegative() ? ZERO : budget.minus(total.spend)) : null;
      const percentUsed = budget && !budget.isZero() ? Number(total.spend.div(budget).times(100).toDecimalPlaces(2).toFixed()) : null;

      return portalUsageSchema.parse({
        period,
        currency: t?.currency ?? 'USD',
        includesUnprocessed: live,
        totals: {
          spend: toDbString(total.spend),
          requests: total.requests,
          inputTokens: total.input,
          cachedInputTokens: total.cached,
          outputTokens: total.output,
          totalTokens: total.input + total.output,
          images: total.images,
          videoSeconds: toDbString(total.video),
          audioMinutes: toDbString(total.audio),
          characters: total.chars,
        },
        byDay: [...byDay.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([date, a]) => ({ date, spend: toDbString(a.spend), requests: a.requests, tokens: a.input + a.output })),
        byModel: [...byModel.entries()]
          .map(([modelId, a]) => ({
            modelId,
            model: names.get(modelId)?.name ?? modelId,
            displayName: names.get(modelId)?.displayName ?? modelId,
            spend: toDbString(a.spend),
            requests: a.requests,
            inputTokens: a.input,
            outputTokens: a.output,
            totalTokens: a.input + a.output,
            images: a.images,
            videoSeconds: toDbString(a.video),
            audioMinutes: toDbString(a.audio),
            characters: a.chars,
          }))
          .sort((a, b) => dec(b.spend).comparedTo(dec(a.spend)) || (a.model < b.model ? -1 : 1)),
        budget: {
          monthlyBudget: budget ? toDbString(budget) : null,
          spent: toDbString(total.spend),
          remaining: remaining ? toDbString(remaining) : null,
          percentUsed,
        },
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Single requests (keyset pages of usage_events)
// ---------------------------------------------------------------------------------------------

const opt = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === '' ? undefined : v), s.optional()).catch(undefined);

/** URL state of the request list: period (YYYY-MM, default the current month), API key, model
 * (id), status; sorted by time or price. */
export const usageEventParamsSchema = listParamsSchema(['time', 'price'] as const, 'time').extend({
  period: opt(periodSchema),
  key: opt(z.uuid()),
  model: opt(z.string().trim().max(100)),
  status: opt(z.enum(['success', 'error', 'partial', 'cancelled'])),
});
export type UsageEventParams = z.output<typeof usageEventParamsSchema>;

export const portalUsageEventSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    requestId: z.string(),
    keyId: z.string().nullable(),
    keyName: z.string().nullable(),
    modelId: z.string(),
    model: z.string(),
    endpoint: z.string(),
    status: z.string(),
    inputTokens: z.number(),
    outputTokens: z.number(),
    price: money,
    latencyMs: z.number().nullable(),
  })
  .strict();
export type PortalUsageEvent = z.infer<typeof portalUsageEventSchema>;

/** One page of the tenant's metered requests in a month, newest first (or by price); keyset on
 * (created_at, seq) or (price, seq): seq is the ledger's own order (usage_events has no uuid key
 * since drizzle/0016); the row's id is its request id (unique). */
export async function listUsageEvents(q: Queryable, tenantId: string, p: UsageEventParams): Promise<Page<PortalUsageEvent>> {
  const r = periodRange(p.period ?? currentPeriod());
  const where: SQL[] = [
    sql`u.tenant_id = ${tenantId}`,
    sql`u.created_at >= (${r.start}::timestamp AT TIME ZONE 'UTC')`,
    sql`u.created_at < (${r.nextStart}::timestamp AT TIME ZONE 'UTC')`,
  ];
  if (p.key) where.push(sql`u.api_key_id = ${p.key}`);
  if (p.model) where.push(sql`u.model_id = ${p.model}`);
  if (p.status) where.push(sql`u.status = ${p.status}`);
  const byPrice = p.sort === 'price';
  const col = byPrice ? sql`u.price` : sql`u.created_at`;
  const cast = byPrice ? sql`::numeric` : sql`::timestamptz`;
  const c = decodeCursor(p.cursor);
  const asc = p.dir === 'asc';
  if (c && c[0] !== null && /^\d{1,19}$/.test(String(c[1])))
    where.push(sql`(${col}, u.seq) ${asc ? sql`>` : sql`<`} (${String(c[0])}${cast}, ${String(c[1])}::bigint)`);
  const dir = asc ? sql`ASC` : sql`DESC`;
  // Explicit columns: radiant_app may not read usage_events.cost or markup at all.
  const rows = await queryRows<Record<string, unknown>>(
    q,
    sql`SELECT u.seq, u.created_at, u.created_at::text AS ck, u.price::text AS price, u.request_id, u.api_key_id, k.name AS key_name,
               u.model_id, coalesce(m.name, u.model_id) AS model, u.endpoint, u.status, u.input_tokens, u.output_tokens, u.latency_ms
          FROM usage_events u LEFT JOIN api_keys k ON k.id = u.api_key_id LEFT JOIN models m ON m.id = u.model_id
         WHERE ${sql.join(where, sql` AND `)}
         ORDER BY ${col} ${dir}, u.seq ${dir} LIMIT ${p.limit + 1}`,
  );
  const page = toPage(rows, p.limit, (x) => [byPrice ? String(x.price) : String(x.ck), String(x.seq)]);
  return {
    ...page,
    rows: page.rows.map((x) =>
      portalUsageEventSchema.parse({
        id: String(x.request_id),
        at: new Date(x.created_at as string | Date).toISOString(),
        requestId: String(x.request_id),
        keyId: x.api_key_id === null || x.api_key_id === undefined ? null : String(x.api_key_id),
        keyName: x.key_name === null || x.key_name === undefined ? null : String(x.key_name),
        modelId: String(x.model_id),
        model: String(x.model),
        endpoint: String(x.endpoint),
        status: String(x.status),
        inputTokens: Number(x.input_tokens ?? 0),
        outputTokens: Number(x.output_tokens ?? 0),
        price: toDbString(dec(String(x.price))),
        latencyMs: x.latency_ms === null || x.latency_ms === undefined ? null : Number(x.latency_ms),
      }),
    ),
  };
}

export const USAGE_EVENT_CSV: CsvColumn<PortalUsageEvent>[] = [
  { header: 'time_utc', value: (r) => r.at },
  { header: 'request_id', value: (r) => r.requestId },
  { header: 'api_key', value: (r) => r.keyName ?? '' },
  { header: 'model', value: (r) => r.model },
  { header: 'endpoint', value: (r) => r.endpoint },
  { header: 'status', value: (r) => r.status },
  { header: 'input_tokens', value: (r) => r.inputTokens },
  { header: 'output_tokens', value: (r) => r.outputTokens },
  { header: 'price', value: (r) => r.price },
  { header: 'latency_ms', value: (r) => r.latencyMs ?? '' },
];
