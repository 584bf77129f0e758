/**
 * The metering quarantine, admin side, through the route handlers the console and the API use
 * (/admin/billing/metering calls the same lib): rows the database refused are listed a page at
 * a time, repaired and replayed into the ledger exactly once, or discarded; both audited.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { queryRows } from '../../lib/db/client';
import { meteringQuarantine } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { setSessionResolverForTests } from '../../lib/auth/session';
import type { PendingUsage } from '../../lib/gateway/metering/writer';
import { toLine, writeRows } from '../../lib/gateway/metering/rows';
import * as list from '../../app/api/admin/metering/quarantine/route';
import * as replay from '../../app/api/admin/metering/quarantine/[id]/replay/route';
import * as discard from '../../app/api/admin/metering/quarantine/[id]/discard/route';
import { testDb } from '../support/db';
import { pendingUsage, testWriter } from './metering-support';
import { createApiKeyRow, createTenant, createUser } from '../support/factories';
import { adminSession, auditRowsFor, createAdmin, useSession } from '../governance/helpers';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (f: unknown) => f as Handler;

let db: Db;

beforeAll(async () => {
  db = (await testDb()).db;
});
afterAll(() => setSessionResolverForTests(null));

const event = (tenantId: string, inputTokens: number): PendingUsage =>
  pendingUsage(tenantId, { usage: { inputTokens, cachedInputTokens: 0, outputTokens: 5, requests: 1 } });

async function ledger(ids: string[]) {
  return withPlatform(
    (tx) =>
      queryRows<{ request_id: string; input_tokens: number; n: string | number }>(
        tx,
        sql`SELECT request_id, min(input_tokens) AS input_tokens, count(*) AS n FROM usage_events
             WHERE request_id IN (${sql.join(
               ids.map((i) => sql`${i}`),
               sql`, `,
             )}) GROUP BY request_id`,
      ),
    db,
  );
}

const get = (query: string) => h(list.GET)(new Request(`http://localhost/api/admin/metering/quarantine${query}`), { params: Promise.resolve({}) });
const post = (handler: unknown, id: string, action: string, body: unknown) =>
  h(handler)(
    new Request(`http://localhost/api/admin/metering/quarantine/${id}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: 'localhost' },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );

describe('quarantined events, admin side', () => {
  it('lists them a page at a time; repair + replay writes the event once; discard never bills it; both audited', { timeout: 60_000 }, async () => {
    const t = await createTenant(db);
    // Three events the ledger refuses (int4 overflow: 22003) among good ones, through the writer.
    const bad = [event(t.id, 3_000_000_000), event(t.id, 3_000_000_001), event(t.id, 3_000_000_002)];
    const good = Array.from({ length: 10 }, () => event(t.id, 10));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-quarantine-admin-'));
    const w = testWriter(async () => db, dir, { instanceId: 'q' });
    w.start();
    try {
      for (const e of [...good.slice(0, 5), ...bad, ...good.slice(5)]) w.enqueue(e);
      for (let i = 0; i < 100 && w.depth > 0; i++) await w.tick();
      expect(w.depth).toBe(0);
    } finally {
      await w.stop(2000);
    }
    expect((await ledger(good.map((e) => e.requestId))).length).toBe(10);
    const rows = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(meteringQuarantine)
          .where(
            inArray(
              meteringQuarantine.requestId,
              bad.map((e) => e.requestId),
            ),
          ),
      db,
    );
    expect(rows.map((r) => r.sqlState)).toEqual(['22003', '22003', '22003']);
    const byRequest = new Map(rows.map((r) => [r.requestId, r]));

    const operator = await createAdmin(db, 'operator');
    const admin = await createAdmin(db, 'admin');

    // Server-side pages: limit 2 -> page 1 has 2 rows, page 2 the rest; total counts them all.
    useSession(adminSession(operator));
    const p1 = await get('?status=open&limit=2&page=1');
    expect(p1.status).toBe(200);
    const page1 = (await p1.json()) as { items: Array<{ id: string }>; total: number; page: number; pageSize: number; open: number };
    expect(page1.items).toHaveLength(2);
    expect(page1.total).toBeGreaterThanOrEqual(3);
    expect(page1.open).toBe(page1.total);
    const pageN = Math.ceil(page1.total / 2);
    const pLast = (await (await get(`?status=open&limit=2&page=${pageN}`)).json()) as { items: Array<{ id: string }> };
    expect(pLast.items.length).toBe(page1.total - 2 * (pageN - 1));
    const seen = new Set<string>();
    for (let p = 1; p <= pageN; p++)
      for (const r of ((await (await get(`?status=open&limit=2&page=${p}`)).json()) as { items: Array<{ id: string }> }).items) seen.add(r.id);
    for (const r of rows) expect(seen.has(r.id)).toBe(true);

    // Reading is billing.read; replaying needs billing.run (an operator only reads).
    const [first, second, third] = bad.map((e) => byRequest.get(e.requestId)!);
    expect((await post(replay.POST, first!.id, 'replay', {})).status).toBe(403);

    // Replayed as it is, the database still refuses it: 400, and it stays open.
    useSession(adminSession(admin));
    const refused = await post(replay.POST, first!.id, 'replay', {});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/still refuses/);

    // Repaired (the offending field edited) and replayed: written once, marked replayed, audited.
    const repaired = { ...(first!.payload as Record<string, unknown>), input_tokens: 3000 };
    const ok = await post(replay.POST, first!.id, 'replay', { payload: repaired, reason: 'provider sent 3e9 for 3000' });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'replayed' });
    const [written] = await ledger([first!.requestId]);
    expect(Number(written!.n)).toBe(1);
    expect(Number(written!.input_tokens)).toBe(3000);
    const [audit] = await auditRowsFor(db, { resourceId: first!.id, action: 'metering.quarantine_replay' });
    expect(audit).toMatchObject({ actorId: admin.id, tenantId: t.id });
    expect(audit!.newValues).toMatchObject({ repaired: true, kind: 'usage' });

    // A second replay of the same row: 409. The same request quarantined again and replayed
    // (a journal replaying a line twice): still ONE ledger row.
    expect((await post(replay.POST, first!.id, 'replay', { payload: repaired })).status).toBe(409);
    await withPlatform((tx) => tx.execute(sql`UPDATE metering_quarantine SET payload = ${JSON.stringify(repaired)}::jsonb WHERE id = ${second!.id}`), db);
    expect((await post(replay.POST, second!.id, 'replay', {})).status).toBe(200);
    const [still] = await ledger([first!.requestId]);
    expect(Number(still!.n)).toBe(1);
    expect((await ledger([second!.requestId])).length).toBe(0);

    // Discard: never billed, reason required, audited.
    expect((await post(discard.POST, third!.id, 'discard', {})).status).toBe(400);
    const gone = await post(discard.POST, third!.id, 'discard', { reason: 'test traffic, not billable' });
    expect(gone.status).toBe(200);
    expect(await gone.json()).toMatchObject({ status: 'discarded' });
    expect((await ledger([third!.requestId])).length).toBe(0);
    const [da] = await auditRowsFor(db, { resourceId: third!.id, action: 'metering.quarantine_discard' });
    expect(da!.metadata).toMatchObject({ note: 'test traffic, not billable' });

    // The replayed and discarded rows have left the open list.
    const after = (await (await get('?status=open&limit=500')).json()) as { items: Array<{ id: string }> };
    expect(after.items.map((r) => r.id)).not.toContain(first!.id);
    expect(after.items.map((r) => r.id)).not.toContain(third!.id);
  });
});

describe('the ledger bills a request id once, across partitions and insert paths', () => {
  it('twice in one batch, again in a later batch, and again through a plain INSERT: one row', { timeout: 30_000 }, async () => {
    const t = await createTenant(db);
    const e = event(t.id, 10);
    const row = (over: Record<string, unknown> = {}) => ({ kind: 'usage' as const, row: { ...toLine(e).row, ...over } });
    // The same id twice in one batch (the first wins) and a fresh one beside it.
    const other = event(t.id, 20);
    await writeRows(db, [row({ input_tokens: 111 }), row({ input_tokens: 222 }), toLine(other)]);
    // A later batch (a journal replayed after a crash) and a month later (another partition).
    await writeRows(db, [row({ input_tokens: 333 })]);
    await writeRows(db, [row({ input_tokens: 444, created_at: new Date(Date.now() - 40 * 86_400_000).toISOString() })]);
    // Another inserter (the jobs runner, tests): the insert trigger claims the id and drops it.
    await withPlatform(
      (tx) =>
        tx.execute(sql`INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, markup_percent, markup_source, input_tokens)
                       VALUES (${t.id}, ${e.requestId}, 'openai-gpt-4-1-mini', 'openai', 40, 'default', 555)`),
      db,
    );
    const rows = await ledger([e.requestId, other.requestId]);
    const byId = new Map(rows.map((r) => [r.request_id, r]));
    expect(Number(byId.get(e.requestId)!.n)).toBe(1);
    expect(Number(byId.get(e.requestId)!.input_tokens)).toBe(111);
    expect(Number(byId.get(other.requestId)!.n)).toBe(1);
    // The trigger path still admits a new id, booked to the month it happened in.
    const fresh = `req_plain_${crypto.randomUUID()}`;
    await withPlatform(
      (tx) =>
        tx.execute(sql`INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, markup_percent, markup_source, created_at)
                       VALUES (${t.id}, ${fresh}, 'openai-gpt-4-1-mini', 'openai', 40, 'default', '2026-03-15T12:00:00Z')`),
      db,
    );
    const [b] = await withPlatform(
      (tx) => queryRows<{ booked_period: string }>(tx, sql`SELECT booked_period FROM usage_events WHERE request_id = ${fresh}`),
      db,
    );
    expect(b!.booked_period).toBe('2026-03');
  });
});

describe('the ledger without foreign keys (drizzle/0022) keeps what they guaranteed', () => {
  const refusal = async (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        return `${cause?.code ?? (e as { code?: string }).code}: ${cause?.message ?? String(e)}`;
      },
    );

  it(
    'refuses events of unknown tenants, models, providers, users and keys from any inserter; deletes keep their ON DELETE behaviour',
    { timeout: 30_000 },
    async () => {
      const t = await createTenant(db);
      const user = await createUser(db, t.id);
      const key = await createApiKeyRow(db, t.id);
      // The writer: references checked once per batch; a gone key is written as NULL, an unknown
      // model is reported back for the quarantine (never inserted).
      // (Another model than the other events: once another test file's rollup has folded them, deleting
      // the user must not meet a NULL-user rollup row of the same key: usage_rollups.user_id is ON
      // DELETE SET NULL under a NULLS NOT DISTINCT key, a limit of the rollups, not of the ledger.)
      const withRefs = { ...event(t.id, 10), userId: user.id, apiKeyId: key.id, modelId: 'openai-gpt-4-1' };
      const goneKey = { ...event(t.id, 11), apiKeyId: crypto.randomUUID() };
      const unknownModel = { ...event(t.id, 12), modelId: 'no-such-model' };
      const r = await writeRows(db, [toLine(withRefs), toLine(goneKey), toLine(unknownModel)]);
      expect(r.orphans.map((o) => o.requestId)).toEqual([unknownModel.requestId]);
      const refs = async (id: string) =>
        (
          await withPlatform(
            (tx) =>
              queryRows<{ user_id: string | null; api_key_id: string | null }>(tx, sql`SELECT user_id, api_key_id FROM usage_events WHERE request_id = ${id}`),
            db,
          )
        )[0];
      expect(await refs(withRefs.requestId)).toEqual({ user_id: user.id, api_key_id: key.id });
      expect(await refs(goneKey.requestId)).toEqual({ user_id: null, api_key_id: null });
      expect(await refs(unknownModel.requestId)).toBeUndefined();

      // Any other inserter: a missing reference is refused as a foreign key was (23503).
      const insert = (tenant: string, model: string, provider: string, keyId: string | null) =>
        withPlatform(
          (tx) =>
            tx.execute(sql`INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, api_key_id, markup_percent, markup_source)
                         VALUES (${tenant}, ${`req_fk_${crypto.randomUUID()}`}, ${model}, ${provider}, ${keyId}, 40, 'default')`),
          db,
        );
      expect(await refusal(insert(crypto.randomUUID(), 'openai-gpt-4-1-mini', 'openai', null))).toMatch(/^23503: .*tenant .* does not exist/);
      expect(await refusal(insert(t.id, 'no-such-model', 'openai', null))).toMatch(/^23503: .*model no-such-model does not exist/);
      expect(await refusal(insert(t.id, 'openai-gpt-4-1-mini', 'no-such-provider', null))).toMatch(/^23503: .*provider no-such-provider does not exist/);
      expect(await refusal(insert(t.id, 'openai-gpt-4-1-mini', 'openai', crypto.randomUUID()))).toMatch(/^23503: .*API key .* does not exist/);
      expect(await refusal(insert(t.id, 'openai-gpt-4-1-mini', 'openai', key.id))).toBe('accepted');

      // Deleting a model or provider that events reference is refused (was NO ACTION); rolled back
      // whatever happens, the catalog is shared with other test files.
      const rollback = new Error('rollback');
      const tryDelete = (stmt: ReturnType<typeof sql>) =>
        refusal(
          withPlatform(async (tx) => {
            await tx.execute(stmt);
            throw rollback;
          }, db),
        );
      expect(await tryDelete(sql`DELETE FROM models WHERE id = 'openai-gpt-4-1-mini'`)).toMatch(
        /^23503: model openai-gpt-4-1-mini is referenced by usage events/,
      );
      expect(await tryDelete(sql`DELETE FROM providers WHERE id = 'openai'`)).toMatch(/^23503: provider openai is referenced by usage events/);

      // Deleting a key or a user sets the events' reference to NULL (was ON DELETE SET NULL).
      await withPlatform((tx) => tx.execute(sql`DELETE FROM api_keys WHERE id = ${key.id}`), db);
      expect(await refs(withRefs.requestId)).toEqual({ user_id: user.id, api_key_id: null });
      await withPlatform((tx) => tx.execute(sql`DELETE FROM users WHERE id = ${user.id}`), db);
      expect(await refs(withRefs.requestId)).toEqual({ user_id: null, api_key_id: null });
      // Deleting a tenant deletes its events (was ON DELETE CASCADE).
      await withPlatform((tx) => tx.execute(sql`DELETE FROM tenants WHERE id = ${t.id}`), db);
      const left = await withPlatform((tx) => queryRows<{ n: string | number }>(tx, sql`SELECT count(*) AS n FROM usage_events WHERE tenant_id = ${t.id}`), db);
      expect(Number(left[0]!.n)).toBe(0);
    },
  );
});
