/**
 * The portal's server-side lists at the lib level and through their routes: one keyset page at a
 * time, sorted and filtered on the server, the streamed CSV holding the whole filtered set, and
 * each tenant seeing only its own rows through the app role (withTenant: RLS). Prices only.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { type Db } from '../../lib/db/client';
import { usageEvents } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { setSessionResolverForTests } from '../../lib/auth/session';
import { currentPeriod } from '../../lib/billing/period';
import { listUsageEvents, usageEventParamsSchema, type PortalUsageEvent } from '../../lib/portal-views/usage';
import { parseCsv } from '../../lib/billing/csv';
import { testDb } from '../support/db';
import { createApiKeyRow, createTenant, createUser } from '../support/factories';
import { tenantSession, useSession } from '../governance/helpers';
import * as usageRequestsRoute from '../../app/api/portal/usage/requests/route';
import * as portalInvoicesRoute from '../../app/api/portal/invoices/route';
import * as adminInvoicesRoute from '../../app/api/admin/invoices/route';
import { invoices } from '../../lib/db/schema';
import { invoiceListParamsSchema, listInvoicesPage, type InvoiceListRow } from '../../lib/billing/invoice-list';
import { adminSession, createAdmin } from '../governance/helpers';
import { addMonths } from '../../lib/billing/period';
import { apiKeyListParamsSchema, apiKeysPage, listApiKeys, type KeyManagementCtx } from '../../lib/gateway/keys';
import * as portalKeysRoute from '../../app/api/portal/keys/route';
import { apiKeys } from '../../lib/db/schema';

let db: Db;
const base = 'http://radiant.test';
const none = { params: Promise.resolve({} as Record<string, never>) };

beforeAll(async () => {
  db = (await testDb()).db;
});
afterAll(() => setSessionResolverForTests(null));

/** `n` events for a tenant this month, a second apart, price = i (so price order = time order). */
async function events(tenantId: string, keyId: string | null, n: number, opts: { model?: string; status?: 'success' | 'error'; offset?: number } = {}) {
  const now = Date.now();
  await withPlatform(
    (tx) =>
      tx.insert(usageEvents).values(
        Array.from({ length: n }, (_, i) => ({
          tenantId,
          apiKeyId: keyId,
          requestId: `pl-${crypto.randomUUID()}`,
          modelId: opts.model ?? 'openai-gpt-4-1-mini',
          providerId: 'openai',
          inputTokens: 10,
          outputTokens: 5,
          cost: '0.5',
          markupPercent: '40',
          markupSource: 'default',
          price: `${(opts.offset ?? 0) + i + 1}.25`,
          status: opts.status ?? 'success',
          // Within this month even on its first second: spread backwards from now by at most a minute.
          createdAt: new Date(Math.max(now - (n - i) * 1000, Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) + i)),
        })),
      ),
    db,
  );
}

const P = (x: Record<string, string> = {}) => usageEventParamsSchema.parse(x);

