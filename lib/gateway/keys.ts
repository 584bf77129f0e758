/**
 * API key management (portal and admin API): create (the key is shown ONCE; only its SHA-256 and
 * a short prefix are stored), list (prefix only, never the hash), revoke (effective immediately
 * in this process and, with Redis, in every instance; otherwise within the key cache TTL).
 *
 * Who may do what: tenant owners manage every key of their tenant; members manage the keys they
 * created (TENANT_PERMISSION_MATRIX keys.manage_all / keys.manage_own); administrators manage a
 * tenant's keys from the admin API. Every change is audited in the same transaction.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { API_KEY_SCOPES, apiKeys, tenants } from '../db/schema';
import { isUuid, withTenant } from '../db/tenant';
import { ForbiddenError, NotFoundError, ValidationError, fromZodIssues } from '../errors';
import { writeAudit, type AuditActor } from '../platform/audit';
import { nonNegativeAmountSchema } from '../pricing/optimizer';
import { invalidateApiKey } from './invalidation';
import { generateApiKey } from './key-material';

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Who is managing keys, for which tenant (always from the session, never from the body). */
export interface KeyManagementCtx {
  tenantId: string;
  actor:
    | { type: 'tenant_user'; userId: string; email: string | null; role: 'owner' | 'member' | 'billing' }
    | { type: 'admin'; adminId: string; email: string | null };
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  db?: Db;
}

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1, 'a name is required').max(100),
    scopes: z
      .array(z.enum(API_KEY_SCOPES))
      .min(1, 'at least one scope')
      .default([...API_KEY_SCOPES])
      .transform((s) => [...new Set(s)]),
    /** ISO date-time; or use expiresInDays. Omitted/null = never expires. */
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    rateLimitRpm: z.number().int().min(1).max(10_000_000).nullable().optional(),
    rateLimitTpm: z.number().int().min(1).max(2_000_000_000).nullable().optional(),
    /** Monthly spend cap on PRICE (USD decimal string or number); null = none. */
    monthlyBudget: nonNegativeAmountSchema.nullable().optional(),
  })
  .strict();

export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

/** What lists and responses show: never the hash, never the key (except once at creation). */
export const apiKeyViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    status: z.enum(['active', 'revoked', 'expired']),
    expiresAt: z.string().nullable(),
    rateLimitRpm: z.number().nullable(),
    rateLimitTpm: z.number().nullable(),
    monthlyBudget: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    usageCount: z.number(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    userId: z.string().nullable(),
  })
  .strict();

export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

type Row = typeof apiKeys.$inferSelect;

function view(r: Row, now = Date.now()): ApiKeyView {
  const expired = r.status === 'expired' || (r.status === 'active' && r.expiresAt !== null && r.expiresAt.getTime() <= now);
  return apiKeyViewSchema.parse({
    id: r.id,
    name: r.name,
    prefix: r.keyPrefix,
    scopes: r.scopes,
    status: r.status === 'revoked' ? 'revoked' : expired ? 'expired' : 'active',
    expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
    rateLimitRpm: r.rateLimitRpm,
    rateLimitTpm: r.rateLimitTpm,
    monthlyBudget: r.monthlyBudget,
    lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
    usageCount: Number(r.usageCount),
    createdAt: r.createdAt.toISOString(),
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
    userId: r.userId,
  });
}

function auditActor(ctx: KeyManagementCtx): AuditActor {
  return ctx.actor.type === 'admin'
    ? { type: 'admin', id: ctx.actor.adminId, email: ctx.actor.email }
    : { type: 'tenant_user', id: ctx.actor.userId, email: ctx.actor.email };
}

/** Owners and admins manage every key; members only their own; billing users none. */
function scopeOf(ctx: KeyManagementCtx): { all: boolean; userId: string | null } {
  if (!isUuid(ctx.tenantId)) throw new NotFoundError('No such tenant');
  if (ctx.actor.type === 'admin') return { all: true, userId: null };
  if (ctx.actor.role === 'owner') return { all: true, userId: ctx.actor.userId };
  if (ctx.actor.role === 'member') return { all: false, userId: ctx.actor.userId };
  throw new ForbiddenError('Your role cannot manage API keys');
}

