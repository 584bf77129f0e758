/**
 * The billing HTTP APIs through their route handlers with real sessions (governance's session
 * resolver injected): who may call what, thin handlers over the domain, downloads, and
 * tenant-facing responses that carry prices only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db } from '../../lib/db/client';
import { setSessionResolverForTests } from '../../lib/auth/session';
import { NON_MONEY_KEYS, assertNoCostLeak } from '../../lib/pricing/views';
import { dec, sum, toDbString } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { adminSession, createAdmin, tenantSession, useSession, type AdminRow } from '../governance/helpers';
import { dayIn, insertEvents, model, randomUsage, rng, type InsertedEvent } from './helpers';
import * as invoicesRoute from '../../app/api/admin/invoices/route';
import * as invoiceRoute from '../../app/api/admin/invoices/[id]/route';
import * as voidRoute from '../../app/api/admin/invoices/[id]/void/route';
import * as paidRoute from '../../app/api/admin/invoices/[id]/mark-paid/route';
import * as runRoute from '../../app/api/admin/billing/run/route';
import * as runsRoute from '../../app/api/admin/billing/runs/route';
import * as marginRoute from '../../app/api/admin/reports/margin/route';
import * as dashboardRoute from '../../app/api/admin/reports/dashboard/route';
import * as periodsRoute from '../../app/api/admin/periods/route';
import * as exportRoute from '../../app/api/admin/exports/[type]/route';
import * as reconRoute from '../../app/api/admin/reconciliation/route';
import * as entriesRoute from '../../app/api/admin/billing/entries/route';
import * as portalInvoicesRoute from '../../app/api/portal/invoices/route';
import * as portalInvoiceRoute from '../../app/api/portal/invoices/[id]/route';
import * as portalUsageRoute from '../../app/api/portal/usage/route';

const PERIOD = '2018-10';
const base = 'http://radiant.test';
let db: Db;
let admin: AdminRow;
let auditor: AdminRow;
let tenantA: { id: string; slug: string; events: InsertedEvent[]; owner: { id: string; email: string }; member: { id: string; email: string } };
let tenantB: { id: string; slug: string };

const params = <P>(p: P) => ({ params: Promise.resolve(p) });
const none = params({} as Record<string, never>);
const get = (path: string) => new Request(`${base}${path}`);
const post = (path: string, body: unknown) =>
  new Request(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

beforeAll(async () => {
  db = (await testDb()).db;
  admin = await createAdmin(db, 'admin');
  auditor = await createAdmin(db, 'auditor');
  const r = rng(77);
  const mk = async () => {
    const t = await createTenant(db, { monthlyBudget: '100' });
    const events = await insertEvents(
      db,
      Array.from({ length: 30 }, () => {
        const m = model(r() < 0.6 ? 'openai-gpt-4-1' : 'openai-dall-e-3');
        return { tenantId: t.id, modelId: m.id, at: dayIn(PERIOD, r), usage: randomUsage(m, r, 40), markupPercent: '40' };
      }),
    );
    return { t, events };
  };
  const a = await mk();
  const b = await mk();
  const owner = await createUser(db, a.t.id, { role: 'owner' });
  const member = await createUser(db, a.t.id, { role: 'member' });
  tenantA = { id: a.t.id, slug: a.t.slug, events: a.events, owner, member };
  tenantB = { id: b.t.id, slug: b.t.slug };
}, 60_000);

afterAll(() => setSessionResolverForTests(null));

describe('admin billing API', () => {
  it('refuses without a session (401) and for tenant sessions (403)', async () => {
    useSession(null);
    expect((await invoicesRoute.GET(get('/api/admin/invoices'), none)).status).toBe(401);
    useSession(tenantSession({ ...tenantA.owner, tenantId: tenantA.id, role: 'owner' }));
    expect((await invoicesRoute.GET(get('/api/admin/invoices'), none)).status).toBe(403);
  });

  it('runs billing, lists, downloads, voids and marks paid', async () => {
    useSession(adminSession(auditor));
    expect((await runRoute.POST(post('/api/admin/billing/run', { period: PERIOD, wait: true }), none)).status).toBe(403);

    useSession(adminSession(admin));
    expect((await runRoute.POST(post('/api/admin/billing/run', { period: '2999-01' }), none)).status).toBe(400);
    const res = await runRoute.POST(post('/api/admin/billing/run', { period: PERIOD, wait: true }), none);
    expect(res.status).toBe(202);
    const run = (await res.json()) as { status: string; invoicesCreated: number };
    expect(run.status).toBe('succeeded');
    expect(run.invoicesCreated).toBeGreaterThanOrEqual(2);

    const runs = (await (await runsRoute.GET(get(`/api/admin/billing/runs?period=${PERIOD}`), none)).json()) as unknown[];
    expect(runs.length).toBeGreaterThanOrEqual(1);

    useSession(adminSession(auditor));
    const list = (await (await invoicesRoute.GET(get(`/api/admin/invoices?period=${PERIOD}&tenantId=${tenantA.id}`), none)).json()) as {
      items: { id: string; total: string }[];
      total: number;
    };
    expect(list.total).toBe(1);
    const id = list.items[0]!.id;
    const detail = (await (await invoiceRoute.GET(get(`/api/admin/invoices/${id}`), params({ id }))).json()) as {
      total: string;
      usageCost: string;
      lines: { amount: string }[];
    };
    expect(sum(detail.lines.map((l) => l.amount)).toFixed(2)).toBe(detail.total);
    expect(dec(detail.usageCost).equals(sum(tenantA.events.map((e) => e.cost)))).toBe(true);

    const pdf = await invoiceRoute.GET(get(`/api/admin/invoices/${id}.pdf`), params({ id: `${id}.pdf` }));
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    const csv = await invoiceRoute.GET(get(`/api/admin/invoices/${id}?format=csv`), params({ id }));
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(await csv.text()).toContain('invoice_number,period');

    // Auditors read, they do not change.
    expect((await voidRoute.POST(post(`/api/admin/invoices/${id}/void`, { reason: 'test' }), params({ id }))).status).toBe(403);
    useSession(adminSession(admin));
    const voided = await voidRoute.POST(post(`/api/admin/invoices/${id}/void`, { reason: 'customer asked for a PO number' }), params({ id }));
    expect(voided.status).toBe(200);
    const v = (await voided.json()) as { voided: { status: string }; replacement: { id: string; total: string } };
    expect(v.voided.status).toBe('void');
    expect(v.replacement.total).toBe(detail.total);
    const again = await voidRoute.POST(post(`/api/admin/invoices/${id}/void`, { reason: 'twice' }), params({ id }));
    expect(again.status).toBe(409);
    const paid = await paidRoute.POST(post(`/api/admin/invoices/${v.replacement.id}/mark-paid`, { reference: 'SEPA 42' }), params({ id: v.replacement.id }));
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { status: string }).status).toBe('paid');
    const missing = await invoiceRoute.GET(
      get('/api/admin/invoices/00000000-0000-0000-0000-000000000000'),
      params({ id: '00000000-0000-0000-0000-000000000000' }),
    );
    expect(missing.status).toBe(404);
  });

  it('reports, periods, exports, reconciliation and entries', async () => {
    useSession(adminSession(auditor));
    const margin = (await (await marginRoute.GET(get(`/api/admin/reports/margin?period=${PERIOD}&groupBy=model&reconcile=true`), none)).json()) as {
      totals: { revenue: string; cost: string; margin: string };
      usageEvents: { matches: boolean };
    };
    expect(dec(margin.totals.revenue).minus(margin.totals.cost).equals(margin.totals.margin)).toBe(true);
    expect(margin.usageEvents.matches).toBe(true);
    expect((await marginRoute.GET(get('/api/admin/reports/margin?period=2018-13'), none)).status).toBe(400);
    const dash = (await (await dashboardRoute.GET(get(`/api/admin/reports/dashboard?days=31&until=${PERIOD}-31`), none)).json()) as {
      byDay: unknown[];
      topTenants: { id: string }[];
    };
    expect(dash.byDay.length).toBeGreaterThan(0);
    expect(dash.topTenants.some((t) => t.id === tenantA.id)).toBe(true);
    expect((await periodsRoute.GET(get('/api/admin/periods'), none)).status).toBe(200);

    const ex = await exportRoute.GET(get(`/api/admin/exports/invoices?period=${PERIOD}`), params({ type: 'invoices' }));
    expect(ex.status).toBe(200);
    expect(ex.headers.get('x-checksum-sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect((await exportRoute.GET(get(`/api/admin/exports/bogus?period=${PERIOD}`), params({ type: 'bogus' }))).status).toBe(400);

    // Auditors cannot propose adjustments; admins can.
    expect((await reconRoute.POST(post('/api/admin/reconciliation', { period: PERIOD, amount: '10', reason: 'fx rate' }), none)).status).toBe(403);
    useSession(adminSession(admin));
    const adj = await reconRoute.POST(post('/api/admin/reconciliation', { period: PERIOD, amount: '10', reason: 'fx rate' }), none);
    expect(adj.status).toBe(201);
    const big = await reconRoute.POST(post('/api/admin/reconciliation', { period: PERIOD, amount: '5000', reason: 'credit note' }), none);
    expect(big.status).toBe(202);
    const entry = await entriesRoute.POST(
      post('/api/admin/billing/entries', {
        book: 'revenue',
        tenantId: tenantA.id,
        kind: 'subscription',
        amount: '49.00',
        entryDate: `${PERIOD}-01`,
        description: 'Pro plan',
      }),
      none,
    );
    expect(entry.status).toBe(201);
    const bad = await entriesRoute.POST(
      post('/api/admin/billing/entries', {
        book: 'revenue',
        tenantId: tenantA.id,
        kind: 'credit',
        amount: '5',
        entryDate: `${PERIOD}-01`,
        description: 'wrong sign',
      }),
      none,
    );
    expect(bad.status).toBe(400);
  });
});

describe('portal billing API', () => {
  it('tenants see their own invoices and usage, price only', async () => {
    const forbidden = [toDbString(sum(tenantA.events.map((e) => e.cost))), toDbString(sum(tenantA.events.map((e) => dec(e.price).minus(e.cost))))];
    const ignoreKeys = [
      ...NON_MONEY_KEYS,
      'requests',
      'tokens',
      'inputTokens',
      'outputTokens',
      'cachedInputTokens',
      'totalTokens',
      'images',
      'characters',
      'quantity',
      'lineNo',
      'percentUsed',
    ];
    useSession(tenantSession({ ...tenantA.owner, tenantId: tenantA.id, role: 'owner' }));
    const list = (await (await portalInvoicesRoute.GET(get('/api/portal/invoices'), none)).json()) as { items: { id: string; status: string }[] };
    expect(list.items.length).toBe(2); // the voided one and its replacement
    assertNoCostLeak(list, forbidden, { ignoreKeys });
    for (const item of list.items) {
      const res = await portalInvoiceRoute.GET(get(`/api/portal/invoices/${item.id}`), params({ id: item.id }));
      expect(res.status).toBe(200);
      const body = await res.json();
      assertNoCostLeak(body, forbidden, { ignoreKeys });
      const pdf = await portalInvoiceRoute.GET(get(`/api/portal/invoices/${item.id}.pdf`), params({ id: `${item.id}.pdf` }));
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const csv = await portalInvoiceRoute.GET(get(`/api/portal/invoices/${item.id}.csv`), params({ id: `${item.id}.csv` }));
      expect((await csv.text()).split('\r\n')[0]).not.toMatch(/cost|markup|margin/i);
    }
    // Another tenant's invoice is not found.
    useSession(adminSession(admin));
    const bList = (await (await invoicesRoute.GET(get(`/api/admin/invoices?tenantId=${tenantB.id}`), none)).json()) as { items: { id: string }[] };
    const bId = bList.items[0]!.id;
    useSession(tenantSession({ ...tenantA.owner, tenantId: tenantA.id, role: 'owner' }));
    expect((await portalInvoiceRoute.GET(get(`/api/portal/invoices/${bId}`), params({ id: bId }))).status).toBe(404);

    const usage = await portalUsageRoute.GET(get(`/api/portal/usage?period=${PERIOD}`), none);
    expect(usage.status).toBe(200);
    const u = (await usage.json()) as { totals: { spend: string }; budget: { remaining: string } };
    expect(dec(u.totals.spend).equals(sum(tenantA.events.map((e) => e.price)))).toBe(true);
    assertNoCostLeak(u, forbidden, { ignoreKeys });

    // A member sees usage but not invoices; an admin session is not a tenant.
    useSession(tenantSession({ ...tenantA.member, tenantId: tenantA.id, role: 'member' }));
    expect((await portalUsageRoute.GET(get('/api/portal/usage'), none)).status).toBe(200);
    expect((await portalInvoicesRoute.GET(get('/api/portal/invoices'), none)).status).toBe(403);
    useSession(adminSession(admin));
    expect((await portalUsageRoute.GET(get('/api/portal/usage'), none)).status).toBe(403);
    useSession(null);
    expect((await portalUsageRoute.GET(get('/api/portal/usage'), none)).status).toBe(401);
  });
});