describe('portal usage requests list', () => {
  it('pages, sorts, filters by key, model and status, and stays within the tenant', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const k1 = await createApiKeyRow(db, a.id, { name: 'alpha' });
    const k2 = await createApiKeyRow(db, a.id, { name: 'beta' });
    await events(a.id, k1.id, 30);
    await events(a.id, k2.id, 7, { model: 'openai-gpt-4o', offset: 100 });
    await events(a.id, k2.id, 3, { status: 'error', offset: 200 });
    await events(b.id, null, 5, { offset: 1000 });

    // Every row, page by page (25 per page): 40 rows, no duplicates, newest first.
    const seen: PortalUsageEvent[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, { ...P({ limit: '25' }), cursor }), db);
      seen.push(...page.rows);
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toHaveLength(40);
    expect(new Set(seen.map((r) => r.id)).size).toBe(40);
    const times = seen.map((r) => r.at);
    expect([...times].sort().reverse()).toEqual(times);
    // Price only: no cost column reaches the row, and the schema is strict.
    expect(seen.every((r) => !('cost' in r) && !('markupPercent' in r))).toBe(true);

    // Sorted by price, ascending, across a page boundary.
    const p1 = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ sort: 'price', dir: 'asc', limit: '25' })), db);
    const p2 = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, { ...P({ sort: 'price', dir: 'asc', limit: '25' }), cursor: p1.next! }), db);
    const prices = [...p1.rows, ...p2.rows].map((r) => r.price);
    expect(prices).toHaveLength(40);
    expect(prices.slice(0, 3)).toEqual(['1.25', '2.25', '3.25']);
    expect(prices.at(-1)).toBe('203.25');

    // Filters.
    const byKey = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ key: k2.id })), db);
    expect(byKey.rows).toHaveLength(10);
    expect(byKey.rows.every((r) => r.keyName === 'beta')).toBe(true);
    const byModel = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ model: 'openai-gpt-4o' })), db);
    expect(byModel.rows.map((r) => r.model)).toEqual(Array(7).fill('gpt-4o'));
    const errors = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ status: 'error', key: k2.id })), db);
    expect(errors.rows).toHaveLength(3);
    const lastMonth = await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ period: '2001-01' })), db);
    expect(lastMonth.rows).toEqual([]);

    // Isolation through the app role: tenant B's session asking for A's rows gets nothing (RLS),
    // and B's own list holds only B's five.
    const leak = await withTenant(b.id, (tx) => listUsageEvents(tx, a.id, P()), db);
    expect(leak.rows).toEqual([]);
    const own = await withTenant(b.id, (tx) => listUsageEvents(tx, b.id, P()), db);
    expect(own.rows).toHaveLength(5);
  });

  it('the route answers one page as JSON and streams the whole filtered set as CSV, for the session tenant only', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const owner = await createUser(db, a.id, { role: 'owner' });
    const k = await createApiKeyRow(db, a.id, { name: 'csv-key' });
    await events(a.id, k.id, 120);
    await events(a.id, null, 4, { offset: 500 });
    await events(b.id, null, 3);
    useSession(tenantSession({ ...owner, tenantId: a.id, role: 'owner' }));
    const page = await usageRequestsRoute.GET(new Request(`${base}/api/portal/usage/requests?limit=25&period=${currentPeriod()}`), none);
    expect(page.status).toBe(200);
    const body = (await page.json()) as { items: PortalUsageEvent[]; next: string | null };
    expect(body.items).toHaveLength(25);
    expect(body.next).toBeTruthy();
    const csv = await usageRequestsRoute.GET(new Request(`${base}/api/portal/usage/requests?format=csv&key=${k.id}`), none);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toContain('price');
    expect(rows.slice(1).filter((r) => r.length > 1)).toHaveLength(120);
    expect(rows[0]).not.toContain('cost');
    // A tenant id in the query is not a way in: the session's tenant decides.
    const mine = new Set((await withTenant(a.id, (tx) => listUsageEvents(tx, a.id, P({ limit: '100' })), db)).rows.map((r) => r.id));
    const other = await usageRequestsRoute.GET(new Request(`${base}/api/portal/usage/requests?tenant=${b.id}&limit=25`), none);
    const otherItems = ((await other.json()) as { items: PortalUsageEvent[] }).items;
    expect(otherItems).toHaveLength(25);
    expect(otherItems.filter((r) => !mine.has(r.id))).toEqual([]);
    expect(
      ((await (await usageRequestsRoute.GET(new Request(`${base}/api/portal/usage/requests?limit=100`), none)).json()) as { items: unknown[] }).items,
    ).toHaveLength(100);
    useSession(null);
    expect((await usageRequestsRoute.GET(new Request(`${base}/api/portal/usage/requests`), none)).status).toBe(401);
  });
});

/** `n` invoices for a tenant, one per month from 1991-01, total = 10 * (i + 1) + 0.5; every third
 * paid, the rest pending (the last a draft when asked). Created as drafts and issued, as the
 * invoice guard (migration 0005) demands. */
async function issue(tenantId: string, n: number, opts: { draftLast?: boolean } = {}) {
  await withPlatform(async (tx) => {
    const rows = await tx
      .insert(invoices)
      .values(
        Array.from({ length: n }, (_, i) => {
          const period = addMonths('1991-01', i);
          return {
            tenantId,
            period,
            periodStart: `${period}-01`,
            periodEnd: `${period}-28`,
            totalAmount: `${10 * (i + 1)}.50`,
            subtotal: `${10 * (i + 1)}.50`,
          };
        }),
      )
      .returning({ id: invoices.id, period: invoices.period });
    for (const [i, r] of rows.entries()) {
      if (opts.draftLast && i === n - 1) continue;
      await tx
        .update(invoices)
        .set({ status: 'pending', invoiceNumber: `T-${crypto.randomUUID().slice(0, 13)}`, issuedAt: new Date(Date.UTC(1991, i + 1, 2)) })
        .where(eq(invoices.id, r.id));
      if (i % 3 === 0)
        await tx
          .update(invoices)
          .set({ status: 'paid', paidAt: new Date(Date.UTC(1991, i + 1, 9)) })
          .where(eq(invoices.id, r.id));
    }
  }, db);
}

