/** The audit trail: written in the change's transaction, append-only through the app roles,
 * filters, CSV export, redaction. */
import { beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { auditLogs, tenants } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { ForbiddenError } from '../../lib/errors';
import { listAudit } from '../../lib/governance/audit';
import { parseCsv } from '../../lib/billing/csv';
import * as auditRoute from '../../app/api/admin/audit/route';
import { auditFields, writeAudit } from '../../lib/platform/audit';
import { testDb } from '../support/db';
import { createTenant, uniqueSuffix } from '../support/factories';
import { adminSession, createAdmin, ctxOf, errorChainText, useSession, type AdminRow } from './helpers';

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
    const page = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, limit: '25' } });
    expect(page.rows).toHaveLength(2);
    expect(page.next).toBeNull();
    await expect(listAudit({ ctx: ctxOf(operator), input: {} })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('pages in (time, id) order: entries written in the same instant neither repeat nor go missing', async () => {
    const actor = await createAdmin(db, 'admin');
    const at = new Date('2001-02-03T04:05:06.789Z');
    // 60 entries sharing one timestamp, 20 more a second later (ties are the hard case for keyset).
    await withPlatform(async (tx) => {
      await tx.insert(auditLogs).values(
        Array.from({ length: 80 }, (_, i) => ({
          actorType: 'admin' as const,
          actorId: actor.id,
          actorEmail: actor.email,
          action: i % 2 ? 'demo.odd' : 'demo.even',
          resourceType: 'tie',
          resourceId: String(i),
          createdAt: i < 60 ? at : new Date(at.getTime() + 1000),
        })),
      );
    }, db);
    for (const dir of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, dir, limit: '25', cursor } });
        seen.push(...page.rows.map((r) => r.resourceId!));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toHaveLength(80);
      expect(new Set(seen).size).toBe(80);
      // Newest first (the 20 later ones) descending; the tied 60 first ascending.
      const later = (x: string) => Number(x) >= 60;
      expect(seen.slice(0, 20).every(later)).toBe(dir === 'desc');
    }
    // A filter holds across pages too.
    const odd = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, action: 'demo.odd', limit: '25' } });
    const odd2 = await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, action: 'demo.odd', limit: '25', cursor: odd.next! } });
    expect([...odd.rows, ...odd2.rows].map((r) => r.action)).toEqual(Array(40).fill('demo.odd'));
    expect(odd2.next).toBeNull();
    // A garbled cursor restarts at page 1 rather than failing.
    expect((await listAudit({ ctx: ctxOf(auditor), input: { actor: actor.id, limit: '25', cursor: 'garbage' } })).rows).toHaveLength(25);
  });

  it('streams the whole filtered log as CSV through the route, quoted and formula-safe', async () => {
    const actor = await createAdmin(db, 'admin');
    await withPlatform(async (tx) => {
      await writeAudit(tx, { ...auditFields(ctxOf(actor)), action: 'demo.csv', resourceType: 'w', newValues: { v: 'x,y' } });
      await writeAudit(tx, { ...auditFields(ctxOf(actor)), action: '=cmd', resourceType: 'w' });
      await tx.insert(auditLogs).values(
        Array.from({ length: 230 }, (_, i) => ({
          actorType: 'admin' as const,
          actorId: actor.id,
          action: 'demo.bulk',
          resourceType: 'w',
          resourceId: String(i),
        })),
      );
    }, db);
    useSession(adminSession(auditor));
    try {
      const res = await auditRoute.GET(new Request(`http://radiant.test/api/admin/audit?format=csv&actor=${actor.id}`), { params: Promise.resolve({}) });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      const text = await res.text();
      const csv = parseCsv(text).filter((r) => r.length > 1);
      expect(csv[0]!.join(',')).toBe(
        'created_at,actor_type,actor_id,actor_email,tenant_id,action,resource_type,resource_id,old_values,new_values,ip_address,user_agent,request_id,metadata',
      );
      expect(csv).toHaveLength(1 + 232); // every entry, past the 100-row pages it is read in
      expect(text).toContain('"{""v"":""x,y""}"');
      expect(csv.some((r) => r[5] === "'=cmd")).toBe(true);
      // JSON: one page and the cursor of the next.
      const json = (await (
        await auditRoute.GET(new Request(`http://radiant.test/api/admin/audit?actor=${actor.id}&limit=100`), { params: Promise.resolve({}) })
      ).json()) as {
        items: unknown[];
        next: string | null;
      };
      expect(json.items).toHaveLength(100);
      expect(json.next).toBeTruthy();
    } finally {
      useSession(null);
    }
  });
});
