/**
 * API keys: shown once, stored hashed, listed by prefix; revocation is effective at once even
 * for a key the gateway has cached; expiry; the portal and admin routes with their permissions;
 * every change audited; tenants cannot see or touch each other's keys.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { and, eq } from 'drizzle-orm';
import type { DbHandle } from '../../lib/db/client';
import { apiKeys, auditLogs } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { hashApiKey } from '../../lib/gateway/key-material';
import { createApiKey, listApiKeys, revokeApiKey } from '../../lib/gateway/keys';
import { invalidateApiKey } from '../../lib/gateway';
import { setSessionResolverForTests } from '../../lib/auth/session';
import { newAdminClaims, newTenantClaims } from '../../lib/auth/claims';
import * as portalKeys from '../../app/api/portal/keys/route';
import * as portalRevoke from '../../app/api/portal/keys/[id]/revoke/route';
import * as adminKeys from '../../app/api/admin/tenants/[id]/keys/route';
import * as adminRevoke from '../../app/api/admin/tenants/[id]/keys/[keyId]/revoke/route';
import { testDb } from '../support/db';
import { createTenant, createUser } from '../support/factories';
import { createAdmin } from '../governance/helpers';
import { newTenant, startFakeUpstream, startGateway, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake, { keyCacheTtlMs: 60_000 });
});
afterAll(async () => {
  setSessionResolverForTests(null);
  await g?.close();
  await fake?.close();
});
beforeEach(() => setSessionResolverForTests(null));

const chat = (client: OpenAI) => client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });

describe('key service', () => {
  it('shows the key once, stores only its hash, lists by prefix, audits', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const ctx = {
      tenantId: t.tenantId,
      actor: { type: 'tenant_user' as const, userId: t.userId, email: 'o@x.test', role: 'owner' as const },
      db: h.db,
      requestId: 'req-test-1',
    };
    const made = await createApiKey({ ctx, input: { name: 'CI', scopes: ['chat', 'chat'], rateLimitRpm: 50, monthlyBudget: '12.5', expiresInDays: 30 } });
    expect(made.key).toMatch(/^rk_live_[A-Za-z0-9_-]{43}$/);
    expect(made.apiKey.prefix).toBe(made.key.slice(0, 14));
    expect(made.apiKey.scopes).toEqual(['chat']);
    expect(made.apiKey.monthlyBudget).toBe('12.5');
    expect(JSON.stringify(made.apiKey)).not.toContain(made.key);
    const [row] = await withPlatform((tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, made.apiKey.id)), h.db);
    expect(row!.keyHash).toBe(hashApiKey(made.key));
    const list = (await listApiKeys({ ctx })).rows;
    expect(list.map((k) => k.id)).toContain(made.apiKey.id);
    for (const k of list) {
      expect(Object.keys(k)).not.toContain('keyHash');
      expect(JSON.stringify(k)).not.toContain(row!.keyHash);
    }
    const audit = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(auditLogs)
          .where(and(eq(auditLogs.resourceId, made.apiKey.id), eq(auditLogs.action, 'api_key.create'))),
      h.db,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.requestId).toBe('req-test-1');
    await expect(createApiKey({ ctx, input: { name: '' } })).rejects.toThrow(/Invalid API key settings/);
    await expect(createApiKey({ ctx, input: { name: 'x', scopes: ['admin'] } })).rejects.toThrow();
    await expect(createApiKey({ ctx, input: { name: 'x', expiresAt: '2001-01-01T00:00:00Z' } })).rejects.toThrow(/future/);
  });

  it('revocation takes effect at once for a key the gateway has cached', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await chat(t.client); // now cached (TTL 60 s in this file)
    await revokeApiKey({
      ctx: { tenantId: t.tenantId, actor: { type: 'tenant_user', userId: t.userId, email: null, role: 'owner' }, db: h.db },
      input: { id: t.keyId },
    });
    const err = await chat(t.client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('revoked');
  });

  it('an expired key is refused', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await chat(t.client);
    await withPlatform(
      (tx) =>
        tx
          .update(apiKeys)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where(eq(apiKeys.id, t.keyId)),
      h.db,
    );
    // Cached with its expiry: the cached record already knows when it expires, but here the
    // expiry moved, so the cache is told (as an admin edit would).
    const [row] = await withPlatform((tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, t.keyId)), h.db);
    invalidateApiKey(row!.keyHash);
    const err = await chat(t.client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('expired');
  });

  it('members manage only their own keys; billing users none; other tenants nothing', async () => {
    const t = await createTenant(h.db);
    const owner = await createUser(h.db, t.id, { role: 'owner' });
    const member = await createUser(h.db, t.id, { role: 'member' });
    const billing = await createUser(h.db, t.id, { role: 'billing' });
    const ctxOf = (u: { id: string }, role: 'owner' | 'member' | 'billing') => ({
      tenantId: t.id,
      actor: { type: 'tenant_user' as const, userId: u.id, email: null, role },
      db: h.db,
    });
    const ownerKey = await createApiKey({ ctx: ctxOf(owner, 'owner'), input: { name: 'owner key' } });
    const memberKey = await createApiKey({ ctx: ctxOf(member, 'member'), input: { name: 'member key' } });
    expect((await listApiKeys({ ctx: ctxOf(owner, 'owner') })).rows.map((k) => k.name).sort()).toEqual(['member key', 'owner key']);
    expect((await listApiKeys({ ctx: ctxOf(member, 'member') })).rows.map((k) => k.name)).toEqual(['member key']);
    await expect(revokeApiKey({ ctx: ctxOf(member, 'member'), input: { id: ownerKey.apiKey.id } })).rejects.toThrow(/No such API key/);
    await expect(listApiKeys({ ctx: ctxOf(billing, 'billing') })).rejects.toThrow(/cannot manage/);
    const other = await createTenant(h.db);
    const otherOwner = await createUser(h.db, other.id, { role: 'owner' });
    const otherCtx = { tenantId: other.id, actor: { type: 'tenant_user' as const, userId: otherOwner.id, email: null, role: 'owner' as const }, db: h.db };
    expect((await listApiKeys({ ctx: otherCtx })).rows).toEqual([]);
    await expect(revokeApiKey({ ctx: otherCtx, input: { id: memberKey.apiKey.id } })).rejects.toThrow(/No such API key/);
    const [still] = await withPlatform((tx) => tx.select().from(apiKeys).where(eq(apiKeys.id, memberKey.apiKey.id)), h.db);
    expect(still!.status).toBe('active');
  });
});

describe('portal and admin routes', () => {
  it('portal: create (201, key once), list, revoke; the gateway refuses the revoked key', async () => {
    const t = await createTenant(h.db);
    const u = await createUser(h.db, t.id, { role: 'owner' });
    setSessionResolverForTests(() => newTenantClaims({ userId: u.id, email: u.email, role: 'owner', tenantId: t.id }));
    const created = await portalKeys.POST(
      new Request('http://localhost/api/portal/keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from portal', scopes: ['chat', 'models'] }),
      }),
    );
    expect(created.status).toBe(201);
    const body = (await created.json()) as { key: string; apiKey: { id: string; prefix: string } };
    expect(body.key).toMatch(/^rk_live_/);
    const client = new OpenAI({ apiKey: body.key, baseURL: g.baseURL, maxRetries: 0 });
    await chat(client);
    const list = await portalKeys.GET(new Request('http://localhost/api/portal/keys'));
    const listed = (await list.json()) as { data: Array<{ id: string; prefix: string }> };
    expect(listed.data.map((k) => k.id)).toEqual([body.apiKey.id]);
    expect(JSON.stringify(listed)).not.toContain(body.key);
    const revoked = await portalRevoke.POST(new Request(`http://localhost/api/portal/keys/${body.apiKey.id}/revoke`, { method: 'POST' }), {
      params: Promise.resolve({ id: body.apiKey.id }),
    });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { status: string }).status).toBe('revoked');
    await expect(chat(client)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    // No session: 401; an admin session on a portal route: 403; cross-site write: 403.
    setSessionResolverForTests(() => null);
    expect((await portalKeys.GET(new Request('http://localhost/api/portal/keys'))).status).toBe(401);
    setSessionResolverForTests(() => newTenantClaims({ userId: u.id, email: u.email, role: 'owner', tenantId: t.id }));
    const xsite = await portalKeys.POST(
      new Request('http://localhost/api/portal/keys', { method: 'POST', headers: { origin: 'https://evil.example', host: 'localhost' }, body: '{"name":"x"}' }),
    );
    expect(xsite.status).toBe(403);
  });

  it('admin: list with tenants.read; create and revoke with tenants.keys, which operators lack', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const operator = await createAdmin(h.db, 'operator');
    const admin = await createAdmin(h.db, 'admin');
    const auditor = await createAdmin(h.db, 'auditor');
    const params = { params: Promise.resolve({ id: t.tenantId }) };
    setSessionResolverForTests(() => newAdminClaims({ userId: auditor.id, email: auditor.email, role: 'auditor', mfa: false }));
    const list = await adminKeys.GET(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys`), params);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);
    const denied = await adminKeys.POST(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys`, { method: 'POST', body: '{"name":"x"}' }), params);
    expect(denied.status).toBe(403);
    // An operator (who may only propose) cannot mint a live key or revoke one (issue 17).
    setSessionResolverForTests(() => newAdminClaims({ userId: operator.id, email: operator.email, role: 'operator', mfa: false }));
    const opMint = await adminKeys.POST(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys`, { method: 'POST', body: '{"name":"x"}' }), params);
    expect(opMint.status).toBe(403);
    const opRevoke = await adminRevoke.POST(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys/${t.keyId}/revoke`, { method: 'POST' }), {
      params: Promise.resolve({ id: t.tenantId, keyId: t.keyId }),
    });
    expect(opRevoke.status).toBe(403);
    await chat(t.client);
    setSessionResolverForTests(() => newAdminClaims({ userId: admin.id, email: admin.email, role: 'admin', mfa: false }));
    const made = await adminKeys.POST(
      new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys`, { method: 'POST', body: '{"name":"ops key","rateLimitRpm":10}' }),
      params,
    );
    expect(made.status).toBe(201);
    const { key } = (await made.json()) as { key: string };
    await chat(new OpenAI({ apiKey: key, baseURL: g.baseURL, maxRetries: 0 }));
    const res = await adminRevoke.POST(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys/${t.keyId}/revoke`, { method: 'POST' }), {
      params: Promise.resolve({ id: t.tenantId, keyId: t.keyId }),
    });
    expect(res.status).toBe(200);
    await expect(chat(t.client)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const audit = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(auditLogs)
          .where(and(eq(auditLogs.resourceId, t.keyId), eq(auditLogs.action, 'api_key.revoke'))),
      h.db,
    );
    expect(audit[0]!.actorType).toBe('admin');
    expect(audit[0]!.actorId).toBe(admin.id);
    // A tenant session never reaches the admin routes.
    setSessionResolverForTests(() => newTenantClaims({ userId: t.userId, email: 'o@x.test', role: 'owner', tenantId: t.tenantId }));
    expect((await adminKeys.GET(new Request(`http://localhost/api/admin/tenants/${t.tenantId}/keys`), params)).status).toBe(403);
    // Unknown tenant: 404.
    setSessionResolverForTests(() => newAdminClaims({ userId: admin.id, email: admin.email, role: 'admin', mfa: false }));
    const ghost = '00000000-0000-4000-8000-000000000000';
    const nf = await adminKeys.POST(new Request(`http://localhost/api/admin/tenants/${ghost}/keys`, { method: 'POST', body: '{"name":"x"}' }), {
      params: Promise.resolve({ id: ghost }),
    });
    expect(nf.status).toBe(404);
  });
});
