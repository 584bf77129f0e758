/**
 * The demo world loaded by `npm run db:seed` and by `npm start` on an empty database:
 * platform administrators (two, so the two-person rule can be shown, plus an operator and an
 * auditor), tenants "acme" and "globex" with users, API keys, a provider and a tenant markup
 * override, and ten weeks of priced usage across several models and providers.
 * Usage is priced by the same engine the gateway uses, at the markup in force at the time.
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { administrators, apiKeys, markupOverrides, tenantModelAccess, tenants, usageEvents, users } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { hashPassword } from '../governance/passwords';
import { generateApiKey, keyMaterialFrom } from '../gateway/key-material';
import { loadCatalog, loadPlatformOverrides, loadTenantOverrides } from '../catalog/repository';
import { resolveMarkup } from '../pricing/markup';
import { priceUsage } from '../pricing/price';
import { toDbString } from '../pricing/money';
import type { CatalogModel } from '../catalog/types';
import { DEMO_ACCOUNTS, demoPassword } from './accounts';

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

/** Models the demo traffic uses, by client name; missing ones are skipped. */
const DEMO_TRAFFIC_MODELS = [
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-5-mini',
  'claude-sonnet-4.5',
  'claude-haiku-4.5',
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'deepseek-chat',
  'mistral-large',
  'text-embedding-3-small',
  'dall-e-3',
  'llama-3.3-70b-instruct',
];

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

  return withPlatform(async (tx) => {
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

    // --- ten weeks of usage ------------------------------------------------------------------
    const trafficModels = DEMO_TRAFFIC_MODELS.map((n) => byName.get(n)).filter((m): m is CatalogModel => !!m && !m.costIsEstimated);
    const overrides = [...(await loadPlatformOverrides(tx)), ...(await loadTenantOverrides(tx, null))];
    const rows: (typeof usageEvents.$inferInsert)[] = [];
    const scale: Record<string, number> = { acme: 40, globex: 18 };
    for (const [slug, tenantId] of Object.entries(tenantIds)) {
      for (let d = days; d >= 0; d--) {
        const weekday = new Date(now.getTime() - d * 86_400_000).getUTCDay();
        const perDay = Math.round((scale[slug] ?? 10) * (weekday === 0 || weekday === 6 ? 0.4 : 1) * (0.7 + random() * 0.6));
        for (let i = 0; i < perDay; i++) {
          const model = trafficModels[Math.floor(random() * trafficModels.length)];
          if (!model) continue;
          const at = new Date(now.getTime() - d * 86_400_000 - Math.floor(random() * 86_400_000));
          if (at > now) continue;
          const isError = random() < 0.02;
          const usage = usageFor(model, random);
          const markup = resolveMarkup({ model, tenantId, overrides, at });
          const priced = priceUsage({ cost: model.cost, usage: isError ? {} : usage, markupPercent: markup.markupPercent });
          rows.push({
            tenantId,
            apiKeyId: keyIds[slug] ?? null,
            requestId: `demo-${crypto.randomUUID()}`,
            modelId: model.id,
            providerId: model.providerId,
            requestedModel: model.name,
            endpoint: model.category === 'embedding' ? 'embeddings' : model.category === 'image_generation' ? 'images' : 'chat.completions',
            inputTokens: isError ? 0 : (usage.inputTokens ?? 0),
            cachedInputTokens: isError ? 0 : (usage.cachedInputTokens ?? 0),
            outputTokens: isError ? 0 : (usage.outputTokens ?? 0),
            imageCount: isError ? 0 : (usage.images ?? 0),
            cost: toDbString(priced.cost.total),
            markupPercent: toDbString(markup.markupPercent),
            markupSource: markup.source,
            price: toDbString(priced.price),
            latencyMs: 200 + Math.floor(random() * 2400),
            status: isError ? 'error' : 'success',
            httpStatus: isError ? 502 : 200,
            errorCode: isError ? 'upstream_error' : null,
            createdAt: at,
          });
        }
      }
    }
    for (let i = 0; i < rows.length; i += 500) await tx.insert(usageEvents).values(rows.slice(i, i + 500));

    return { tenants: tenantIds, apiKeys: keys, usageEvents: rows.length };
  }, db);
}

function usageFor(model: CatalogModel, random: () => number) {
  if (model.cost.pricingType === 'per_image') return { images: 1 + Math.floor(random() * 2), requests: 1 };
  if (model.category === 'embedding') return { inputTokens: 200 + Math.floor(random() * 3000), requests: 1 };
  const inputTokens = 300 + Math.floor(random() * 6000);
  const cachedInputTokens = model.cost.cachedInputPer1k && random() < 0.3 ? Math.floor(inputTokens * 0.5) : 0;
  return { inputTokens, cachedInputTokens, outputTokens: 50 + Math.floor(random() * 1200), requests: 1 };
}
