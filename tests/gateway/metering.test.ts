/**
 * Metering guarantees: one usage event per request through a 10 s database outage under load;
 * the journal beyond the in-memory bound; the flush on shutdown; and every event's price equal
 * to cost x (1 + markup/100) for the markup in force when it was made, across markup changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../../lib/db/client';
import { apiKeys } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { dec, HUNDRED, ONE } from '../../lib/pricing/money';
import { priceUsage } from '../../lib/pricing/price';
import { loadCatalog } from '../../lib/catalog/repository';
import { testDb, testDbKind, testApplicationName } from '../support/db';
import { newTenant, rawPost, setTenantModel, sleep, startFakeUpstream, startGateway, usageRows, type FakeUpstream } from './harness';
import { invalidateTenant, setGateway } from '../../lib/gateway';

let h: DbHandle;
let fake: FakeUpstream;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
});
afterAll(async () => {
  await fake?.close();
});

/** A database handle for the metering writer that can be taken away (every transaction fails). */
function flakyDb(db: Db) {
  const state = { down: false, refused: 0 };
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'transaction') {
        return (...args: unknown[]) => {
          if (state.down) {
            state.refused++;
            return Promise.reject(Object.assign(new Error('connection terminated unexpectedly (test outage)'), { code: '57P01' }));
          }
          return (target.transaction as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { db: proxy, state };
}

/** Loop requests from `workers` concurrent clients until `until`; returns the request ids answered. */
async function load(url: string, key: string, workers: number, until: number, model = 'gpt-4.1-mini') {
  const ids: string[] = [];
  const failures: number[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      let i = 0;
      while (Date.now() < until) {
        const res = await rawPost(`${url}/chat/completions`, key, { model, messages: [{ role: 'user', content: `load ${w}-${i++}` }] });
        if (res.status === 200) ids.push(res.headers.get('x-request-id')!);
        else failures.push(res.status);
      }
    }),
  );
  return { ids, failures };
}

