/**
 * The demo world loaded by `npm run db:seed` and by `npm start` on an empty database:
 * platform administrators (two, so the two-person rule can be shown, plus an operator and an
 * auditor), tenants "acme" and "globex" with users, API keys, a provider and a tenant markup
 * override, and ten weeks of priced usage across several models, providers and endpoints (chat,
 * embeddings, images, speech, transcription, search). The usage is metered through the gateway's
 * own path (lib/demo/traffic.ts: buildUsageEvent, then the metering writer's rows), after the
 * people and keys are committed.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { administrators, apiKeys, markupOverrides, tenantModelAccess, tenants, users } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { hashPassword } from '../governance/passwords';
import { generateApiKey, keyMaterialFrom } from '../gateway/key-material';
import { loadCatalog } from '../catalog/repository';
import { DEMO_ACCOUNTS, demoPassword } from './accounts';
import { meterDemoTraffic } from './traffic';

/** Deterministic PRNG (mulberry32) so every fresh demo looks the same. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEMO_TENANTS = [
  { slug: 'acme', name: 'Acme Corporation', tier: 3, monthlyBudget: '5000', billingEmail: 'billing@acme.test', taxRatePercent: '8.25' },
  { slug: 'globex', name: 'Globex Inc.', tier: 2, monthlyBudget: '1500', billingEmail: 'ap@globex.test', taxRatePercent: '0' },
] as const;

export interface DemoSeedResult {
  tenants: Record<string, string>;
  apiKeys: Record<string, string>;
  usageEvents: number;
}

export async function seedDemo(db: Db, options: { days?: number; now?: Date } = {}): Promise<DemoSeedResult> {
  const now = options.now ?? new Date();
  const days = options.days ?? 75; // all of last month and part of the one before, whatever today's date
  const passwordHash = await hashPassword(demoPassword());
  const random = rng(20261126);

  const seeded = await withPlatform(async (tx) => {
    // --- people -------------------------------------------------------------------------------
    const adminIds: Record<string, string> = {};
    for (const a of DEMO_ACCOUNTS) {
      if (a.kind !== 'admin') continue;
      const [row] = await tx
        .insert(administrators)
        .values({ email: a.email, name: a.name, role: a.role, passwordHash, status: 'active' })
        .onConflictDoNothing()
        .returning({ id: administrators.id });
      if (row) adminIds[a.email] = row.id;
      else {
        const [existing] = await tx.select({ id: administrators.id }).from(administrators).where(eq(administrators.email, a.email));
        adminIds[a.email] = existing!.id;
      }
    }
    const superAdmin = adminIds['admin@radiant.local']!;

    const tenantIds: Record<string, string> = {};
    for (const t of DEMO_TENANTS) {
      const [row] = await tx
        .insert(tenants)
        .values({ ...t })
        .onConflictDoNothing()
        .returning({ id: tenants.id });
      tenantIds[t.slug] = row ? row.id : (await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, t.slug)))[0]!.id;
    }

    const userIds: Record<string, string> = {};
    for (const a of DEMO_ACCOUNTS) {
      if (a.kind !== 'tenant') continue;
      const [row] = await tx
        .insert(users)
        .values({ tenantId: tenantIds[a.tenant]!, email: a.email, name: a.name, role: a.role, passwordHash })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (row) userIds[a.email] = row.id;
    }

    // --- API keys -----------------------------------------------------------------------------
    const keys: Record<string, string> = {};
    const keyIds: Record<string, string> = {};
    for (const slug of Object.keys(tenantIds)) {
      const material = slug === 'acme' && process.env.RADIANT_DEMO_API_KEY ? keyMaterialFrom(process.env.RADIANT_DEMO_API_KEY) : generateApiKey();
      const [row] = await tx
        .insert(apiKeys)
        .values({
          tenantId: tenantIds[slug]!,
          userId: userIds[`owner@${slug}.test`] ?? null,
          name: 'Production',
          keyPrefix: material.prefix,
          keyHash: material.hash,
        })
        .onConflictDoNothing()
        .returning({ id: apiKeys.id });
      if (row) {
        keys[slug] = material.key;
        keyIds[slug] = row.id;
      }
    }

    // --- markups: one provider override and one tenant+model override, to show resolution ------
    const catalog = await loadCatalog(tx);
    const byName = new Map(catalog.models.map((m) => [m.name, m]));
    if (catalog.providers.some((p) => p.id === 'deepseek')) {
      await tx
        .insert(markupOverrides)
        .values({
          scope: 'provider',
          providerId: 'deepseek',
          markupPercent: '55',
          reason: 'Very low base cost: a higher markup keeps the absolute margin worthwhile',
          setBy: superAdmin,
          setAt: new Date(now.getTime() - 40 * 86_400_000),
        })
        .onConflictDoNothing();
    }
    const acmeDeal = byName.get('claude-sonnet-4.5') ?? catalog.models.find((m) => m.cost.pricingType === 'per_token');
    if (acmeDeal) {
      await tx
        .insert(tenantModelAccess)
        .values({
          tenantId: tenantIds.acme!,
          modelId: acmeDeal.id,
          markupPercent: '30',
          markupReason: 'Annual commitment discount (contract ACME-2026-07)',
          markupSetBy: superAdmin,
          markupSetAt: new Date(now.getTime() - 60 * 86_400_000),
          markupExpiresAt: new Date(now.getTime() + 300 * 86_400_000),
        })
        .onConflictDoNothing();
    }

    return { tenants: tenantIds, apiKeys: keys };
  }, db);

  // --- ten weeks of usage, metered as the gateway meters (its own transactions) ----------------
  const usageEvents = await meterDemoTraffic(db, { now, days, tenantIds: seeded.tenants, random });
  return { ...seeded, usageEvents };
}
