/**
 * The two-person approval workflow against a real database (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set): self-approval refused by the app and by the database, roles per
 * type and risk, MFA requirement, concurrency, expiry, execution failure, rejection and
 * cancellation, and the audit trail of each transition.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../lib/db/client';
import { approvalRequests, markupOverrides, models, providers } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { ConflictError, ForbiddenError, ValidationError } from '../../lib/errors';
import { approveRequest, cancelRequest, expireStaleRequests, getRequest, listRequests, proposeChange, rejectRequest } from '../../lib/governance/approvals';
import { ExecutionFailedError, ExpiredError, MfaRequiredError, SelfApprovalError } from '../../lib/governance/errors';
import { addTestExecutor } from '../../lib/governance/executor-registry';
import { defineExecutor } from '../../lib/governance/executors';
import { testDb } from '../support/db';
import { adminById, approvalStatus, auditRowsFor, createAdmin, createTestCatalog, ctxOf, errorChainText, expireNow, type AdminRow } from './helpers';

// Test hosts (fake servers on loopback, .test names) allowed as an operator would (lib/platform/outbound.ts).
process.env.RADIANT_OUTBOUND_ALLOW = '127.0.0.1,localhost,llm.internal.test,example.test';

let db: Db;
let superAdmin: AdminRow;
let admin: AdminRow;
let admin2: AdminRow;
let operator: AdminRow;
let auditor: AdminRow;

beforeAll(async () => {
  db = (await testDb()).db;
  [superAdmin, admin, admin2, operator, auditor] = await Promise.all([
    createAdmin(db, 'super_admin'),
    createAdmin(db, 'admin'),
    createAdmin(db, 'admin'),
    createAdmin(db, 'operator'),
    createAdmin(db, 'auditor'),
  ]);
});

afterEach(() => {
  delete process.env.RADIANT_REQUIRE_MFA_FOR_APPROVAL;
});

async function proposeModelMarkup(by: AdminRow, modelId: string, markupPercent: string | number = '33.5') {
  return proposeChange({
    ctx: ctxOf(by),
    input: { action: 'markup.set_model', payload: { modelId, markupPercent, reason: 'test deal' }, rollbackPlan: 'clear it' },
  });
}

async function modelOverride(modelId: string) {
  return withPlatform(async (tx) => {
    const [row] = await tx
      .select()
      .from(markupOverrides)
      .where(and(eq(markupOverrides.scope, 'model'), eq(markupOverrides.modelId, modelId)));
    return row;
  }, db);
}

describe('propose -> approve executes the payload with its audit trail', () => {
  it('an operator proposes, a different admin approves: the markup applies and every step is audited', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId, 33.5);
    expect(req.status).toBe('pending');
    expect(req.type).toBe('billing_change');
    expect(req.riskLevel).toBe('medium');
    expect(req.payload).toMatchObject({ modelId, markupPercent: '33.5' });
    expect(req.impactAnalysis).toContain(modelId);
    expect(new Date(req.expiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect(await modelOverride(modelId)).toBeUndefined();

    const approverCtx = ctxOf(admin);
    const done = await approveRequest({ ctx: approverCtx, input: { id: req.id, notes: 'ok by me' } });
    expect(done.status).toBe('executed');
    expect(done.approvedBy?.id).toBe(admin.id);
    expect(done.approvalNotes).toBe('ok by me');
    expect(done.executedAt).not.toBeNull();

    const o = await modelOverride(modelId);
    expect(o?.markupPercent).toMatch(/^33\.50*$/);
    expect(o?.approvalRequestId).toBe(req.id);
    expect(o?.setBy).toBe(operator.id);

    const trail = await auditRowsFor(db, { resourceId: req.id });
    // approved and executed are written in one transaction (same timestamp): order-free check.
    expect(trail.map((r) => r.action).sort()).toEqual(['approval.approved', 'approval.executed', 'approval.proposed']);
    const byAction = new Map(trail.map((r) => [r.action, r]));
    expect(byAction.get('approval.proposed')!.actorId).toBe(operator.id);
    expect(byAction.get('approval.approved')!.actorId).toBe(admin.id);
    expect(byAction.get('approval.approved')!.ipAddress).toBe('203.0.113.7');
    expect(byAction.get('approval.approved')!.requestId).toBe(approverCtx.requestId);
    const change = (await auditRowsFor(db, { action: 'markup.set_model' })).find((r) => r.resourceId === `model:${modelId}`);
    expect(change).toBeDefined();
    expect(change!.oldValues).toBeNull();
    expect(change!.newValues).toMatchObject({ markupPercent: '33.5', reason: 'test deal' });
    expect((change!.metadata as Record<string, unknown>).approvalRequestId).toBe(req.id);
  });

  it('a second change records the old value', async () => {
    const { modelId } = await createTestCatalog(db);
    await approveRequest({ ctx: ctxOf(admin), input: { id: (await proposeModelMarkup(operator, modelId, '20')).id } });
    const second = await proposeModelMarkup(operator, modelId, '25');
    const detail = await getRequest({ ctx: ctxOf(admin), input: { id: second.id } });
    expect(detail.preview?.[0]?.before).toMatchObject({ markupPercent: '20' });
    expect(detail.preview?.[0]?.after).toMatchObject({ markupPercent: '25' });
    await approveRequest({ ctx: ctxOf(admin2), input: { id: second.id } });
    const rows = (await auditRowsFor(db, { action: 'markup.set_model' })).filter((r) => r.resourceId === `model:${modelId}`);
    expect(rows.at(-1)!.oldValues).toMatchObject({ markupPercent: '20' });
    expect(rows.at(-1)!.newValues).toMatchObject({ markupPercent: '25' });
  });

  it('invalid payloads and unknown actions are refused at proposal', async () => {
    const { modelId } = await createTestCatalog(db);
    await expect(proposeModelMarkup(operator, modelId, '-5')).rejects.toBeInstanceOf(ValidationError);
    await expect(proposeModelMarkup(operator, modelId, '12.34567')).rejects.toBeInstanceOf(ValidationError);
    await expect(proposeModelMarkup(operator, 'no-such-model')).rejects.toThrow(/does not exist/);
    await expect(proposeChange({ ctx: ctxOf(operator), input: { action: 'nope.nothing', payload: {} } })).rejects.toBeInstanceOf(ValidationError);
    await expect(
      proposeChange({ ctx: ctxOf(operator), input: { action: 'markup.set_model', type: 'deployment', payload: { modelId, markupPercent: 1, reason: 'x' } } }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('auditors cannot propose; operators and auditors cannot approve', async () => {
    const { modelId } = await createTestCatalog(db);
    await expect(proposeModelMarkup(auditor, modelId)).rejects.toBeInstanceOf(ForbiddenError);
    const req = await proposeModelMarkup(admin, modelId);
    await expect(approveRequest({ ctx: ctxOf(operator), input: { id: req.id } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(approveRequest({ ctx: ctxOf(auditor), input: { id: req.id } })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await approvalStatus(db, req.id)).toBe('pending');
  });

  it('a proposer may raise the risk but not lower it', async () => {
    const { modelId, providerId } = await createTestCatalog(db);
    const raised = await proposeChange({
      ctx: ctxOf(operator),
      input: { action: 'markup.set_model', riskLevel: 'critical', payload: { modelId, markupPercent: 10, reason: 'x' } },
    });
    expect(raised.riskLevel).toBe('critical');
    const lowered = await proposeChange({
      ctx: ctxOf(operator),
      input: { action: 'provider.set_base_url', riskLevel: 'low', payload: { providerId, apiBaseUrl: 'https://example.test/v1' } },
    });
    expect(lowered.riskLevel).toBe('critical');
  });
});

describe('two-person rule', () => {
  it('the initiator cannot approve their own request (app)', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(admin, modelId);
    await expect(approveRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toBeInstanceOf(SelfApprovalError);
    await expect(rejectRequest({ ctx: ctxOf(admin), input: { id: req.id, notes: 'no' } })).rejects.toBeInstanceOf(SelfApprovalError);
    expect(await approvalStatus(db, req.id)).toBe('pending');
    expect(await modelOverride(modelId)).toBeUndefined();
    const detail = await getRequest({ ctx: ctxOf(admin), input: { id: req.id } });
    expect(detail.eligibility.approve.allowed).toBe(false);
    expect(detail.eligibility.approve.reason).toMatch(/different administrator/);
    expect(detail.eligibility.cancel.allowed).toBe(true);
  });

  it('bypassing the app (a direct UPDATE as radiant_platform) is refused by the database', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(admin, modelId);
    const err = await withPlatform(
      (tx) => tx.execute(sql`UPDATE approval_requests SET status = 'executed', approved_by = initiated_by, approved_at = now() WHERE id = ${req.id}`),
      db,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(errorChainText(err)).toMatch(/different_approver/);
    const rejectErr = await withPlatform(
      (tx) => tx.execute(sql`UPDATE approval_requests SET status = 'rejected', rejected_by = initiated_by WHERE id = ${req.id}`),
      db,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(rejectErr)).toMatch(/different_rejecter/);
    expect(await approvalStatus(db, req.id)).toBe('pending');
  });

  it('the database keeps what was proposed immutable and finished requests final', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    const swap = await withPlatform((tx) => tx.execute(sql`UPDATE approval_requests SET payload = '{"modelId":"x"}'::jsonb WHERE id = ${req.id}`), db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(swap)).toMatch(/cannot be changed/);
    await approveRequest({ ctx: ctxOf(admin), input: { id: req.id } });
    const revive = await withPlatform((tx) => tx.execute(sql`UPDATE approval_requests SET status = 'pending' WHERE id = ${req.id}`), db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(revive)).toMatch(/final/);
    const del = await withPlatform((tx) => tx.execute(sql`DELETE FROM approval_requests WHERE id = ${req.id}`), db).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(del)).toMatch(/permission denied/);
  });
});

describe('who may approve which type and risk', () => {
  it('critical requests need a super_admin', async () => {
    const { providerId } = await createTestCatalog(db);
    const req = await proposeChange({
      ctx: ctxOf(operator),
      input: { action: 'provider.set_base_url', payload: { providerId, apiBaseUrl: 'http://127.0.0.1:9/v1' } },
    });
    expect(req.riskLevel).toBe('critical');
    await expect(approveRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toThrow(/super_admin/);
    const done = await approveRequest({ ctx: ctxOf(superAdmin), input: { id: req.id } });
    expect(done.status).toBe('executed');
    const [p] = await withPlatform((tx) => tx.select().from(providers).where(eq(providers.id, providerId)), db);
    expect(p!.apiBaseUrl).toBe('http://127.0.0.1:9/v1');
  });

  it('admin role changes: super_admin approves, never the subject; super_admin grants are critical', async () => {
    const subject = await createAdmin(db, 'operator');
    const req = await proposeChange({ ctx: ctxOf(admin), input: { action: 'admin.set_role', payload: { adminId: subject.id, role: 'admin' } } });
    expect(req.type).toBe('user_role_change');
    expect(req.riskLevel).toBe('high');
    await expect(approveRequest({ ctx: ctxOf(admin2), input: { id: req.id } })).rejects.toBeInstanceOf(ForbiddenError);
    await approveRequest({ ctx: ctxOf(superAdmin), input: { id: req.id } });
    expect((await adminById(db, subject.id)).role).toBe('admin');

    const promote = await proposeChange({ ctx: ctxOf(admin), input: { action: 'admin.set_role', payload: { adminId: superAdmin.id, role: 'operator' } } });
    await expect(approveRequest({ ctx: ctxOf(superAdmin), input: { id: promote.id } })).rejects.toThrow(/your own role/);
    expect(await approvalStatus(db, promote.id)).toBe('pending');

    const toSuper = await proposeChange({ ctx: ctxOf(admin), input: { action: 'admin.set_role', payload: { adminId: operator.id, role: 'super_admin' } } });
    expect(toSuper.riskLevel).toBe('critical');
  });
});

describe('MFA for approval (RADIANT_REQUIRE_MFA_FOR_APPROVAL)', () => {
  it('off (the demo default): an approver without MFA may approve', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: false }), input: { id: req.id } })).resolves.toMatchObject({ status: 'executed' });
  });

  it('on: the approver needs an MFA-verified session', async () => {
    process.env.RADIANT_REQUIRE_MFA_FOR_APPROVAL = 'true';
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: false }), input: { id: req.id } })).rejects.toBeInstanceOf(MfaRequiredError);
    expect(await approvalStatus(db, req.id)).toBe('pending');
    const detail = await getRequest({ ctx: ctxOf(admin, { mfa: false }), input: { id: req.id } });
    expect(detail.eligibility.approve.reason).toMatch(/MFA/);
    await expect(approveRequest({ ctx: ctxOf(admin, { mfa: true }), input: { id: req.id } })).resolves.toMatchObject({ status: 'executed' });
  });
});

describe('concurrency', () => {
  it('two simultaneous approvals apply the change once; the other gets ConflictError', async () => {
    let executions = 0;
    const removeExecutor = addTestExecutor(
      defineExecutor('test.slow_counter', {
        type: 'deployment',
        defaultRisk: 'low',
        validate: z.object({ modelId: z.string() }),
        async execute(tx, p) {
          executions += 1;
          // Hold the row lock long enough for the other approval to queue behind it.
          await tx.execute(sql`SELECT pg_sleep(0.3)`);
          await tx
            .update(models)
            .set({ qualityScore: sql`${models.qualityScore} + 1` })
            .where(eq(models.id, p.modelId));
          return [{ resourceType: 'model', resourceId: p.modelId, oldValues: null, newValues: { bumped: true } }];
        },
      }),
    );
    try {
      const { modelId } = await createTestCatalog(db);
      const req = await proposeChange({ ctx: ctxOf(operator), input: { action: 'test.slow_counter', payload: { modelId } } });
      const results = await Promise.allSettled([
        approveRequest({ ctx: ctxOf(admin), input: { id: req.id } }),
        approveRequest({ ctx: ctxOf(admin2), input: { id: req.id } }),
      ]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.reason).toBeInstanceOf(ConflictError);
      expect((failed[0]!.reason as Error).message).toMatch(/already executed/);
      expect(executions).toBe(1);
      const [m] = await withPlatform((tx) => tx.select().from(models).where(eq(models.id, modelId)), db);
      expect(m!.qualityScore).toBe(71);
      expect((await auditRowsFor(db, { resourceId: req.id })).filter((r) => r.action === 'approval.executed')).toHaveLength(1);
    } finally {
      removeExecutor();
    }
  });
});

describe('expiry', () => {
  it('a request past its expiry cannot be approved, and becomes expired', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expireNow(db, req.id);
    await expect(approveRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toBeInstanceOf(ExpiredError);
    expect(await approvalStatus(db, req.id)).toBe('expired');
    expect(await modelOverride(modelId)).toBeUndefined();
    await expect(approveRequest({ ctx: ctxOf(admin2), input: { id: req.id } })).rejects.toBeInstanceOf(ConflictError);
    expect((await auditRowsFor(db, { resourceId: req.id })).map((r) => r.action)).toContain('approval.expired');
  });

  it('the database refuses to execute an expired request even if the app is bypassed', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expireNow(db, req.id);
    const err = await withPlatform(
      (tx) => tx.execute(sql`UPDATE approval_requests SET status = 'executed', approved_by = ${admin.id}, approved_at = now() WHERE id = ${req.id}`),
      db,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorChainText(err)).toMatch(/expired/);
  });

  it('expireStaleRequests sweeps pending requests past expiry (and listing does it too)', async () => {
    const { modelId } = await createTestCatalog(db);
    const a = await proposeModelMarkup(operator, modelId);
    const b = await proposeModelMarkup(operator, modelId, '44');
    await expireNow(db, a.id);
    expect(await expireStaleRequests({ ctx: {} })).toBeGreaterThanOrEqual(1);
    expect(await approvalStatus(db, a.id)).toBe('expired');
    expect(await approvalStatus(db, b.id)).toBe('pending');
    await expireNow(db, b.id);
    const { rows: items } = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: operator.id, status: 'pending' } });
    expect(items.map((i) => i.id)).not.toContain(b.id);
    expect(await approvalStatus(db, b.id)).toBe('expired');
  });
});

describe('execution failure', () => {
  it('rolls the payload back and records the failure with its error', async () => {
    const removeExecutor = addTestExecutor(
      defineExecutor('test.half_then_fail', {
        type: 'deployment',
        defaultRisk: 'low',
        validate: z.object({ modelId: z.string(), internal: z.boolean() }),
        async execute(tx, p) {
          await tx.update(models).set({ enabled: true }).where(eq(models.id, p.modelId));
          if (p.internal) throw new Error('socket hang up: secret internals');
          throw new ValidationError('Target is in use');
        },
      }),
    );
    try {
      const { modelId } = await createTestCatalog(db);
      for (const internal of [false, true]) {
        const req = await proposeChange({ ctx: ctxOf(operator), input: { action: 'test.half_then_fail', payload: { modelId, internal } } });
        const err = await approveRequest({ ctx: ctxOf(admin), input: { id: req.id } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ExecutionFailedError);
        const [m] = await withPlatform((tx) => tx.select().from(models).where(eq(models.id, modelId)), db);
        expect(m!.enabled).toBe(false);
        const [row] = await withPlatform((tx) => tx.select().from(approvalRequests).where(eq(approvalRequests.id, req.id)), db);
        expect(row!.status).toBe('failed');
        expect(row!.approvedBy).toBe(admin.id);
        const result = row!.executionResult as { ok: boolean; error: string };
        expect(result.ok).toBe(false);
        if (internal) {
          expect(result.error).not.toMatch(/socket|secret/);
          expect(result.error).toMatch(/internal error/);
        } else expect(result.error).toBe('Target is in use');
        const actions = (await auditRowsFor(db, { resourceId: req.id })).map((r) => r.action);
        expect(actions).toEqual(['approval.proposed', 'approval.failed']);
        await expect(approveRequest({ ctx: ctxOf(admin2), input: { id: req.id } })).rejects.toBeInstanceOf(ConflictError);
      }
    } finally {
      removeExecutor();
    }
  });
});

describe('reject and cancel', () => {
  it('an approver rejects with notes; nothing is applied', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expect(rejectRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toBeInstanceOf(ValidationError);
    await expect(rejectRequest({ ctx: ctxOf(auditor), input: { id: req.id, notes: 'no' } })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await rejectRequest({ ctx: ctxOf(admin), input: { id: req.id, notes: 'too low' } });
    expect(r.status).toBe('rejected');
    expect(r.rejectedBy?.id).toBe(admin.id);
    expect(r.approvalNotes).toBe('too low');
    expect(await modelOverride(modelId)).toBeUndefined();
    await expect(approveRequest({ ctx: ctxOf(admin2), input: { id: req.id } })).rejects.toBeInstanceOf(ConflictError);
  });

  it('only the initiator cancels', async () => {
    const { modelId } = await createTestCatalog(db);
    const req = await proposeModelMarkup(operator, modelId);
    await expect(cancelRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toBeInstanceOf(ForbiddenError);
    const c = await cancelRequest({ ctx: ctxOf(operator), input: { id: req.id, notes: 'wrong model' } });
    expect(c.status).toBe('cancelled');
    await expect(approveRequest({ ctx: ctxOf(admin), input: { id: req.id } })).rejects.toBeInstanceOf(ConflictError);
    expect((await auditRowsFor(db, { resourceId: req.id })).map((r) => r.action)).toEqual(['approval.proposed', 'approval.cancelled']);
  });

  it('lists filter by status, type, risk and initiator', async () => {
    const { modelId } = await createTestCatalog(db);
    const who = await createAdmin(db, 'operator');
    const a = await proposeModelMarkup(who, modelId);
    const b = await proposeChange({ ctx: ctxOf(who), input: { action: 'model.set_enabled', payload: { modelId, enabled: true } } });
    await cancelRequest({ ctx: ctxOf(who), input: { id: b.id } });
    const all = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: who.id } });
    expect(all.rows.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    const pending = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: who.id, status: 'pending' } });
    expect(pending.rows.map((i) => i.id)).toEqual([a.id]);
    const byType = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: who.id, type: 'model_activation' } });
    expect(byType.rows.map((i) => i.id)).toEqual([b.id]);
    const byRisk = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: who.id, risk: 'medium' } });
    expect(byRisk.rows).toHaveLength(2);
    expect(all.rows[0]!.initiatedBy?.email).toBe(who.email);
  });

  it('pages by keyset in (created, id) and (expires, id) order: no duplicates or gaps among ties', async () => {
    const who = await createAdmin(db, 'operator');
    const at = new Date(Date.now() - 60_000);
    // 70 requests: 50 created in the same instant (ties), the rest a second apart; expiry reversed.
    await withPlatform(
      (tx) =>
        tx.insert(approvalRequests).values(
          Array.from({ length: 70 }, (_, i) => ({
            type: 'model_activation' as const,
            action: 'model.set_enabled',
            title: `keyset ${i % 2 ? 'odd' : 'even'} ${i}`,
            payload: {},
            initiatedBy: who.id,
            status: 'cancelled' as const,
            createdAt: i < 50 ? at : new Date(at.getTime() + (i - 49) * 1000),
            expiresAt: new Date(at.getTime() + 86_400_000 - i * 1000),
          })),
        ),
      db,
    );
    const walk = async (input: Record<string, string>) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 6; i++) {
        const page = await listRequests({ ctx: ctxOf(auditor), input: { initiatedBy: who.id, limit: '25', ...input, cursor } });
        seen.push(...page.rows.map((r) => r.title));
        if (!page.next) break;
        cursor = page.next;
      }
      return seen;
    };
    const newest = await walk({});
    expect(newest).toHaveLength(70);
    expect(new Set(newest).size).toBe(70);
    expect(newest[0]).toBe('keyset odd 69');
    const oldest = await walk({ dir: 'asc' });
    expect(new Set(oldest).size).toBe(70);
    expect(oldest.slice(-1)).toEqual(['keyset odd 69']);
    const soonest = await walk({ sort: 'expires', dir: 'asc' });
    expect(soonest.slice(0, 2)).toEqual(['keyset odd 69', 'keyset even 68']);
    expect(new Set(soonest).size).toBe(70);
    // Title search holds across pages.
    const odd = await walk({ q: 'keyset odd' });
    expect(odd).toHaveLength(35);
    expect(odd.every((t) => t.startsWith('keyset odd'))).toBe(true);
  });
});