export async function createApiKey({ ctx, input }: { ctx: KeyManagementCtx; input: unknown }): Promise<{ key: string; apiKey: ApiKeyView }> {
  const who = scopeOf(ctx);
  const parsed = createApiKeySchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid API key settings', fromZodIssues(parsed.error.issues));
  const i = parsed.data;
  const now = new Date();
  let expiresAt: Date | null = i.expiresAt ? new Date(i.expiresAt) : null;
  if (i.expiresInDays !== undefined) {
    if (expiresAt) throw new ValidationError('Give expiresAt or expiresInDays, not both', [{ path: 'expiresInDays', message: 'conflicts with expiresAt' }]);
    expiresAt = new Date(now.getTime() + i.expiresInDays * 86_400_000);
  }
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    throw new ValidationError('The expiry must be in the future', [{ path: 'expiresAt', message: 'must be in the future' }]);
  }
  const material = generateApiKey();
  const row = await withTenant(
    ctx.tenantId,
    async (tx) => {
      const [t] = await tx.select({ id: tenants.id, status: tenants.status }).from(tenants).where(eq(tenants.id, ctx.tenantId));
      if (!t) throw new NotFoundError('No such tenant');
      const [r] = await tx
        .insert(apiKeys)
        .values({
          tenantId: ctx.tenantId,
          userId: who.userId,
          name: i.name,
          keyPrefix: material.prefix,
          keyHash: material.hash,
          scopes: i.scopes,
          rateLimitRpm: i.rateLimitRpm ?? null,
          rateLimitTpm: i.rateLimitTpm ?? null,
          monthlyBudget: i.monthlyBudget ?? null,
          expiresAt,
        })
        .returning();
      await writeAudit(tx, {
        actor: auditActor(ctx),
        tenantId: ctx.tenantId,
        action: 'api_key.create',
        resourceType: 'api_key',
        resourceId: r!.id,
        newValues: {
          name: r!.name,
          prefix: r!.keyPrefix,
          scopes: r!.scopes,
          expiresAt,
          rateLimitRpm: r!.rateLimitRpm,
          rateLimitTpm: r!.rateLimitTpm,
          monthlyBudget: r!.monthlyBudget,
        },
        ip: ctx.ip ?? null,
        userAgent: ctx.userAgent ?? null,
        requestId: ctx.requestId ?? null,
      });
      return r!;
    },
    ctx.db,
  );
  return { key: material.key, apiKey: view(row) };
}

/** The caller's keys, newest first; `limit` caps a screen's list (a tenant with 100,000 keys sent
 * 36 MB to the portal's keys page). */
export async function listApiKeys({ ctx, input }: { ctx: KeyManagementCtx; input?: { limit?: number } }): Promise<ApiKeyView[]> {
  const who = scopeOf(ctx);
  const rows = await withTenant(
    ctx.tenantId,
    (tx) => {
      const q = tx
        .select()
        .from(apiKeys)
        .where(who.all ? eq(apiKeys.tenantId, ctx.tenantId) : and(eq(apiKeys.tenantId, ctx.tenantId), eq(apiKeys.userId, who.userId!)))
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return input?.limit ? q.limit(input.limit) : q;
    },
    ctx.db,
  );
  const now = Date.now();
  return rows.map((r) => view(r, now));
}

export async function revokeApiKey({ ctx, input }: { ctx: KeyManagementCtx; input: { id: string } }): Promise<ApiKeyView> {
  const who = scopeOf(ctx);
  if (!isUuid(input.id)) throw new NotFoundError('No such API key');
  const { row, hash } = await withTenant(
    ctx.tenantId,
    async (tx) => {
      const [cur] = await tx
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.id, input.id), eq(apiKeys.tenantId, ctx.tenantId)))
        .for('update');
      if (!cur || (!who.all && cur.userId !== who.userId)) throw new NotFoundError('No such API key');
      if (cur.status === 'revoked') return { row: cur, hash: cur.keyHash };
      const now = new Date();
      const [r] = await tx
        .update(apiKeys)
        .set({ status: 'revoked', revokedAt: now, updatedAt: now })
        .where(and(eq(apiKeys.id, cur.id), eq(apiKeys.tenantId, ctx.tenantId)))
        .returning();
      await writeAudit(tx, {
        actor: auditActor(ctx),
        tenantId: ctx.tenantId,
        action: 'api_key.revoke',
        resourceType: 'api_key',
        resourceId: cur.id,
        oldValues: { status: cur.status },
        newValues: { status: 'revoked' },
        ip: ctx.ip ?? null,
        userAgent: ctx.userAgent ?? null,
        requestId: ctx.requestId ?? null,
      });
      return { row: r!, hash: cur.keyHash };
    },
    ctx.db,
  );
  // After the commit: every gateway instance forgets the key now (Redis broadcast when configured).
  invalidateApiKey(hash);
  return view(row);
}
