/**
 * Incremental rollups: every event folded in exactly once (late events too), aggregates equal
 * the usage events exactly, concurrent workers never double count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../lib/db/client';
import { withPlatform } from '../../lib/db/tenant';
import { rollupUsage } from '../../lib/billing/rollups';
import { dec, sum } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { dayIn, insertEvents, model, randomUsage, rng, RANDOM_MONTH_MODELS } from './helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

async function rollupSums(tenantId: string) {
  const [r] = await withPlatform(
    (tx) =>
      queryRows<{ n: string | number; price: string | null; cost: string | null; input: string | number | null; rows: string | number }>(
        tx,
        sql`SELECT sum(request_count) AS n, sum(price)::text AS price, sum(cost)::text AS cost, sum(input_tokens) AS input, count(*) AS rows
              FROM usage_rollups WHERE tenant_id = ${tenantId}`,
      ),
    db,
  );
  return r!;
}

describe('rollups', () => {
  it('fold every event in once, late events included, with exact sums', async () => {
    const t = await createTenant(db);
    const u = await createUser(db, t.id);
    const r = rng(7);
    const period = '2022-02';
    const specs = Array.from({ length: 300 }, (_, i) => {
      const m = model(RANDOM_MONTH_MODELS[i % RANDOM_MONTH_MODELS.length]!);
      return {
        tenantId: t.id,
        modelId: m.id,
        at: dayIn(period, r),
        usage: randomUsage(m, r),
        markupPercent: i % 3 === 0 ? '75' : '40',
        userId: i % 2 ? u.id : null,
      };
    });
    const first = await insertEvents(db, specs.slice(0, 200));
    await rollupUsage({ db, batchSize: 64 });
    await rollupUsage({ db, waitForLocked: true });
    let s = await rollupSums(t.id);
    expect(dec(s.price!).equals(sum(first.map((e) => e.price)))).toBe(true);

    // Late events for days already rolled up: folded into the same rows, nothing doubled.
    const late = await insertEvents(db, specs.slice(200));
    // (Another test file's worker may fold some of them in concurrently on a shared server.)
    await rollupUsage({ db, batchSize: 50 });
    await rollupUsage({ db, waitForLocked: true });
    s = await rollupSums(t.id);
    const all = [...first, ...late];
    expect(dec(s.price!).equals(sum(all.map((e) => e.price)))).toBe(true);
    expect(dec(s.cost!).equals(sum(all.map((e) => e.cost)))).toBe(true);
    expect(Number(s.n)).toBe(all.reduce((a, e) => a + (e.usage.requests ?? 1), 0));
    expect(Number(s.input)).toBe(all.reduce((a, e) => a + (e.usage.inputTokens ?? 0), 0));

    const [ev] = await withPlatform(
      (tx) =>
        queryRows<{ pending: string | number; booked: string | number }>(
          tx,
          sql`SELECT count(*) FILTER (WHERE seq > (SELECT last_seq FROM usage_rollup_state)) AS pending,
                     count(*) FILTER (WHERE booked_period = ${period}) AS booked
                FROM usage_events WHERE tenant_id = ${t.id}`,
        ),
      db,
    );
    expect(Number(ev!.pending)).toBe(0);
    expect(Number(ev!.booked)).toBe(all.length);

    // The books and the daily aggregates carry the same money.
    const [books] = await withPlatform(
      (tx) =>
        queryRows<{ rev: string; cost: string; markup: string }>(
          tx,
          sql`SELECT (SELECT sum(amount) FROM revenue_entries WHERE tenant_id = ${t.id} AND kind = 'ai_usage')::text AS rev,
                     (SELECT sum(markup_amount) FROM revenue_entries WHERE tenant_id = ${t.id} AND kind = 'ai_usage')::text AS markup,
                     (SELECT sum(amount) FROM cost_entries WHERE tenant_id = ${t.id} AND kind = 'provider_usage')::text AS cost`,
        ),
      db,
    );
    expect(dec(books!.rev).equals(sum(all.map((e) => e.price)))).toBe(true);
    expect(dec(books!.cost).equals(sum(all.map((e) => e.cost)))).toBe(true);
    expect(dec(books!.markup).equals(dec(books!.rev).minus(books!.cost))).toBe(true);
    const [tda] = await withPlatform(
      (tx) =>
        queryRows<{ rev: string; cost: string; margin: string; n: string | number }>(
          tx,
          sql`SELECT sum(revenue)::text AS rev, sum(cost)::text AS cost, sum(margin)::text AS margin, sum(request_count) AS n
                FROM tenant_daily_aggregates WHERE tenant_id = ${t.id}`,
        ),
      db,
    );
    expect(dec(tda!.rev).equals(sum(all.map((e) => e.price)))).toBe(true);
    expect(dec(tda!.cost).equals(sum(all.map((e) => e.cost)))).toBe(true);
    expect(dec(tda!.margin).equals(dec(tda!.rev).minus(tda!.cost))).toBe(true);
    expect(Number(tda!.n)).toBe(Number(s.n));
  });

  it('concurrent workers never count an event twice', async () => {
    const t = await createTenant(db);
    const r = rng(11);
    const events = await insertEvents(
      db,
      Array.from({ length: 400 }, () => {
        const m = model('openai-gpt-4-1');
        return { tenantId: t.id, modelId: m.id, at: dayIn('2022-03', r), usage: randomUsage(m, r), markupPercent: '40' };
      }),
    );
    await Promise.all([rollupUsage({ db, batchSize: 37 }), rollupUsage({ db, batchSize: 41 }), rollupUsage({ db, batchSize: 53 })]);
    await rollupUsage({ db, waitForLocked: true });
    const s = await rollupSums(t.id);
    expect(dec(s.price!).equals(sum(events.map((e) => e.price)))).toBe(true);
    expect(Number(s.n)).toBe(400);
  });
});