const IP = (x: Record<string, string> = {}) => invoiceListParamsSchema.parse(x);

describe('invoice lists', () => {
  it('portal: pages by period and by total, filters by status, never shows drafts or another tenant', async () => {
    const a = await createTenant(db, { name: `Inv A ${crypto.randomUUID().slice(0, 6)}` });
    const b = await createTenant(db);
    await issue(a.id, 30, { draftLast: true });
    await issue(b.id, 4);
    const seen: InvoiceListRow[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 3; i++) {
      const page = await withTenant(a.id, (tx) => listInvoicesPage(tx, a.id, { ...IP({ limit: '25' }), cursor }), db);
      seen.push(...page.rows);
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toHaveLength(29); // the draft is not the tenant's to see
    expect(seen[0]!.period).toBe(addMonths('1991-01', 28));
    expect(seen.every((r) => r.tenantId === a.id && r.status !== 'draft')).toBe(true);
    const byTotal = await withTenant(a.id, (tx) => listInvoicesPage(tx, a.id, IP({ sort: 'total', dir: 'asc', limit: '25' })), db);
    expect(byTotal.rows.slice(0, 3).map((r) => r.total)).toEqual(['10.5', '20.5', '30.5']);
    const next = await withTenant(a.id, (tx) => listInvoicesPage(tx, a.id, { ...IP({ sort: 'total', dir: 'asc', limit: '25' }), cursor: byTotal.next! }), db);
    expect(next.rows.map((r) => r.total)).toEqual(['260.5', '270.5', '280.5', '290.5']);
    const paid = await withTenant(a.id, (tx) => listInvoicesPage(tx, a.id, IP({ status: 'paid' })), db);
    expect(paid.rows).toHaveLength(10);
    // Through the app role another tenant's invoices are not there even when asked for by id.
    expect((await withTenant(b.id, (tx) => listInvoicesPage(tx, a.id, IP()), db)).rows).toEqual([]);
    expect((await withTenant(b.id, (tx) => listInvoicesPage(tx, b.id, IP()), db)).rows).toHaveLength(4);

    // The route's CSV holds the whole filtered set, for the session's tenant only.
    const owner = await createUser(db, a.id, { role: 'owner' });
    useSession(tenantSession({ ...owner, tenantId: a.id, role: 'owner' }));
    const csv = parseCsv(
      await (await portalInvoicesRoute.GET(new Request(`${base}/api/portal/invoices?format=csv&status=pending&tenant=${b.id}`), none)).text(),
    );
    expect(csv[0]).not.toContain('tenant');
    expect(csv.slice(1).filter((r) => r.length > 1)).toHaveLength(19);
    useSession(null);
  });

  it('console: every tenant, searched by tenant name, filtered by tenant and period; CSV streams the filtered set', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const a = await createTenant(db, { name: `Console inv ${tag} A` });
    const b = await createTenant(db, { name: `Console inv ${tag} B` });
    await issue(a.id, 60);
    await issue(b.id, 5);
    const all = await withPlatform((tx) => listInvoicesPage(tx, null, IP({ q: `Console inv ${tag}`, limit: '100' })), db);
    expect(all.rows).toHaveLength(65);
    const onlyB = await withPlatform((tx) => listInvoicesPage(tx, null, IP({ tenant: b.id })), db);
    expect(onlyB.rows.map((r) => r.tenantName)).toEqual(Array(5).fill(`Console inv ${tag} B`));
    const onePeriod = await withPlatform((tx) => listInvoicesPage(tx, null, IP({ q: `Console inv ${tag}`, period: '1991-03' })), db);
    expect(onePeriod.rows).toHaveLength(2);
    const admin = await createAdmin(db, 'auditor');
    useSession(adminSession(admin));
    const res = await adminInvoicesRoute.GET(new Request(`${base}/api/admin/invoices?format=csv&q=${encodeURIComponent(`Console inv ${tag}`)}`), none);
    expect(res.status).toBe(200);
    const csv = parseCsv(await res.text());
    expect(csv[0]).toEqual(['invoice', 'tenant', 'period', 'status', 'currency', 'total', 'issued_at', 'due_at', 'paid_at']);
    expect(csv.slice(1).filter((r) => r.length > 1)).toHaveLength(65);
    useSession(null);
  });
});

