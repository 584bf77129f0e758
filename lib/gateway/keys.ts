/**
 * API key management (portal and admin API): create (the key is shown ONCE; only its SHA-256 and
 * a short prefix are stored), list (prefix only, never the hash), revoke (effective immediately
 * in this process and, with Redis, in every instance; otherwise within the key cache TTL).
 *
 * Who may do what: tenant owners manage every key of their tenant; members manage the keys they
 * created (TENANT_PERMISSION_MATRIX keys.manage_all / keys.manage_own); administrators manage a
 * tenant's keys from the admin API. Every change is audited in the same transaction.
 */
import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client';
import { csvStreamResponse, type CsvColumn } from '../lists/csv-stream';
import { afterCursor, allPages, likePattern, listParamsSchema, toPage, type Page } from '../lists/keyset';
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

/** The keys list's parameters: the common list ones (q = name or prefix, sort = created | name,
 * dir, cursor, limit 25/50/100) plus the status a person sees (an active key past its expiry
 * counts as expired). */
export const apiKeyListParamsSchema = listParamsSchema(['created', 'name'] as const, 'created').extend({
  status: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['active', 'revoked', 'expired']).optional()).catch(undefined),
});
export type ApiKeyListParams = z.output<typeof apiKeyListParamsSchema>;

/** One keyset page of the keys the caller may manage: owners and admins every key of the tenant,
 * members their own. Read through withTenant (the app role: RLS) with the tenant filter as well.
 * A tenant can hold 100,000 keys: only the page is read (index on (tenant_id, created_at, id) or
 * (tenant_id, name, id), migration 0021). */
export async function apiKeysPage(q: Queryable, ctx: KeyManagementCtx, p: ApiKeyListParams): Promise<Page<ApiKeyView>> {
  const who = scopeOf(ctx);
  const conds: SQL[] = [eq(apiKeys.tenantId, ctx.tenantId)];
  if (!who.all) conds.push(eq(apiKeys.userId, who.userId!));
  const live = sql`(${apiKeys.expiresAt} IS NULL OR ${apiKeys.expiresAt} > now())`;
  if (p.status === 'active') conds.push(sql`${apiKeys.status} = 'active' AND ${live}`);
  else if (p.status === 'revoked') conds.push(eq(apiKeys.status, 'revoked'));
  else if (p.status === 'expired') conds.push(sql`(${apiKeys.status} = 'expired' OR (${apiKeys.status} = 'active' AND NOT ${live}))`);
  if (p.q) conds.push(or(ilike(apiKeys.name, likePattern(p.q)), ilike(apiKeys.keyPrefix, likePattern(p.q)))!);
  const byName = p.sort === 'name';
  const col = byName ? apiKeys.name : apiKeys.createdAt;
  const after = afterCursor(p.cursor, sql`${col}`, sql`${apiKeys.id}`, p.dir, byName ? 'text' : 'timestamptz');
  if (after) conds.push(after);
  const by = p.dir === 'asc' ? asc : desc;
  const rows = await q
    .select({ row: apiKeys, ck: byName ? sql<string>`${apiKeys.name}` : sql<string>`${apiKeys.createdAt}::text` })
    .from(apiKeys)
    .where(and(...conds))
    .orderBy(by(col), by(apiKeys.id))
    .limit(p.limit + 1);
  const page = toPage(rows, p.limit, (r) => [r.ck, r.row.id]);
  const now = Date.now();
  return { ...page, rows: page.rows.map((r) => view(r.row, now)) };
}

/** One page of the caller's keys (metadata only, never the hash). */
export async function listApiKeys({ ctx, input = {} }: { ctx: KeyManagementCtx; input?: Record<string, unknown> }): Promise<Page<ApiKeyView>> {
  const p = apiKeyListParamsSchema.parse(input);
  return withTenant(ctx.tenantId, (tx) => apiKeysPage(tx, ctx, p), ctx.db);
}

const API_KEY_CSV: CsvColumn<ApiKeyView>[] = [
  { header: 'id', value: (k) => k.id },
  { header: 'name', value: (k) => k.name },
  { header: 'prefix', value: (k) => k.prefix },
  { header: 'status', value: (k) => k.status },
  { header: 'scopes', value: (k) => k.scopes.join(' ') },
  { header: 'rate_limit_rpm', value: (k) => k.rateLimitRpm },
  { header: 'rate_limit_tpm', value: (k) => k.rateLimitTpm },
  { header: 'monthly_budget', value: (k) => k.monthlyBudget },
  { header: 'requests', value: (k) => k.usageCount },
  { header: 'last_used_at', value: (k) => k.lastUsedAt },
  { header: 'expires_at', value: (k) => k.expiresAt },
  { header: 'created_at', value: (k) => k.createdAt },
  { header: 'revoked_at', value: (k) => k.revokedAt },
];

/** Every key matching the list's filters as a streamed CSV (a page per transaction). */
export function apiKeysCsvResponse({ ctx, input = {} }: { ctx: KeyManagementCtx; input?: Record<string, unknown> }): Response {
  scopeOf(ctx);
  const p = apiKeyListParamsSchema.parse(input);
  return csvStreamResponse(
    allPages(
      (fn) => withTenant(ctx.tenantId, fn, ctx.db),
      { ...p, limit: 100 as const },
      (tx, params) => apiKeysPage(tx, ctx, params),
    ),
    API_KEY_CSV,
    'radiant-api-keys.csv',
    ctx.requestId ?? undefined,
  );
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
