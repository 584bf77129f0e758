/** GET /api/admin/pricing and /api/admin/pricing/:modelId through the real route handlers. */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/client';
import { GET as listPricing } from '../../app/api/admin/pricing/route';
import { GET as onePricing } from '../../app/api/admin/pricing/[modelId]/route';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { adminSession, createAdmin, tenantSession, useSession } from '../governance/helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});
afterEach(() => useSession(null));

const noParams = { params: Promise.resolve({}) } as never;

describe('admin pricing API', () => {
  it('lists every model with cost, markup and its source, price and margin, filterable', async () => {
    const auditor = await createAdmin(db, 'auditor');
    useSession(adminSession(auditor));
    const res = await listPricing(new Request('http://localhost/api/admin/pricing?provider=openai'), noParams);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: Array<{
        name: string;
        providerId: string;
        cost: Record<string, string>;
        price: Record<string, string>;
        markupPercent: string;
        markupSource: string;
      }>;
    };
    expect(body.items.length).toBeGreaterThan(3);
    expect(body.items.every((i) => i.providerId === 'openai')).toBe(true);
    const gpt41 = body.items.find((i) => i.name === 'gpt-4.1')!;
    expect([gpt41.cost.inputPer1M, gpt41.price.inputPer1M, gpt41.markupPercent, gpt41.markupSource]).toEqual(['2', '2.8', '40', 'default']);

    const one = await onePricing(new Request('http://localhost/api/admin/pricing/gpt-4.1'), { params: Promise.resolve({ modelId: 'gpt-4.1' }) } as never);
    expect(((await one.json()) as { price: { outputPer1M: string } }).price.outputPer1M).toBe('11.2');
  });

  it('answers 400 for bad filters, 404 for an unknown model, 401 without a session and 403 for tenants', async () => {
    const admin = await createAdmin(db, 'operator');
    useSession(adminSession(admin));
    const bad = await listPricing(new Request('http://localhost/api/admin/pricing?category=nonsense'), noParams);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('category');
    const missing = await onePricing(new Request('http://localhost/api/admin/pricing/nope'), { params: Promise.resolve({ modelId: 'nope' }) } as never);
    expect(missing.status).toBe(404);

    useSession(null);
    expect((await listPricing(new Request('http://localhost/api/admin/pricing'), noParams)).status).toBe(401);
    const t = await createTenant(db);
    const u = await createUser(db, t.id);
    useSession(tenantSession({ id: u.id, email: u.email, tenantId: t.id, role: 'owner' }));
    expect((await listPricing(new Request('http://localhost/api/admin/pricing'), noParams)).status).toBe(403);
  });
});
