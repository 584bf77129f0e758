/** The audit trail: written in the change's transaction, append-only through the app roles,
 * filters, CSV export, redaction. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { auditLogs, tenants } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { ForbiddenError } from '../../lib/errors';
import { auditRowsToCsv, csvCell, listAudit } from '../../lib/governance/audit';
import { auditFields, writeAudit } from '../../lib/platform/audit';
import { testDb } from '../support/db';
import { createTenant, uniqueSuffix } from '../support/factories';
import { createAdmin, ctxOf, errorChainText, type AdminRow } from './helpers';

let db: Db;
let auditor: AdminRow;
let operator: AdminRow;

beforeAll(async () => {
  db = (await testDb()).db;
  [auditor, operator] = await Promise.all([createAdmin(db, 'auditor'), createAdmin(db, 'operator')]);
});

async function refused(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'should have been refused').not.toBeNull();
  return errorChainText(e);
}

describe('writeAudit', () => {
  it('rolls back with the change it records (same transaction)', async () => {
    const t = await createTenant(db);
    const marker = `rollback-${uniqueSuffix()}`;
    await withPlatform(async (tx) => {
      await tx.update(tenants).set({ name: 'changed' }).where(eq(tenants.id, t.id));
      await writeAudit(tx, { ...auditFields(ctxOf(operator)), action: marker, resourceType: 'tenant', resourceId: t.id });
      throw new Error('abort');
    }, db).catch(() => {});
    const rows = await withPlatform((tx) => tx.select().from(auditLogs).where(eq(auditLogs.action, marker)), db);
    expect(rows).toHaveLength(0);
    const [row] = await withPlatform((tx) => tx.select().from(tenants).where(eq(tenants.id, t.id)), db);
    expect(row!.name).not.toBe('changed');
  });

  it('rows written through writeAudit cannot be updated or deleted by the app roles', async () => {
    const t = await createTenant(db);
    const { id } = await withPlatform((tx) => writeAudit(tx, { ...auditFields(ctxOf(operator)), action: 'test.append_only', resourceType: 'x' }), db);
    const { id: tid } = await withTenant(
      t.id,
      (tx) => writeAudit(tx, { actor: { type: 'tenant_user', id: null, email: 'u@x.test' }, tenantId: t.id, action: 'test.append_only', resourceType: 'x' }),
      db,
    );
    expect(await refused(withPlatform((tx) => tx.update(auditLogs).set({ action: 'tampered' }).where(eq(auditLogs.id, id)), db))).toMatch(
      /permission denied|append-only/,
    );
    expect(await refused(withPlatform((tx) => tx.delete(auditLogs).where(eq(auditLogs.id, id)), db))).toMatch(/permission denied|append-only/);
    expect(await refused(withTenant(t.id, (tx) => tx.update(auditLogs).set({ action: 'tampered' }).where(eq(auditLogs.id, tid)), db))).toMatch(
      /permission denied|append-only/,
    );
    expect(await refused(withTenant(t.id, (tx) => tx.delete(auditLogs).where(eq(auditLogs.id, tid)), db))).toMatch(/permission denied|append-only/);
    expect(await refused(withPlatform((tx) => tx.execute(sql`TRUNCATE audit_logs`), db))).toMatch(/permission denied|append-only/);
    // A tenant cannot write an audit row for another tenant.
    const other = await createTenant(db);
    expect(
      await refused(withTenant(t.id, (tx) => writeAudit(tx, { actor: { type: 'system' }, tenantId: other.id, action: 'test.forged', resourceType: 'x' }), db)),
    ).toMatch(/row-level security/);
    const [still] = await withPlatform((tx) => tx.select().from(auditLogs).where(eq(auditLogs.id, id)), db);
    expect(still!.action).toBe('test.append_only');
  });

  it('redacts secret-looking values', async () => {
    const { id } = await withPlatform(
      (tx) =>
        writeAudit(tx, {
          ...auditFields(ctxOf(operator)),
          action: 'test.redaction',
          resourceType: 'x',
          newValues: { password: 'hunter2', nested: { apiKey: 'sk-1', tokenHash: 'abc', name: 'ok' }, when: new Date('2026-01-01T00:00:00Z') },
        }),
      db,
    );
    const [row] = await withPlatform((tx) => tx.select().from(auditLogs).where(eq(auditLogs.id, id)), db);
    expect(row!.newValues).toEqual({
      password: '[redacted]',
      nested: { apiKey: '[redacted]', tokenHash: '[redacted]', name: 'ok' },
      when: '2026-01-01T00:00:00.000Z',
    });
  });
});

describe('reading the audit log', () => {
  it('filters by actor, action prefix, resource type and date range; only audit.read roles may read', async () => {
    const actor = await createAdmin(db, 'admin');
    const ctx = ctxOf(actor);
    const rid = uniqueSuffix();
    await withPlatform(async (tx) => {
      await writeAudit(tx, { ...auditFields(ctx), action: 'demo.first', resourceType: 'widget', resourceId: rid });
      await writeAudit(tx, { ...auditFields(ctx), action: 'demo.second', resourceType: 'gadget', resourceId: rid });
    }, db);
    const byActor = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.email } });
    expect(byActor.rows.map((r) => r.action).sort()).toEqual(['demo.first', 'demo.second']);
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, action: 'demo.first' } })).rows).toHaveLength(1);
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, action: 'demo.*' } })).rows).toHaveLength(2);
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, resourceType: 'gadget' } })).rows).toHaveLength(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, from: today, to: today } })).rows).toHaveLength(2);
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, to: '2000-01-01' } })).rows).toHaveLength(0);
    const page = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, limit: 1 } });
    expect(page.rows).toHaveLength(1);
    expect(page.hasMore).toBe(true);
    await expect(listAudit({ ctx: ctxOf(operator), input: {} })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('exports CSV with quoting and formula neutralising', async () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    const actor = await createAdmin(db, 'admin');
    await withPlatform((tx) => writeAudit(tx, { ...auditFields(ctxOf(actor)), action: 'demo.csv', resourceType: 'w', newValues: { v: 'x,y' } }), db);
    const { rows } = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id } });
    const csv = auditRowsToCsv(rows);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'created_at,actor_type,actor_id,actor_email,tenant_id,action,resource_type,resource_id,old_values,new_values,ip_address,user_agent,request_id,metadata',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(actor.email);
    expect(lines[1]).toContain('"{""v"":""x,y""}"');
  });
});
