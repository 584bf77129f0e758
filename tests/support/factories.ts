/** Test factories: a fresh tenant (and what hangs off it) per test, written on the platform path. */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { apiKeys, models, tenants, usageEvents, users } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';

export function uniqueSuffix(): string {
  return crypto.randomBytes(5).toString('hex');
}

export async function createTenant(db: Db, overrides: Partial<typeof tenants.$inferInsert> = {}): Promise<typeof tenants.$inferSelect> {
  const suffix = uniqueSuffix();
  return withPlatform(async (tx) => {
    const [row] = await tx
      .insert(tenants)
      .values({ slug: `t-${suffix}`, name: `Tenant ${suffix}`, ...overrides })
      .returning();
    return row!;
  }, db);
}

export async function createUser(db: Db, tenantId: string, overrides: Partial<typeof users.$inferInsert> = {}) {
  return withPlatform(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ tenantId, email: `u-${uniqueSuffix()}@example.test`, role: 'owner', ...overrides })
      .returning();
    return row!;
  }, db);
}

export async function createApiKeyRow(db: Db, tenantId: string, overrides: Partial<typeof apiKeys.$inferInsert> = {}) {
  return withPlatform(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({
        tenantId,
        name: 'test key',
        keyPrefix: 'rk_test',
        keyHash: crypto.randomBytes(32).toString('hex'),
        ...overrides,
      })
      .returning();
    return row!;
  }, db);
}

/** Any enabled per-token chat model from the seeded catalog. */
export async function anyChatModel(db: Db) {
  return withPlatform(async (tx) => {
    const [row] = await tx.select().from(models).where(eq(models.pricingType, 'per_token')).limit(1);
    if (!row) throw new Error('catalog not seeded');
    return row;
  }, db);
}

/** Spend earlier this month, as if metered before (one gpt-4.1-mini usage event at `price`). */
export async function insertPriorSpend(db: Db, tenantId: string, price: string, at: Date = new Date()) {
  await withPlatform(
    (tx) =>
      tx.insert(usageEvents).values({
        tenantId,
        requestId: `prior_${crypto.randomUUID()}`,
        modelId: 'openai-gpt-4-1-mini',
        providerId: 'openai',
        markupPercent: '40',
        markupSource: 'default',
        cost: '0',
        price,
        createdAt: at,
      }),
    db,
  );
}
