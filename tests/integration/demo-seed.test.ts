/**
 * The demo world's usage is metered through the gateway's own path (lib/demo/traffic.ts): every
 * image, character, minute and request event has the endpoint, units and price the gateway's
 * builder gives that call, and the demo history still bills. On its own database (the seed adds
 * tenants "acme" and "globex", which other test files must not see): a fresh PostgreSQL database,
 * or this worker's own PGlite.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, queryRows, setDbHandle, type DbHandle } from '../../lib/db/client';
import { seedDemo } from '../../lib/demo/seed';
import { bootstrapDatabase } from '../../lib/server/bootstrap';
import { billDemoHistory, monthBeforeLast } from '../../lib/demo/billing';
import { dec } from '../../lib/pricing/money';
import { testDb } from '../support/db';

let handle: DbHandle;
let admin: DbHandle | null = null;
let own: DbHandle | null = null;
let dbName = '';

beforeAll(async () => {
  const cfg = inject('testDb');
  if (cfg.kind === 'postgres') {
    admin = await openDb({ url: cfg.url, max: 1 });
    dbName = `radiant_demo_${process.pid}_${Date.now()}`;
    await admin.db.execute(sql.raw(`CREATE DATABASE ${dbName}`));
    const url = new URL(cfg.url);
    url.pathname = `/${dbName}`;
    own = await openDb({ url: url.toString(), max: 4 });
    setDbHandle(own);
    await bootstrapDatabase({ handle: own, seedDemo: false }); // migrations and the catalog
    handle = own;
  } else {
    handle = await testDb();
  }
}, 120_000);

afterAll(async () => {
  if (own) {
    setDbHandle(null);
    await own.close();
  }
  if (admin && dbName) {
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    await admin.close();
  }
});

type Row = {
  model_id: string;
  endpoint: string;
  status: string;
  image_count: number;
  characters: number;
  audio_minutes: string;
  request_count: number;
  input_tokens: number;
  cost: string;
  price: string;
  markup_percent: string;
  markup_source: string;
  metadata: Record<string, unknown>;
  user_id: string | null;
  api_key_id: string | null;
};

describe('demo world usage', () => {
  let rows: Row[] = [];
  beforeAll(async () => {
    const now = new Date();
    const r = await seedDemo(handle.db, { days: 75, now });
    expect(r.usageEvents).toBeGreaterThan(1000);
    rows = await queryRows<Row>(
      handle.db,
      sql`SELECT model_id, endpoint, status, image_count, characters, audio_minutes::text, request_count, input_tokens, cost::text, price::text,
                 markup_percent::text, markup_source, metadata, user_id, api_key_id
          FROM usage_events WHERE request_id LIKE 'demo-%'`,
    );
  }, 180_000);

  const byModel = (id: string) => rows.filter((r) => r.model_id === id && r.status === 'success');

  it('has one metered event per unit type, shaped as its endpoint meters it', () => {
    const images = byModel('openai-dall-e-3');
    const speech = byModel('openai-tts-1');
    const minutes = byModel('openai-whisper-1');
    const search = byModel('exa-search');
    for (const set of [images, speech, minutes, search]) expect(set.length).toBeGreaterThan(5);

    // dall-e-3: one image per request (OpenAI refuses n > 1), $0.04 each.
    for (const r of images) {
      expect(r).toMatchObject({ endpoint: 'images.generations', image_count: 1, request_count: 1, metadata: { n: 1, responseFormat: 'url' } });
      expect(dec(r.cost).equals(dec('0.04'))).toBe(true);
    }
    // tts-1: characters at $0.015 per 1,000.
    for (const r of speech) {
      expect(r).toMatchObject({ endpoint: 'audio.speech', request_count: 1 });
      expect(r.characters).toBeGreaterThan(0);
      expect(dec(r.cost).equals(dec('0.015').times(r.characters).dividedBy(1000))).toBe(true);
    }
    // whisper-1: the file's exact duration in minutes (never rounded up), $0.006 a minute.
    for (const r of minutes) {
      expect(r).toMatchObject({ endpoint: 'audio.transcriptions', request_count: 1, metadata: { durationSource: 'header' } });
      const seconds = r.metadata.audioSeconds as number;
      expect(dec(r.audio_minutes).times(60).minus(seconds).abs().lessThan('0.000001')).toBe(true);
      expect(dec(r.cost).minus(dec('0.006').times(seconds).dividedBy(60)).abs().lessThan('0.0000000001')).toBe(true);
    }
    // exa-search: one request, $0.001.
    for (const r of search) {
      expect(r).toMatchObject({ endpoint: 'search', request_count: 1, input_tokens: 0 });
      expect(dec(r.cost).equals(dec('0.001'))).toBe(true);
    }
  });

  it('prices every event as the gateway does: price = cost x (1 + markup), failures free, from the key that called', () => {
    for (const r of rows) {
      expect(dec(r.price).equals(dec(r.cost).times(dec(r.markup_percent).dividedBy(100).plus(1)))).toBe(true);
      expect(r.api_key_id).not.toBeNull();
      expect(r.user_id).not.toBeNull();
      if (r.status === 'error') expect([r.cost, r.price].map((x) => dec(x).isZero())).toEqual([true, true]);
    }
    // The provider markup override the demo sets (deepseek 55%) applies through the gateway's resolution.
    const deepseek = rows.filter((r) => r.model_id.startsWith('deepseek'));
    expect(deepseek.length).toBeGreaterThan(0);
    expect(deepseek.every((r) => dec(r.markup_percent).equals(55))).toBe(true);
    expect(new Set(rows.map((r) => r.endpoint))).toEqual(
      new Set(['chat.completions', 'embeddings', 'images.generations', 'audio.speech', 'audio.transcriptions', 'search']),
    );
  });

  it('still bills the demo history: invoices for the month before last', async () => {
    const r = await billDemoHistory(handle.db);
    expect(r.period).toBe(monthBeforeLast());
    expect(r.invoices).toBe(2);
    const [inv] = await queryRows<{ n: string | number; total: string }>(
      handle.db,
      sql`SELECT count(*) AS n, coalesce(sum(total_amount), 0)::text AS total FROM invoices WHERE period = ${r.period}`,
    );
    expect(Number(inv!.n)).toBe(2);
    expect(dec(inv!.total).greaterThan(0)).toBe(true);
  }, 120_000);
});
