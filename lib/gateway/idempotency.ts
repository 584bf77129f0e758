/**
 * `Idempotency-Key` for POST requests (stored in idempotency_keys, per tenant, under RLS, 24 h).
 *
 *  - First request with a key: a row (key, SHA-256 of method + path + body, request id) is
 *    inserted before the work starts; the response (status, headers that matter, body; for a
 *    stream the SSE transcript) is stored when it completes.
 *  - Same key, same body, completed: the stored response is replayed (header
 *    `idempotent-replayed: true`), with no upstream call and no new usage event.
 *  - Same key, same body, still running: 409 `idempotency_request_in_progress`.
 *  - Same key, different body: 422 `idempotency_key_reused`.
 *  - A request that failed on our or the provider's side (5xx, 429), or whose client went away
 *    before the whole response, releases its key, so the client may retry with it.
 */
import crypto from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import { withPlatform, withTenant } from '../db/tenant';
import { GatewayError } from './errors';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface StoredResponse {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

export type IdempotencyOutcome = { kind: 'new'; hash: string } | { kind: 'replay'; requestId: string; response: StoredResponse };

export function requestHash(method: string, path: string, body: Buffer): string {
  return crypto.createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
}

export async function beginIdempotent(db: Db, tenantId: string, key: string, hash: string, requestId: string): Promise<IdempotencyOutcome> {
  if (key.length > 255) throw new GatewayError(400, 'invalid_idempotency_key', 'Idempotency-Key must be at most 255 characters', { param: 'Idempotency-Key' });
  return withTenant(
    tenantId,
    async (tx) => {
      const now = new Date();
      // An expired row for the same key is replaced.
      await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key), lt(idempotencyKeys.expiresAt, now)));
      const inserted = await tx
        .insert(idempotencyKeys)
        .values({ tenantId, key, requestHash: hash, requestId, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) })
        .onConflictDoNothing()
        .returning({ id: idempotencyKeys.id });
      if (inserted.length > 0) return { kind: 'new', hash } as const;
      const [row] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
      if (!row) throw new GatewayError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is in progress; retry later.');
      if (row.requestHash !== hash) {
        throw new GatewayError(
          422,
          'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request body. Use a new key for a different request.',
          { param: 'Idempotency-Key' },
        );
      }
      if (row.responseStatus === null || !row.responseBody) {
        throw new GatewayError(409, 'idempotency_request_in_progress', 'A request with this Idempotency-Key is still in progress; retry later.', {
          type: 'invalid_request_error',
        });
      }
      return { kind: 'replay', requestId: row.requestId, response: row.responseBody as StoredResponse } as const;
    },
    db,
  );
}

export async function completeIdempotent(db: Db, tenantId: string, key: string, response: StoredResponse): Promise<void> {
  await withTenant(
    tenantId,
    async (tx) => {
      if (response.status >= 500 || response.status === 429) {
        await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
        return;
      }
      await tx
        .update(idempotencyKeys)
        .set({ responseStatus: response.status, responseBody: response })
        .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key)));
    },
    db,
  );
}

/** Deletes expired idempotency keys (for the job scheduler). Returns the number deleted. */
export async function purgeExpiredIdempotencyKeys(db?: Db): Promise<number> {
  return withPlatform(async (tx) => {
    const rows = await tx
      .delete(idempotencyKeys)
      .where(lt(idempotencyKeys.expiresAt, sql`now()`))
      .returning({ id: idempotencyKeys.id });
    return rows.length;
  }, db);
}
