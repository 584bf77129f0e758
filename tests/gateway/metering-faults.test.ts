/**
 * Metering that neither stalls nor loses an event (issue 16), in process:
 *  - impossible provider usage (fractional, negative, cached > input, reasoning > output) is
 *    replaced by our own count (tokens_estimated), reported as a notice, and never stalls the
 *    writer; a non-streamed answer without usage is counted from its content;
 *  - a row the database refuses is quarantined (bisected out of its batch), the rest is written;
 *    an event that cannot be priced is quarantined at once;
 *  - the write-ahead journal: segments of every state left by a "crashed" writer (open, sealed,
 *    being replayed, with a torn last line, and overlapping) are replayed exactly once;
 *  - a journal that cannot be written keeps events in memory and, past the bound, the gateway
 *    answers paid requests 503 + Retry-After until the database takes them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbHandle } from '../../lib/db/client';
import { queryRows } from '../../lib/db/client';
import { administrators, meteringQuarantine, notifications, usageEvents } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { type MeteringWriter, type PendingUsage } from '../../lib/gateway/metering/writer';
import { usageProblems, validateUsage } from '../../lib/gateway/metering/usage-validation';
import { testDb } from '../support/db';
import { pendingUsage, testWriter } from './metering-support';
import { pollRows } from '../support/poll';
import { createTenant } from '../support/factories';
import { newTenant, rawPost, sleep, startFakeUpstream, startGateway, usageRows, type FakeUpstream } from './harness';

let h: DbHandle;
let fake: FakeUpstream;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  await withPlatform(
    (tx) => tx.insert(administrators).values({ email: `ops-${crypto.randomUUID()}@metering.test`, name: 'Metering operator', role: 'admin', status: 'active' }),
    h.db,
  );
});
afterAll(async () => {
  await fake?.close();
});

const tmp = (label: string) => fs.mkdtempSync(path.join(os.tmpdir(), `radiant-${label}-`));

async function countByRequest(ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await withPlatform(
    (tx) =>
      queryRows<{ request_id: string; n: number | string }>(
        tx,
        sql`SELECT request_id, count(*) AS n FROM usage_events WHERE request_id IN (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )}) GROUP BY request_id`,
      ),
    h.db,
  );
  return new Map(rows.map((r) => [r.request_id, Number(r.n)]));
}

async function flush(w: MeteringWriter, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (w.depth > 0 && Date.now() < end) {
    await w.tick();
    if (w.depth > 0) await sleep(50);
  }
}

describe('usage validation where usage is read from a provider', () => {
  it('flags fractional, negative and inconsistent counts', () => {
    expect(usageProblems({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 })).toEqual([]);
    expect(usageProblems({ prompt_tokens: 10.5, completion_tokens: 5, total_tokens: 15.5 }).join()).toMatch(/prompt_tokens/);
    expect(usageProblems({ prompt_tokens: 10, completion_tokens: -3, total_tokens: 7 }).join()).toMatch(/completion_tokens.*-3/);
    expect(usageProblems({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, prompt_tokens_details: { cached_tokens: 11 } }).join()).toMatch(
      /cached_tokens \(11\) > prompt_tokens \(10\)/,
    );
    expect(usageProblems({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, completion_tokens_details: { reasoning_tokens: 6 } }).join()).toMatch(
      /reasoning_tokens/,
    );
    expect(usageProblems({ prompt_tokens: 3e9, completion_tokens: 5, total_tokens: 15 }).join()).toMatch(/prompt_tokens/);
    expect(validateUsage({ prompt_tokens: 1, completion_tokens: -1, total_tokens: 0 }, { providerId: 'p', modelId: 'm' })).toBeNull();
    expect(
      validateUsage(
        { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9, prompt_tokens_details: { cached_tokens: 3 } },
        { providerId: 'p', modelId: 'm' },
      ),
    ).toEqual({
      input: 7,
      cached: 3,
      output: 2,
      estimated: false,
    });
  });

  it('bills our own count for nonsense usage (streamed or not), tells admins, and metering goes on', { timeout: 60_000 }, async () => {
    const g = await startGateway(h.db, fake, { meteringFlushMs: 50 });
    try {
      const t = await newTenant(h.db, g.baseURL);
      const since = new Date(Date.now() - 1000);
      const nonsense = [
        { prompt_tokens: 12.5, completion_tokens: 7, total_tokens: 19.5 },
        { prompt_tokens: 12, completion_tokens: -4, total_tokens: 8 },
        { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 40 } },
        { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, completion_tokens_details: { reasoning_tokens: 9 } },
      ];
      const ids: string[] = [];
      for (const usage of nonsense) {
        for (const stream of [false, true]) {
          fake.setBehavior({ mode: 'ok', usage, times: 1 });
          const res = await rawPost(`${g.baseURL}/chat/completions`, t.key, {
            model: 'gpt-4.1-mini',
            stream,
            messages: [{ role: 'user', content: 'count me honestly please' }],
          });
          expect(res.status).toBe(200);
          ids.push(res.headers.get('x-request-id')!);
        }
      }
      // A non-streamed answer without any usage object is counted from its content.
      fake.setBehavior({ mode: 'ok', usage: null, times: 1 });
      const noUsage = await rawPost(`${g.baseURL}/chat/completions`, t.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'no usage here' }] });
      expect(noUsage.status).toBe(200);
      ids.push(noUsage.headers.get('x-request-id')!);
      // And a normal request right after is metered with the provider's own numbers.
      const good = await rawPost(`${g.baseURL}/chat/completions`, t.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'fine' }] });
      expect(good.status).toBe(200);
      await g.gw.flushMetering(20_000);

      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(ids.length + 1);
      for (const r of rows.filter((x) => ids.includes(x.requestId))) {
        expect(r.tokensEstimated, `${ids.indexOf(r.requestId)}`).toBe(true);
        expect(Number.isInteger(r.inputTokens) && r.inputTokens > 0).toBe(true);
        expect(r.outputTokens).toBeGreaterThan(0);
        expect(r.cachedInputTokens).toBeLessThanOrEqual(r.inputTokens);
      }
      const ok = rows.find((x) => x.requestId === good.headers.get('x-request-id'))!;
      expect(ok.tokensEstimated).toBe(false);
      expect(g.gw.stats().metering.quarantinedEvents).toBe(0);

      const notices = await pollRows(() =>
        withPlatform(
          (tx) =>
            tx
              .select()
              .from(notifications)
              .where(
                and(
                  eq(notifications.event, 'metering.usage_invalid'),
                  gt(notifications.createdAt, since),
                  eq(notifications.title, 'Impossible usage from openai (openai-gpt-4-1-mini); billed from our own count'),
                ),
              ),
          h.db,
        ),
      );
      expect(notices[0]!.body).toMatch(/prompt_tokens is not a non-negative integer \(12\.5\)/);
    } finally {
      fake.reset();
      await g.close();
    }
  });
});

describe('a row the database refuses', () => {
  it('is quarantined (bisected out of its batch); every other event is written', { timeout: 30_000 }, async () => {
    const t = await createTenant(h.db);
    const w = testWriter(async () => h.db, tmp('quarantine'), { batchSize: 64 });
    w.start();
    try {
      const good = Array.from({ length: 60 }, () => pendingUsage(t.id));
      // int4 overflow in the ledger (22003), an unknown model (filtered), and an event that
      // cannot even be priced (fractional tokens).
      const tooBig = pendingUsage(t.id, { usage: { inputTokens: 3_000_000_000, outputTokens: 1, requests: 1 } });
      const unknownModel = pendingUsage(t.id, { modelId: 'no-such-model' });
      const unpriced = pendingUsage(t.id, { usage: { inputTokens: 1.5, outputTokens: 1, requests: 1 } });
      for (const [i, e] of good.entries()) {
        w.enqueue(e);
        if (i === 20) w.enqueue(tooBig);
        if (i === 40) w.enqueue(unknownModel);
        if (i === 50) w.enqueue(unpriced);
      }
      await flush(w);
      expect(w.depth).toBe(0);
      const counts = await countByRequest(good.map((e) => e.requestId));
      expect([...counts.values()].filter((n) => n === 1)).toHaveLength(60);
      const q = await withPlatform(
        (tx) =>
          tx
            .select()
            .from(meteringQuarantine)
            .where(inArray(meteringQuarantine.requestId, [tooBig.requestId, unknownModel.requestId, unpriced.requestId])),
        h.db,
      );
      const byId = new Map(q.map((r) => [r.requestId, r]));
      expect(byId.get(tooBig.requestId)?.sqlState).toBe('22003');
      expect(byId.get(tooBig.requestId)?.kind).toBe('usage');
      expect(byId.get(unknownModel.requestId)?.reason).toMatch(/unknown tenant, model or provider/);
      expect(byId.get(unpriced.requestId)?.kind).toBe('unpriced');
      expect(q.every((r) => r.status === 'open' && r.attempts === 1)).toBe(true);
      expect(w.stats.quarantinedEvents).toBe(3);
    } finally {
      await w.stop(2000);
    }
  });
});

describe('the write-ahead journal', () => {
  it('replays every segment a crashed writer left (open, sealed, replaying, torn), exactly once', { timeout: 30_000 }, async () => {
    const t = await createTenant(h.db);
    const base = tmp('wal');
    const dead = path.join(base, 'crashed');
    fs.mkdirSync(dead, { recursive: true });
    // The "crashed" instance: an owner whose process is gone, and segments in every state.
    fs.writeFileSync(path.join(dead, 'owner.json'), JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 12345 }));
    const events = Array.from({ length: 30 }, () => pendingUsage(t.id));
    const { toLine } = await import('../../lib/gateway/metering/rows');
    const line = (e: PendingUsage) => JSON.stringify(toLine(e)) + '\n';
    fs.writeFileSync(path.join(dead, 'seg-1-1-000000.ndjson'), events.slice(0, 10).map(line).join(''));
    fs.writeFileSync(path.join(dead, 'journal-9-1.ndjson.open'), events.slice(10, 20).map(line).join(''));
    // Being replayed when it died, overlapping the first one (idempotency), with a torn last line.
    fs.writeFileSync(path.join(dead, 'seg-2-1-000001.ndjson.replaying-77'), events.slice(5, 30).map(line).join('') + line(events[0]!).slice(0, 40));
    const w = testWriter(async () => h.db, base, { instanceId: 'fresh' });
    w.start();
    try {
      for (let i = 0; i < 100 && w.stats.replayedEvents < 45; i++) {
        await w.tick();
        await sleep(30);
      }
      const counts = await countByRequest(events.map((e) => e.requestId));
      expect(counts.size).toBe(30);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(w.stats.tornLines).toBe(1);
      // Every segment is gone once written; a second writer on the same folder replays nothing.
      expect(fs.readdirSync(dead).filter((f) => f.includes('ndjson'))).toEqual([]);
      expect(fs.readdirSync(w.journalDir).filter((f) => f.includes('ndjson'))).toEqual([]);
    } finally {
      await w.stop(2000);
    }
  });

  it('adopts, while running, the segments of an instance that was still alive (or not yet reaped) when it started', { timeout: 30_000 }, async () => {
    const t = await createTenant(h.db);
    const base = tmp('wal-late-orphan');
    const other = path.join(base, 'other');
    fs.mkdirSync(other, { recursive: true });
    // Owned by a live process (this test's parent): not adopted at start.
    fs.writeFileSync(path.join(other, 'owner.json'), JSON.stringify({ host: os.hostname(), pid: process.ppid }));
    const events = Array.from({ length: 12 }, () => pendingUsage(t.id));
    const { toLine } = await import('../../lib/gateway/metering/rows');
    fs.writeFileSync(path.join(other, 'seg-1-1-000000.ndjson'), events.map((e) => JSON.stringify(toLine(e)) + '\n').join(''));
    const w = testWriter(async () => h.db, base, { instanceId: 'runner', journalOrphanScanMs: 100 });
    w.start();
    try {
      await w.tick();
      await sleep(250);
      await w.tick();
      expect(w.stats.replayedEvents).toBe(0); // its owner is alive: left alone
      // The owner dies (a pid that does not exist): the next scan adopts and replays its segment.
      fs.writeFileSync(path.join(other, 'owner.json'), JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 54321 }));
      for (let i = 0; i < 100 && w.stats.replayedEvents < 12; i++) {
        await sleep(50);
        await w.tick();
      }
      const counts = await countByRequest(events.map((e) => e.requestId));
      expect(counts.size).toBe(12);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(fs.readdirSync(other).filter((f) => f.includes('ndjson'))).toEqual([]);
    } finally {
      await w.stop(2000);
    }
  });

  it('keeps events journaled while the database is away and writes them after a restart', { timeout: 30_000 }, async () => {
    const t = await createTenant(h.db);
    const base = tmp('wal-outage');
    const down = async (): Promise<Db> => {
      throw Object.assign(new Error('connect ECONNREFUSED (test outage)'), { code: 'ECONNREFUSED' });
    };
    const a = testWriter(down, base, { instanceId: 'same' });
    a.start();
    const events = Array.from({ length: 25 }, () => pendingUsage(t.id));
    for (const e of events) a.enqueue(e);
    expect(a.stats.appendedEvents).toBe(25);
    await a.stop(300); // the database never answered: everything stays in the journal
    expect(a.depth).toBe(25);
    const b = testWriter(async () => h.db, base, { instanceId: 'same' });
    b.start();
    try {
      for (let i = 0; i < 100 && b.stats.replayedEvents < 25; i++) {
        await b.tick();
        await sleep(30);
      }
      const counts = await countByRequest(events.map((e) => e.requestId));
      expect(counts.size).toBe(25);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await b.stop(2000);
    }
  });

  it('a journal that cannot be written: events kept in memory, paid requests refused past the bound, all metered', { timeout: 60_000 }, async () => {
    const base = tmp('wal-broken');
    const notADir = path.join(base, 'file');
    fs.writeFileSync(notADir, 'not a directory');
    let dbDown = true;
    const g = await startGateway(h.db, fake, {
      meteringJournalDir: notADir,
      meteringFlushMs: 50,
      meteringDb: async () => {
        if (dbDown) throw Object.assign(new Error('connect ECONNREFUSED (test outage)'), { code: 'ECONNREFUSED' });
        return h.db;
      },
    });
    // A small bound for the test (the default is 10,000).
    (g.gw.writer as unknown as { o: { maxUnjournaled: number } }).o.maxUnjournaled = 5;
    try {
      const t = await newTenant(h.db, g.baseURL, { tenant: { tier: 5 } });
      const answered: string[] = [];
      let refused = 0;
      let retryAfter: string | null = null;
      for (let i = 0; i < 10; i++) {
        const r = await rawPost(`${g.baseURL}/chat/completions`, t.key, { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `broken disk ${i}` }] });
        if (r.status === 200) answered.push(r.headers.get('x-request-id')!);
        else {
          expect(r.status).toBe(503);
          refused++;
          retryAfter = r.headers.get('retry-after');
        }
      }
      expect(answered).toHaveLength(5);
      expect(refused).toBe(5);
      expect(retryAfter).toBe('5');
      expect(g.gw.writer.acceptingPaidRequests).toBe(false);
      expect(g.gw.stats().metering.journalHealthy).toBe(false);
      dbDown = false;
      await g.gw.flushMetering(20_000);
      expect(g.gw.writer.acceptingPaidRequests).toBe(true);
      const after = await rawPost(`${g.baseURL}/chat/completions`, t.key, {
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'disk still broken, db back' }],
      });
      expect(after.status).toBe(200);
      answered.push(after.headers.get('x-request-id')!);
      await g.gw.flushMetering(20_000);
      const rows = await withPlatform((tx) => tx.select({ id: usageEvents.requestId }).from(usageEvents).where(eq(usageEvents.tenantId, t.tenantId)), h.db);
      expect(rows.map((r) => r.id).sort()).toEqual([...answered].sort());
    } finally {
      dbDown = false;
      await g.close();
    }
  });
});

describe('shutdown with a deadline', () => {
  it('ends streams still open at the deadline with a final event, metered as partial', { timeout: 30_000 }, async () => {
    const { resetOpenStreams } = await import('../../lib/gateway/upstream/open-streams');
    const g = await startGateway(h.db, fake, { meteringFlushMs: 50 });
    try {
      const t = await newTenant(h.db, g.baseURL);
      fake.setBehavior({ mode: 'slow_stream', chunks: 200, chunkDelayMs: 50 });
      const res = await fetch(`${g.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-mini', stream: true, messages: [{ role: 'user', content: 'a long story please' }] }),
      });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      const text = res.text();
      await sleep(400);
      const started = Date.now();
      await g.gw.shutdown(2000);
      expect(Date.now() - started).toBeLessThan(3000);
      const body = await text;
      expect(body).toContain('"code":"server_shutdown"');
      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.requestId).toBe(requestId);
      expect(rows[0]!.status).toBe('partial');
      expect(rows[0]!.errorCode).toBe('server_shutdown');
      expect(rows[0]!.outputTokens).toBeGreaterThan(0);
    } finally {
      fake.reset();
      resetOpenStreams();
      await g.close();
    }
  });

  it('ends a Claude pass-through stream on /api/v1/messages the same way: final error event, metered as partial', { timeout: 30_000 }, async () => {
    const { resetOpenStreams } = await import('../../lib/gateway/upstream/open-streams');
    const g = await startGateway(h.db, fake, { meteringFlushMs: 50 });
    try {
      const t = await newTenant(h.db, g.baseURL);
      fake.setBehavior({ mode: 'slow_stream', chunks: 200, chunkDelayMs: 50 });
      const res = await fetch(`${g.baseURL}/messages`, {
        method: 'POST',
        headers: { 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 1024, stream: true, messages: [{ role: 'user', content: 'a long story please' }] }),
      });
      expect(res.status).toBe(200);
      const requestId = res.headers.get('x-request-id')!;
      const text = res.text();
      await sleep(400);
      const started = Date.now();
      await g.gw.shutdown(2000);
      expect(Date.now() - started).toBeLessThan(3000);
      const body = await text;
      // Anthropic's in-stream error event, as the SDKs read it; no message_stop.
      expect(body).toContain('event: error');
      expect(body).toContain('The server is restarting');
      expect(body).not.toContain('message_stop');
      const rows = await usageRows(h.db, t.tenantId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.requestId).toBe(requestId);
      expect(rows[0]!.endpoint).toBe('messages');
      expect(rows[0]!.status).toBe('partial');
      expect(rows[0]!.errorCode).toBe('server_shutdown');
      expect(rows[0]!.outputTokens).toBeGreaterThan(0);
    } finally {
      fake.reset();
      resetOpenStreams();
      await g.close();
    }
  });
});