describe('portal API keys list', () => {
  it('pages a large key set by keyset (ties included), sorts, searches, filters by status, and keeps each tenant and member to their own', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    const owner = await createUser(db, a.id, { role: 'owner' });
    const member = await createUser(db, a.id, { role: 'member' });
    const at = new Date(Date.UTC(2020, 0, 1));
    // 120 keys: 80 created in the same instant (ties), 10 revoked, 10 past their expiry, 6 the member's.
    await withPlatform(
      (tx) =>
        tx.insert(apiKeys).values(
          Array.from({ length: 120 }, (_, i) => ({
            tenantId: a.id,
            userId: i < 6 ? member.id : owner.id,
            name: `key ${String(i).padStart(3, '0')}`,
            keyPrefix: `rk_live_${String(i).padStart(6, '0')}`,
            keyHash: crypto.randomBytes(32).toString('hex'),
            status: i >= 100 && i < 110 ? ('revoked' as const) : ('active' as const),
            expiresAt: i >= 110 ? new Date(Date.UTC(2021, 0, 1)) : null,
            createdAt: i < 80 ? at : new Date(at.getTime() + (i - 79) * 1000),
          })),
        ),
      db,
    );
    await createApiKeyRow(db, b.id, { name: 'key of another tenant' });
    const ownerCtx = {
      tenantId: a.id,
      actor: { type: 'tenant_user' as const, userId: owner.id, email: owner.email, role: 'owner' as const },
      db,
      requestId: 'r',
    };
    const walk = async (ctx: KeyManagementCtx, input: Record<string, string>) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await listApiKeys({ ctx, input: { limit: '25', ...input, ...(cursor ? { cursor } : {}) } });
        seen.push(...page.rows.map((k) => k.name));
        if (!page.next) break;
        cursor = page.next;
      }
      return seen;
    };
    for (const dir of ['desc', 'asc']) {
      const byCreated = await walk(ownerCtx, { dir });
      expect(byCreated).toHaveLength(120);
      expect(new Set(byCreated).size).toBe(120);
      expect(byCreated[dir === 'desc' ? 0 : 119]).toBe('key 119');
    }
    const byName = await walk(ownerCtx, { sort: 'name', dir: 'asc' });
    expect(byName).toEqual(Array.from({ length: 120 }, (_, i) => `key ${String(i).padStart(3, '0')}`));
    expect(await walk(ownerCtx, { status: 'revoked', sort: 'name', dir: 'asc' })).toEqual(Array.from({ length: 10 }, (_, i) => `key ${100 + i}`));
    expect(await walk(ownerCtx, { status: 'expired' })).toHaveLength(10);
    expect(await walk(ownerCtx, { status: 'active' })).toHaveLength(100);
    expect((await walk(ownerCtx, { q: 'rk_live_00001' })).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `key 01${i}`));
    expect(await walk(ownerCtx, { q: '100%' })).toEqual([]); // LIKE wildcards are literal
    // A member pages through their own keys only.
    const memberCtx = { ...ownerCtx, actor: { ...ownerCtx.actor, userId: member.id, role: 'member' as const } };
    expect((await walk(memberCtx, { sort: 'name', dir: 'asc' })).sort()).toEqual(['key 000', 'key 001', 'key 002', 'key 003', 'key 004', 'key 005']);
    // Through the app role (RLS) tenant B's session reads none of A's keys even when asked for them.
    const asB = await withTenant(b.id, (tx) => apiKeysPage(tx, ownerCtx, apiKeyListParamsSchema.parse({})), db);
    expect(asB.rows).toEqual([]);

    // The route: JSON pages and a CSV of the whole filtered set, the session's tenant only.
    useSession(tenantSession({ ...owner, tenantId: a.id, role: 'owner' }));
    try {
      const json = (await (await portalKeysRoute.GET(new Request(`${base}/api/portal/keys?limit=100`))).json()) as {
        data: { name: string }[];
        next: string | null;
      };
      expect(json.data).toHaveLength(100);
      expect(json.next).toBeTruthy();
      const csv = parseCsv(await (await portalKeysRoute.GET(new Request(`${base}/api/portal/keys?format=csv&status=active`))).text()).filter(
        (r) => r.length > 1,
      );
      expect(csv[0]).toEqual([
        'id',
        'name',
        'prefix',
        'status',
        'scopes',
        'rate_limit_rpm',
        'rate_limit_tpm',
        'monthly_budget',
        'requests',
        'last_used_at',
        'expires_at',
        'created_at',
        'revoked_at',
      ]);
      expect(csv).toHaveLength(101);
      expect(csv.map((r) => r[1])).not.toContain('key of another tenant');
      expect(JSON.stringify(csv)).not.toMatch(/key_hash|[0-9a-f]{64}/);
    } finally {
      useSession(null);
    }
  });
});
