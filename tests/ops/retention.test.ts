/**
 * Retention sweeps (lib/server/retention.ts): each deletes exactly the rows past their retention
 * and leaves the rest, on PGlite and PostgreSQL.
 */
import crypto from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../lib/db/client';
import { idempotencyKeys, loginAttempts, requestLogs } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { RETENTION_SWEEPS, runRetentionSweeps } from '../../lib/server/retention';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';

let h: DbHandle;
beforeAll(async () => {
  h = await testDb();
});

const DAY = 86_400_000;

describe('retention sweeps', () => {
  it('cover login attempts, request logs and idempotency keys', () => {
    expect(RETENTION_SWEEPS.map((s) => s.table).sort()).toEqual(['idempotency_keys', 'login_attempts', 'request_logs']);
  });

  it('delete what expired and keep what did not', async () => {
    const t = await createTenant(h.db);
    const tag = crypto.randomUUID().slice(0, 8);
    const now = Date.now();
    const [oldLog, freshLog] = await withPlatform(
      (tx) =>
        tx
          .insert(requestLogs)
          .values([
            { tenantId: t.id, requestId: `req_old_${tag}`, model: 'gpt-4.1-mini', requestBody: {}, expiresAt: new Date(now - DAY) },
            { tenantId: t.id, requestId: `req_new_${tag}`, model: 'gpt-4.1-mini', requestBody: {}, expiresAt: new Date(now + DAY) },
          ])
          .returning({ id: requestLogs.id }),
      h.db,
    );
    const [oldKey, freshKey] = await withPlatform(
      (tx) =>
        tx
          .insert(idempotencyKeys)
          .values([
            { tenantId: t.id, key: `old-${tag}`, requestHash: 'a'.repeat(64), requestId: `req_k1_${tag}`, expiresAt: new Date(now - 60_000) },
            { tenantId: t.id, key: `new-${tag}`, requestHash: 'b'.repeat(64), requestId: `req_k2_${tag}`, expiresAt: new Date(now + DAY) },
          ])
          .returning({ id: idempotencyKeys.id }),
      h.db,
    );
    const [oldAttempt, freshAttempt] = await withPlatform(
      (tx) =>
        tx
          .insert(loginAttempts)
          .values([
            { audience: 'tenant', email: `old-${tag}@retention.test`, success: false, reason: 'bad_credentials', createdAt: new Date(now - 400 * DAY) },
            { audience: 'tenant', email: `new-${tag}@retention.test`, success: false, reason: 'bad_credentials' },
          ])
          .returning({ id: loginAttempts.id }),
      h.db,
    );

    const deleted = await runRetentionSweeps();
    for (const table of ['login_attempts', 'request_logs', 'idempotency_keys']) expect(deleted[table]).toBeGreaterThanOrEqual(1);

    const left = await withPlatform(
      async (tx) => ({
        logs: (
          await tx
            .select({ id: requestLogs.id })
            .from(requestLogs)
            .where(inArray(requestLogs.id, [oldLog!.id, freshLog!.id]))
        ).map((r) => r.id),
        keys: (
          await tx
            .select({ id: idempotencyKeys.id })
            .from(idempotencyKeys)
            .where(inArray(idempotencyKeys.id, [oldKey!.id, freshKey!.id]))
        ).map((r) => r.id),
        attempts: (
          await tx
            .select({ id: loginAttempts.id })
            .from(loginAttempts)
            .where(inArray(loginAttempts.id, [oldAttempt!.id, freshAttempt!.id]))
        ).map((r) => r.id),
      }),
      h.db,
    );
    expect(left).toEqual({ logs: [freshLog!.id], keys: [freshKey!.id], attempts: [freshAttempt!.id] });
  });
});