describe('metering through a database outage', () => {
  it('meters every request exactly once after the database was unavailable for 10 s under load', { timeout: 90_000 }, async () => {
    const flaky = flakyDb(h.db);
    const g = await startGateway(h.db, fake, { meteringDb: async () => flaky.db, meteringFlushMs: 100 });
    try {
      const t = await newTenant(h.db, g.baseURL, { tenant: { tier: 5 } });
      const start = Date.now();
      const loadDone = load(g.baseURL, t.key, 8, start + 13_000);
      await sleep(1500);
      flaky.state.down = true;
      if (testDbKind() === 'postgres') {
        // Also cut this process's real connections (postgres.js reconnects on demand); other
        // test files share the database in parallel, so their connections are left alone.
        await h.db.execute(
          sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = ${testApplicationName()} AND pid <> pg_backend_pid()`,
        );
      }
      await sleep(10_000);
      flaky.state.down = false;
      const { ids, failures } = await loadDone;
      expect(failures).toEqual([]);
      expect(ids.length).toBeGreaterThan(100);
      // The writer really met the outage and kept retrying (with backoff: how many attempts fit
      // in 10 s depends on the machine's load, so only "more than once" is asserted here).
      expect(flaky.state.refused).toBeGreaterThan(1);
      expect(g.gw.stats().metering.writeFailures).toBeGreaterThan(1);
      await g.gw.flushMetering(60_000);
      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(ids.length);
      expect(new Set(rows.map((r) => r.requestId))).toEqual(new Set(ids));
    } finally {
      flaky.state.down = false;
      await g.close();
    }
  });

  it('beyond the in-memory bound events go to the journal and are replayed without loss', { timeout: 60_000 }, async () => {
    const flaky = flakyDb(h.db);
    const g = await startGateway(h.db, fake, { meteringDb: async () => flaky.db, meteringFlushMs: 50, meteringMaxQueued: 10, meteringBatchSize: 5 });
    try {
      const t = await newTenant(h.db, g.baseURL, { tenant: { tier: 5 } });
      flaky.state.down = true;
      const { ids } = await load(g.baseURL, t.key, 4, Date.now() + 2500);
      await sleep(600); // let the writer fail and spill
      expect(g.gw.stats().metering.journaledEvents).toBeGreaterThan(0);
      expect(ids.length).toBeGreaterThan(10);
      expect(g.gw.stats().meteringQueueDepth).toBeLessThanOrEqual(15);
      flaky.state.down = false;
      await g.gw.flushMetering(30_000);
      for (let i = 0; i < 50 && (await usageRows(h.db, t.tenantId)).length < ids.length; i++) {
        await g.gw.writer.tick();
        await sleep(100);
      }
      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(ids.length);
      expect(g.gw.stats().metering.replayedEvents).toBeGreaterThan(0);
    } finally {
      flaky.state.down = false;
      await g.close();
    }
  });

  it('flushes everything on shutdown, and batches key usage (last_used_at, usage_count)', async () => {
    const g = await startGateway(h.db, fake, { meteringFlushMs: 60_000 });
    const t = await newTenant(h.db, g.baseURL);
    for (let i = 0; i < 15; i++)
      await rawPost(`${g.baseURL}/chat/completions`, t.key, { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: `s${i}` }] });
    expect(g.gw.stats().meteringQueueDepth).toBeGreaterThan(0);
    // What npm start does on SIGTERM: the fast path's shutdown hook drains the writer and flushes stats.
    setGateway(g.gw);
    const { loadFastPath, shutdownGateway } = await import('../../lib/server/fast-path');
    expect(await loadFastPath()).toBe(g.gw.nodeHandler);
    await shutdownGateway();
    setGateway(null);
    await g.close();
    expect(await usageRows(h.db, t.tenantId)).toHaveLength(15);
    const [k] = await withPlatform((tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, t.keyId)), h.db);
    expect(Number(k!.usageCount)).toBe(15);
    expect(k!.lastUsedAt).not.toBeNull();
  });
});

describe('price snapshots', () => {
  it('every event prices at cost x (1 + markup/100) for the markup in force when it was made', async () => {
    const g = await startGateway(h.db, fake);
    try {
      const t = await newTenant(h.db, g.baseURL);
      const send = async (n: number, tag: string) => {
        for (let i = 0; i < n; i++) {
          const res = await rawPost(
            `${g.baseURL}/chat/completions`,
            t.key,
            { model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: `${tag} ${i} ${'x'.repeat(i * 7)}` }] },
            { 'x-fake-cached-tokens': String(i * 3) },
          );
          expect(res.status).toBe(200);
        }
      };
      await send(3, 'default');
      await setTenantModel(h.db, t.tenantId, 'anthropic-claude-sonnet-4-5', { markupPercent: '25', markupReason: 'negotiated', markupSetAt: new Date() });
      invalidateTenant(t.tenantId); // what the admin change path calls
      await g.gw.reloadConfig();
      await send(3, 'negotiated');
      await setTenantModel(h.db, t.tenantId, 'anthropic-claude-sonnet-4-5', { markupPercent: '62.5', markupSetAt: new Date() });
      await g.gw.reloadConfig();
      await send(3, 'raised');
      await g.gw.flushMetering();
      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(9);
      expect(rows.map((r) => [r.markupPercent, r.markupSource])).toEqual([
        ...Array(3).fill(['40.0000', 'default']),
        ...Array(3).fill(['25.0000', 'tenant_model']),
        ...Array(3).fill(['62.5000', 'tenant_model']),
      ]);
      const model = (await withPlatform((tx) => loadCatalog(tx), h.db)).models.find((m) => m.id === 'anthropic-claude-sonnet-4-5')!;
      for (const r of rows) {
        // price == cost x (1 + markup/100), exactly
        expect(dec(r.price).eq(dec(r.cost).times(ONE.plus(dec(r.markupPercent).div(HUNDRED))))).toBe(true);
        // and the cost is the catalog's rates applied to the metered tokens
        const priced = priceUsage({
          cost: model.cost,
          usage: { inputTokens: r.inputTokens, cachedInputTokens: r.cachedInputTokens, outputTokens: r.outputTokens, requests: 1 },
          markupPercent: r.markupPercent,
        });
        expect(priced.cost.total.eq(dec(r.cost))).toBe(true);
        expect(priced.price.eq(dec(r.price))).toBe(true);
      }
      expect(rows.some((r) => r.cachedInputTokens > 0)).toBe(true);
    } finally {
      await g.close();
    }
  });

  it('meters a cold start of a self-hosted model with its warm-up', async () => {
    const g = await startGateway(h.db, fake);
    try {
      const t = await newTenant(h.db, g.baseURL);
      for (let i = 0; i < 2; i++) {
        const res = await rawPost(`${g.baseURL}/chat/completions`, t.key, { model: 'llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'cold?' }] });
        expect(res.status).toBe(200);
      }
      await g.gw.flushMetering();
      const [first, second] = await usageRows(h.db, t.tenantId);
      expect(first!.markupPercent).toBe('75.0000'); // self-hosted default
      expect((first!.metadata as { coldStart?: boolean }).coldStart).toBe(true);
      expect((second!.metadata as { coldStart?: boolean }).coldStart).toBeUndefined();
      expect(dec(first!.price).greaterThan(dec(second!.price))).toBe(true); // warm-up charged once
      await g.gw.flushStats();
      const [row] = await withPlatform(
        (tx) => tx.execute(sql`SELECT thermal_state FROM models WHERE id = 'self-hosted-llama-3-1-8b-instruct'`) as Promise<unknown>,
        h.db,
      ).then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ thermal_state: string }>);
      expect(['WARM', 'HOT']).toContain(row!.thermal_state);
    } finally {
      await g.close();
    }
  });
});
