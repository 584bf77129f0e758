/**
 * The only two ways application code reaches data:
 *
 *   withTenant(tenantId, fn)  tenant work: a transaction as role radiant_app with
 *                             app.current_tenant_id set; RLS shows and accepts only that tenant.
 *   withPlatform(fn)          platform-admin and system work across tenants (admin console,
 *                             metering writer, billing): a transaction as role radiant_platform,
 *                             explicitly, never by leaving the tenant unset.
 *
 * Both settings are transaction-local (`set_config(..., true)`), so nothing leaks to the next
 * user of a pooled connection.
 */
import { sql } from 'drizzle-orm';
import { ValidationError } from '../errors';
import { getDbHandle, type Db, type Tx } from './client';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

async function resolveDb(db?: Db): Promise<Db> {
  return db ?? (await getDbHandle()).db;
}

export async function withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, db?: Db): Promise<T> {
  if (!isUuid(tenantId)) throw new ValidationError('tenant id must be a UUID', [{ path: 'tenantId', message: 'invalid uuid' }]);
  const database = await resolveDb(db);
  return database.transaction(async (tx) => {
    // One round trip: role and tenant together. set_config('role', ..., true) == SET LOCAL ROLE.
    await tx.execute(sql`select set_config('role', 'radiant_app', true), set_config('app.current_tenant_id', ${tenantId}, true)`);
    return fn(tx as unknown as Tx);
  });
}

export async function withPlatform<T>(fn: (tx: Tx) => Promise<T>, db?: Db): Promise<T> {
  const database = await resolveDb(db);
  return database.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'radiant_platform', true), set_config('app.current_tenant_id', '', true)`);
    return fn(tx as unknown as Tx);
  });
}

/** A transaction with NO role switch and NO tenant: only for tests that prove "no tenant set
 * means no rows" as radiant_app. Not for application code. */
export async function withAppRoleNoTenant<T>(fn: (tx: Tx) => Promise<T>, db?: Db): Promise<T> {
  const database = await resolveDb(db);
  return database.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'radiant_app', true)`);
    return fn(tx as unknown as Tx);
  });
}
