/**
 * The usage read model (lib/billing/usage-read.ts) counts every event exactly once whether it
 * is still raw or already folded into the rollups, and the tenant list and detail read it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Db } from '../../lib/db/client';
import { withPlatform } from '../../lib/db/tenant';
import { rollupUsage } from '../../lib/billing/rollups';
import { tenantSpendSince, tenantUsageByDay, tenantUsageByModel, utcDay } from '../../lib/billing/usage-read';
import { getTenantDetail, listTenantsPage, tenantListParamsSchema } from '../../lib/admin-views/tenants';
import { ZERO, toDbString } from '../../lib/pricing/money';
import { getDashboard } from '../../lib/admin-views/dashboard';
import { exploreUsage, listUsageEventsAdmin, type UsageEventRow } from '../../lib/admin-views/usage';
import { setSessionResolverForTests } from '../../lib/auth/session';
import { parseCsv } from '../../lib/billing/csv';
import { adminSession, createAdmin, useSession } from '../governance/helpers';
import * as usageExport from '../../app/(admin)/admin/usage/export/route';
import { revenueDashboard } from '../../lib/billing/dashboard';
import { testDb } from '../support/db';
import { createTenant, uniqueSuffix } from '../support/factories';
import { insertEvents, type InsertedEvent } from './helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

const total = (es: InsertedEvent[], k: 'price' | 'cost') => toDbString(es.reduce((a, e) => a.plus(e[k]), ZERO));

describe('usage read model: rollups plus the unrolled tail', () => {
  it('gives the same figures before, after and across a rollup, and per tenant', async () => {
    const s = uniqueSuffix();
    const a = await createTenant(db, { name: `Readmodel A ${s}` });
    const b = await createTenant(db, { name: `Readmodel B ${s}` });
    const now = new Date();
    const today = utcDay(now);
    const monthStart = `${today.slice(0, 7)}-01`;
    const spec = (tenantId: string, modelId: string, status?: 'error') => ({
      tenantId,
      modelId,
      at: now,
      usage: { inputTokens: 1234, outputTokens: 321 },
      markupPercent: '40',
      ...(status ? { status } : {}),
    });
    const first = await insertEvents(db, [spec(a.id, 'openai-gpt-4-1-mini'), spec(a.id, 'openai-gpt-4-1-mini', 'error'), spec(a.id, 'openai-gpt-4o')]);
    const other = await insertEvents(db, [spec(b.id, 'openai-gpt-4o')]);

    const read = () =>
      withPlatform(
        async (tx) => ({
          spend: await tenantSpendSince(tx, [a.id, b.id], monthStart),
          days: await tenantUsageByDay(tx, a.id, today),
          models: await tenantUsageByModel(tx, a.id, today),
        }),
        db,
      );
    const check = async (events: InsertedEvent[]) => {
      const r = await read();
      expect(r.spend.get(a.id)).toBe(total(events, 'price'));
      expect(r.spend.get(b.id)).toBe(total(other, 'price'));
      expect(r.days).toEqual([
        {
          day: today,
          requests: events.length,
          errors: events.filter((e) => e.status === 'error').length,
          revenue: total(events, 'price'),
          cost: total(events, 'cost'),
        },
      ]);
      const mini = events.filter((e) => e.modelId === 'openai-gpt-4-1-mini');
      const byId = new Map(r.models.map((m) => [m.modelId, m]));
      expect(byId.get('openai-gpt-4-1-mini')).toMatchObject({ requests: mini.length, revenue: total(mini, 'price'), cost: total(mini, 'cost') });
      expect(r.models.reduce((n, m) => n + m.requests, 0)).toBe(events.length);
    };

    await check(first); // all raw
    await rollupUsage({ db, waitForLocked: true });
    await check(first); // all rolled up: counted once
    const late = await insertEvents(db, [spec(a.id, 'openai-gpt-4-1-mini')]);
    await check([...first, ...late]); // rolled plus tail

    // The tenant list and detail read the same figures.
    const page = await withPlatform((tx) => listTenantsPage(tx, tenantListParamsSchema.parse({ q: `Readmodel A ${s}` })), db);
    expect(page.rows.map((r) => [r.id, r.monthToDateSpend])).toEqual([[a.id, total([...first, ...late], 'price')]]);
    const detail = await withPlatform((tx) => getTenantDetail(tx, a.id), db);
    expect(detail.revenue30d).toBe(total([...first, ...late], 'price'));
    expect(detail.tenant.monthToDateSpend).toBe(total([...first, ...late], 'price'));
    expect(detail.usageByModel.reduce((n, m) => n + m.requests, 0)).toBe(4);
  });
});

describe('dashboard read model: the page and the report API agree, before and after a rollup', () => {
  it('counts each event once and tells the same figures to both', async () => {
    // A day of its own (random, long ago) so other files' events never fall into the window.
    const day = new Date(Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 360) * 86_400_000 + 12 * 3_600_000);
    const until = utcDay(day);
    const t = await createTenant(db, { name: `Dash ${uniqueSuffix()}` });
    const spec = (modelId: string, status?: 'error') => ({
      tenantId: t.id,
      modelId,
      at: day,
      usage: { inputTokens: 5000, outputTokens: 700 },
      markupPercent: '25',
      ...(status ? { status } : {}),
    });
    const events = await insertEvents(db, [spec('openai-gpt-4o'), spec('openai-gpt-4o'), spec('openai-gpt-4-1-mini', 'error')]);
    const read = async () => {
      const page = await withPlatform((tx) => getDashboard(tx, { days: 7, now: day }), db);
      const api = await revenueDashboard({ days: 7, until }, db);
      return { page, api };
    };
    const check = async () => {
      const { page, api } = await read();
      expect(page.totals).toMatchObject({ revenue: total(events, 'price'), cost: total(events, 'cost'), requests: 3, errors: 1 });
      expect(api.totals).toMatchObject({ revenue: total(events, 'price'), cost: total(events, 'cost'), requests: 3, errors: 1 });
      expect(page.series.day).toEqual([expect.objectContaining({ bucket: until, requests: 3, errors: 1, revenue: total(events, 'price') })]);
      expect(page.topTenants.map((x) => [x.tenantId, x.revenue])).toEqual([[t.id, total(events, 'price')]]);
      expect(api.topTenants.map((x) => [x.id, x.revenue])).toEqual([[t.id, total(events, 'price')]]);
      expect(page.topModels.map((m) => m.modelId).sort()).toEqual(['openai-gpt-4-1-mini', 'openai-gpt-4o']);
    };
    await check();
    await rollupUsage({ db, waitForLocked: true, today: until });
    await check();
  });
});

describe('admin usage explorer: aggregates from the rollups, requests as a keyset list', () => {
  it('keeps its totals across a rollup, pages the requests and streams the filtered CSV', async () => {
    const day = new Date(Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 360) * 86_400_000 + 6 * 3_600_000);
    const until = utcDay(day);
    const t = await createTenant(db, { name: `Explorer ${uniqueSuffix()}` });
    const specs = Array.from({ length: 120 }, (_, i) => ({
      tenantId: t.id,
      modelId: i % 4 === 0 ? 'openai-gpt-4o' : 'openai-gpt-4-1-mini',
      at: new Date(day.getTime() + i * 1000),
      usage: { inputTokens: 100 + i, outputTokens: 10 },
      markupPercent: '30',
      ...(i % 10 === 0 ? { status: 'error' as const } : {}),
    }));
    const events = await insertEvents(db, specs);
    const filters = { tenantId: t.id, from: until, to: until };
    const check = async () => {
      const u = await withPlatform((tx) => exploreUsage(tx, filters, { now: day }), db);
      expect(u.totals).toMatchObject({ requests: 120, errors: 12, revenue: total(events, 'price'), cost: total(events, 'cost') });
      expect(u.daily.map((d) => d.day)).toEqual([until]);
      expect(u.byModel.find((m) => m.modelId === 'openai-gpt-4o')?.requests).toBe(30);
      expect(u.events.rows).toHaveLength(50);
      expect(u.events.next).toBeTruthy();
      // A status filter reads the events themselves (the rollups do not carry it).
      const errors = await withPlatform((tx) => exploreUsage(tx, { ...filters, status: 'error' }, { now: day }), db);
      expect(errors.totals).toMatchObject({ requests: 12, errors: 12 });
    };
    await check();
    await rollupUsage({ db, waitForLocked: true, today: until });
    await check();

    const seen: UsageEventRow[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await withPlatform((tx) => listUsageEventsAdmin(tx, filters, cursor, 50, day), db);
      seen.push(...page.rows);
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen.map((r) => r.id)).size).toBe(120);
    expect(seen[0]!.createdAt >= seen[119]!.createdAt).toBe(true);

    const admin = await createAdmin(db, 'auditor');
    useSession(adminSession(admin));
    try {
      const res = await usageExport.GET(new Request(`http://radiant.test/admin/usage/export?tenantId=${t.id}&from=${until}&to=${until}&status=error`));
      expect(res.status).toBe(200);
      const csv = parseCsv(await res.text());
      expect(csv[0]).toContain('request_id');
      expect(csv.slice(1).filter((r) => r.length > 1)).toHaveLength(12);
    } finally {
      useSession(null);
      setSessionResolverForTests(null);
    }
  });
});
