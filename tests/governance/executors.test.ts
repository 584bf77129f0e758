/**
 * The built-in executors, each through propose -> approve, with the old and new values in the
 * audit trail. Catalog rows are test-only (createTestCatalog) so a shared database is not
 * disturbed; the global default markup is changed only inside a rolled-back transaction.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { markupOverrides, models, providers, tenantModelAccess, tenants } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { approveRequest, proposeChange } from '../../lib/governance/approvals';
import { BUILT_IN_ACTIONS } from '../../lib/governance/changes';
import { getExecutor, listExecutors } from '../../lib/governance/executor-registry';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';
import { auditRowsFor, createAdmin, createTestCatalog, ctxOf, type AdminRow } from './helpers';

// Test hosts (fake servers on loopback, .test names) allowed as an operator would (lib/platform/outbound.ts).
process.env.RADIANT_OUTBOUND_ALLOW = '127.0.0.1,localhost,llm.internal.test,example.test';

let db: Db;
let operator: AdminRow;
let approver: AdminRow;
let superAdmin: AdminRow;

beforeAll(async () => {
  db = (await testDb()).db;
  [operator, approver, superAdmin] = await Promise.all([createAdmin(db, 'operator'), createAdmin(db, 'admin'), createAdmin(db, 'super_admin')]);
});

async function run(action: string, payload: unknown, by = approver) {
  const req = await proposeChange({ ctx: ctxOf(operator), input: { action, payload } });
  const done = await approveRequest({ ctx: ctxOf(by), input: { id: req.id } });
  expect(done.status).toBe('executed');
  const changes = (await auditRowsFor(db, { action })).filter((r) => (r.metadata as Record<string, unknown>).approvalRequestId === req.id);
  return { req, done, changes };
}

describe('registry', () => {
  it('registers every built-in action with a zod schema, a type and a risk', () => {
    const actions = listExecutors().map((e) => e.action);
    for (const a of BUILT_IN_ACTIONS) expect(actions).toContain(a);
    for (const a of BUILT_IN_ACTIONS) {
      const e = getExecutor(a)!;
      expect(typeof e.validate.safeParse).toBe('function');
      expect(e.type).toBeTruthy();
      expect(e.defaultRisk).toBeTruthy();
    }
  });
});

describe('markup executors', () => {
  it('markup.set_provider then markup.clear', async () => {
    const { providerId } = await createTestCatalog(db);
    const set = await run('markup.set_provider', { providerId, markupPercent: '61.25', reason: 'premium support', expiresAt: '2099-01-01T00:00:00Z' });
    expect(set.changes[0]!.oldValues).toBeNull();
    expect(set.changes[0]!.newValues).toMatchObject({ markupPercent: '61.25', reason: 'premium support' });
    const [row] = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(markupOverrides)
          .where(and(eq(markupOverrides.scope, 'provider'), eq(markupOverrides.providerId, providerId))),
      db,
    );
    expect(row!.expiresAt?.toISOString()).toBe('2099-01-01T00:00:00.000Z');

    const cleared = await run('markup.clear', { scope: 'provider', providerId, reason: 'deal ended' });
    expect(cleared.changes[0]!.oldValues).toMatchObject({ markupPercent: '61.25' });
    expect(cleared.changes[0]!.newValues).toBeNull();
    const rows = await withPlatform((tx) => tx.select().from(markupOverrides).where(eq(markupOverrides.providerId, providerId)), db);
    expect(rows).toHaveLength(0);
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'markup.clear', payload: { scope: 'provider', providerId, reason: 'x' } } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('markup.set_tenant_model writes tenant_model_access on the platform path, visible to the tenant', async () => {
    const { modelId } = await createTestCatalog(db);
    const tenant = await createTenant(db);
    const { changes } = await run('markup.set_tenant_model', { tenantId: tenant.id, modelId, markupPercent: 12, reason: 'pilot' });
    expect(changes[0]!.tenantId).toBe(tenant.id);
    expect(changes[0]!.newValues).toMatchObject({ markupPercent: '12' });
    const seen = await withTenant(tenant.id, (tx) => tx.select().from(tenantModelAccess).where(eq(tenantModelAccess.modelId, modelId)), db);
    expect(seen[0]!.markupPercent).toMatch(/^12(\.0+)?$/);
    expect(seen[0]!.markupReason).toBe('pilot');

    const again = await run('markup.set_tenant_model', { tenantId: tenant.id, modelId, markupPercent: '15', reason: 'renewal' });
    expect(again.changes[0]!.oldValues).toMatchObject({ markupPercent: '12', reason: 'pilot' });
    const cleared = await run('markup.clear', { scope: 'tenant_model', tenantId: tenant.id, modelId, reason: 'over' });
    expect(cleared.changes[0]!.newValues).toBeNull();
    const after = await withTenant(tenant.id, (tx) => tx.select().from(tenantModelAccess).where(eq(tenantModelAccess.modelId, modelId)), db);
    expect(after[0]!.markupPercent).toBeNull();
  });

  it('markup.set_default changes the default row (checked in a rolled-back transaction: it is global)', async () => {
    const ex = getExecutor('markup.set_default')!;
    const payload = ex.validate.parse({ scope: 'default_self_hosted', markupPercent: '80', reason: 'GPU prices' });
    const rollback = new Error('rollback');
    const seen = await withPlatform(async (tx) => {
      const changes = await ex.execute(tx, payload, {
        request: {
          id: '00000000-0000-4000-8000-000000000000',
          type: 'billing_change',
          action: 'markup.set_default',
          title: 't',
          riskLevel: 'high',
          initiatedBy: operator.id,
        },
        approver: ctxOf(approver),
        now: new Date(),
        audit: async () => {},
      });
      const [row] = await tx
        .select()
        .from(markupOverrides)
        .where(and(eq(markupOverrides.scope, 'default_self_hosted'), isNull(markupOverrides.providerId), isNull(markupOverrides.modelId)));
      throw Object.assign(rollback, { result: { changes, row } });
    }, db).catch((e: { result?: unknown }) => e.result as { changes: { oldValues: unknown; newValues: unknown }[]; row: { markupPercent: string } });
    expect(seen.row.markupPercent).toMatch(/^80(\.0+)?$/);
    expect(seen.changes[0]!.newValues).toMatchObject({ markupPercent: '80' });
    expect(seen.changes[0]!.oldValues).toMatchObject({ markupPercent: expect.any(String) });
    expect(getExecutor('markup.set_default')!.defaultRisk).toBe('high');
  });

  it('an expiry in the past is refused', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeChange({
      ctx: ctxOf(operator),
      input: { action: 'markup.set_model', payload: { modelId, markupPercent: 5, reason: 'x', expiresAt: '2001-01-01T00:00:00Z' } },
    });
    await expect(approveRequest({ ctx: ctxOf(approver), input: { id: req.id } })).rejects.toThrow(/past/);
  });
});

describe('catalog, admin and tenant executors', () => {
  it('model.set_enabled', async () => {
    const { modelId } = await createTestCatalog(db);
    const { changes } = await run('model.set_enabled', { modelId, enabled: true, reason: 'ready' });
    expect(changes[0]).toMatchObject({ resourceType: 'model', resourceId: modelId, oldValues: { enabled: false }, newValues: { enabled: true } });
    const [m] = await withPlatform((tx) => tx.select().from(models).where(eq(models.id, modelId)), db);
    expect(m!.enabled).toBe(true);
  });

  it('provider.set_enabled and provider.set_base_url (critical: super_admin)', async () => {
    const { providerId } = await createTestCatalog(db);
    const on = await run('provider.set_enabled', { providerId, enabled: true });
    expect(on.changes[0]!.newValues).toEqual({ enabled: true });
    const url = await run('provider.set_base_url', { providerId, apiBaseUrl: 'https://llm.internal.test/v1' }, superAdmin);
    expect(url.changes[0]).toMatchObject({ oldValues: { apiBaseUrl: null }, newValues: { apiBaseUrl: 'https://llm.internal.test/v1' } });
    const [p] = await withPlatform((tx) => tx.select().from(providers).where(eq(providers.id, providerId)), db);
    expect(p!.enabled).toBe(true);
    expect(p!.apiBaseUrl).toBe('https://llm.internal.test/v1');
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'provider.set_base_url', payload: { providerId, apiBaseUrl: 'ftp://x' } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'provider.set_base_url', payload: { providerId, apiBaseUrl: 'https://u:p@x.test' } } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('tenant.set_tier', async () => {
    const tenant = await createTenant(db, { tier: 2 });
    const { changes } = await run('tenant.set_tier', { tenantId: tenant.id, tier: 4, reason: 'enterprise contract' });
    expect(changes[0]).toMatchObject({ resourceType: 'tenant', tenantId: tenant.id, oldValues: { tier: 2 }, newValues: { tier: 4 } });
    const [t] = await withPlatform((tx) => tx.select().from(tenants).where(eq(tenants.id, tenant.id)), db);
    expect(t!.tier).toBe(4);
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'tenant.set_tier', payload: { tenantId: tenant.id, tier: 6 } } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('admin.set_role (proposed by an admin, approved by a super_admin)', async () => {
    const subject = await createAdmin(db, 'auditor');
    const req = await proposeChange({ ctx: ctxOf(approver), input: { action: 'admin.set_role', payload: { adminId: subject.id, role: 'operator' } } });
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'admin.set_role', payload: { adminId: subject.id, role: 'operator' } } }),
    ).rejects.toThrow(/cannot propose/);
    const done = await approveRequest({ ctx: ctxOf(superAdmin), input: { id: req.id } });
    expect(done.status).toBe('executed');
    const rows = (await auditRowsFor(db, { action: 'admin.set_role' })).filter((r) => r.resourceId === subject.id);
    expect(rows[0]!.oldValues).toMatchObject({ role: 'auditor' });
    expect(rows[0]!.newValues).toMatchObject({ role: 'operator' });
  });
});
