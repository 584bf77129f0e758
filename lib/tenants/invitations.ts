/**
 * Inviting people into a tenant: its first owner (from the console, when the tenant is created),
 * colleagues (by a tenant owner in the portal) or anyone for support (by an administrator).
 * Same rules as administrators' invitations (lib/governance/invitations.ts): a 32-byte token
 * that exists only in the link, its SHA-256 in the row, single use, 7 days, revocable; the link
 * is mailed when SMTP_URL is set and otherwise shown to the inviter. Accepting sets the person's
 * name and password and creates their portal login.
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../db/client';
import { TENANT_USER_ROLES, tenantInvitations, tenants, users } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { ConflictError, InvalidStateError, NotFoundError, ValidationError } from '../errors';
import { writeAudit } from '../platform/audit';
import { INVITATION_EXPIRY_DAYS, publicBaseUrl } from '../governance/config';
import { isAdminCtx, type PublicContext } from '../platform/context';
import { ExpiredError } from '../governance/errors';
import { hashInvitationToken, newInvitationToken } from '../governance/invitation-tokens';
import { getMailer } from '../governance/mailer';
import { hashPassword, passwordProblem } from '../governance/passwords';
import { logger } from '../observability/logger';
import { actorLabel, auditFields, authorize, onTenantPath, tenantOf, type TenantActor } from './actor';

export const tenantInviteSchema = z.object({
  email: z.email('enter an e-mail address').trim().toLowerCase().max(255),
  role: z.enum(TENANT_USER_ROLES),
});
export type TenantInviteInput = z.input<typeof tenantInviteSchema>;

export interface TenantInvitationView {
  id: string;
  email: string;
  role: (typeof TENANT_USER_ROLES)[number];
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string;
}

export interface TenantInviteResult {
  invitation: TenantInvitationView;
  /** Only when no SMTP server is configured: the link the mail would have carried. */
  acceptUrl: string | null;
  delivery: 'smtp' | 'log' | 'test';
}

type Row = typeof tenantInvitations.$inferSelect;

function view(r: Row, now = new Date()): TenantInvitationView {
  const status = r.status === 'pending' && r.expiresAt.getTime() <= now.getTime() ? 'expired' : r.status;
  return { id: r.id, email: r.email, role: r.role, status, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() };
}

/** Inserts the invitation inside the caller's transaction (tenant creation uses this too). */
export async function insertTenantInvitation(
  tx: Tx,
  ctx: TenantActor,
  tenantId: string,
  data: z.output<typeof tenantInviteSchema>,
): Promise<{ row: Row; token: string }> {
  // Logins are unique by e-mail across the platform: refuse an address that already signs in.
  // (A tenant user's transaction sees only its own tenant: inviteTenantUser checks the whole
  // platform first, outside this transaction; the unique index on users.email is the last word.)
  if (isAdminCtx(ctx)) await assertNoLogin(tx, data.email);
  await tx
    .update(tenantInvitations)
    .set({ status: 'expired' })
    .where(and(eq(tenantInvitations.tenantId, tenantId), eq(tenantInvitations.status, 'pending'), sql`${tenantInvitations.expiresAt} <= now()`));
  const token = newInvitationToken();
  const inserted = await tx
    .insert(tenantInvitations)
    .values({
      tenantId,
      email: data.email,
      role: data.role,
      tokenHash: hashInvitationToken(token),
      status: 'pending',
      invitedByAdmin: isAdminCtx(ctx) ? ctx.adminId : null,
      invitedByUser: isAdminCtx(ctx) ? null : ctx.userId,
      expiresAt: sql`now() + make_interval(days => ${INVITATION_EXPIRY_DAYS})`,
    })
    .onConflictDoNothing()
    .returning();
  const row = inserted[0];
  if (!row) throw new ConflictError(`An invitation for ${data.email} is already pending: revoke it to send a new one`, { details: { field: 'email' } });
  await writeAudit(tx, {
    ...auditFields(ctx, tenantId),
    action: 'tenant_invitation.created',
    resourceType: 'tenant_invitation',
    resourceId: row.id,
    newValues: { email: row.email, role: row.role, expiresAt: row.expiresAt },
  });
  return { row, token };
}

async function assertNoLogin(q: Tx, email: string): Promise<void> {
  const taken = await q
    .select({ id: users.id })
    .from(users)
    .where(and(sql`lower(${users.email}) = ${email}`, isNull(users.deletedAt)));
  if (taken.length) throw new ConflictError(`${email} already has a RADIANT portal login`, { details: { field: 'email' } });
}

/** Sends the invitation mail (or logs it); never fails the invitation. */
export async function deliverTenantInvitation({
  ctx,
  input: { tenantName, row, token },
  baseUrl,
}: {
  ctx: TenantActor;
  input: { tenantName: string; row: Row; token: string };
  baseUrl?: string;
}): Promise<Pick<TenantInviteResult, 'acceptUrl' | 'delivery'>> {
  const acceptUrl = `${publicBaseUrl(baseUrl)}/join/${token}`;
  const mailer = getMailer();
  const text = [
    `${actorLabel(ctx)} invited you to ${tenantName} on RADIANT as ${row.role}.`,
    '',
    `Accept the invitation and choose your password (valid ${INVITATION_EXPIRY_DAYS} days, single use):`,
    acceptUrl,
  ].join('\n');
  try {
    await mailer.send({ to: row.email, subject: `You are invited to ${tenantName} on RADIANT`, text });
  } catch (err) {
    logger.error({ err, requestId: ctx.requestId, to: row.email }, 'tenant invitation mail failed');
  }
  return { delivery: mailer.kind, acceptUrl: mailer.kind === 'smtp' ? null : acceptUrl };
}

/** `input.tenantId`: the tenant an administrator invites to (a tenant user's is their own). */
export async function inviteTenantUser({
  ctx,
  input,
  baseUrl,
}: {
  ctx: TenantActor;
  input: TenantInviteInput & { tenantId?: string };
  baseUrl?: string;
}): Promise<TenantInviteResult> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.manage', 'users.manage');
  const data = tenantInviteSchema.parse(input);
  // Platform-wide check first, in its own transaction (never nested in the tenant's one).
  if (!isAdminCtx(ctx)) await withPlatform((tx) => assertNoLogin(tx, data.email));
  const { row, token, name } = await onTenantPath(ctx, tenantId, async (tx) => {
    const [t] = await tx.select({ name: tenants.name, status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
    if (!t) throw new NotFoundError('No such tenant');
    if (t.status === 'cancelled') throw new InvalidStateError('This tenant is cancelled: nobody can be invited');
    return { ...(await insertTenantInvitation(tx, ctx, tenantId, data)), name: t.name };
  });
  return { invitation: view(row), ...(await deliverTenantInvitation({ ctx, input: { tenantName: name, row, token }, baseUrl })) };
}

export async function listTenantInvitations({ ctx, input }: { ctx: TenantActor; input?: { tenantId?: string } }): Promise<TenantInvitationView[]> {
  const tenantId = tenantOf(ctx, input);
  authorize(ctx, tenantId, 'tenants.read', 'users.manage');
  const rows = await onTenantPath(ctx, tenantId, (tx) =>
    tx.select().from(tenantInvitations).where(eq(tenantInvitations.tenantId, tenantId)).orderBy(desc(tenantInvitations.createdAt)).limit(200),
  );
  return rows.map((r) => view(r));
}

export type DescribedInvitation =
  { ok: true; email: string; role: string; tenantName: string; expiresAt: string } | { ok: false; reason: 'invalid' | 'accepted' | 'revoked' | 'expired' };

/** What the accept page shows for a token (no session: the token is the credential). */
export async function describeTenantInvitation(token: string): Promise<DescribedInvitation> {
  if (!token || token.length > 200) return { ok: false, reason: 'invalid' };
  const [row] = await withPlatform((tx) =>
    tx
      .select({ r: tenantInvitations, tenantName: tenants.name })
      .from(tenantInvitations)
      .innerJoin(tenants, eq(tenants.id, tenantInvitations.tenantId))
      .where(eq(tenantInvitations.tokenHash, hashInvitationToken(token))),
  );
  if (!row) return { ok: false, reason: 'invalid' };
  const v = view(row.r);
  if (v.status !== 'pending') return { ok: false, reason: v.status };
  return { ok: true, email: v.email, role: v.role, tenantName: row.tenantName, expiresAt: v.expiresAt };
}

export const acceptTenantInvitationSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1, 'enter your name').max(200),
  password: z.string().max(1024),
});

export async function acceptTenantInvitation({
  ctx,
  input,
}: {
  ctx: PublicContext;
  input: z.input<typeof acceptTenantInvitationSchema>;
}): Promise<{ userId: string; tenantId: string; email: string; role: string }> {
  const data = acceptTenantInvitationSchema.parse(input);
  const expired = Symbol('expired');
  const result = await withPlatform(async (tx) => {
    const [inv] = await tx
      .select({ r: tenantInvitations, expired: sql<boolean>`${tenantInvitations.expiresAt} <= now()`, tenantStatus: tenants.status })
      .from(tenantInvitations)
      .innerJoin(tenants, eq(tenants.id, tenantInvitations.tenantId))
      .where(eq(tenantInvitations.tokenHash, hashInvitationToken(data.token)))
      .for('update', { of: tenantInvitations });
    if (!inv) throw new NotFoundError('This invitation link is not valid');
    const r = inv.r;
    if (r.status === 'accepted') throw new ConflictError('This invitation has already been used: sign in instead');
    if (r.status === 'revoked') throw new InvalidStateError('This invitation was revoked');
    if (inv.tenantStatus === 'cancelled') throw new InvalidStateError('This organisation is no longer active');
    if (r.status === 'expired' || inv.expired === true || (inv.expired as unknown) === 't') {
      if (r.status === 'pending') await tx.update(tenantInvitations).set({ status: 'expired' }).where(eq(tenantInvitations.id, r.id));
      return expired;
    }
    const problem = passwordProblem(data.password, r.email);
    if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${r.email})`);
    if (taken) throw new ConflictError(`${r.email} already has a portal login: sign in instead`);
    const [user] = await tx
      .insert(users)
      .values({ tenantId: r.tenantId, email: r.email, name: data.name, role: r.role, passwordHash: await hashPassword(data.password), status: 'active' })
      .returning({ id: users.id });
    await tx.update(tenantInvitations).set({ status: 'accepted', acceptedAt: new Date(), acceptedUserId: user!.id }).where(eq(tenantInvitations.id, r.id));
    const m = { ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null, requestId: ctx.requestId ?? null };
    const actor = { type: 'tenant_user' as const, id: user!.id, email: r.email };
    await writeAudit(tx, {
      actor,
      ...m,
      tenantId: r.tenantId,
      action: 'tenant_invitation.accepted',
      resourceType: 'tenant_invitation',
      resourceId: r.id,
      oldValues: { status: 'pending' },
      newValues: { status: 'accepted' },
    });
    await writeAudit(tx, {
      actor,
      ...m,
      tenantId: r.tenantId,
      action: 'tenant_user.created',
      resourceType: 'user',
      resourceId: user!.id,
      newValues: { email: r.email, name: data.name, role: r.role, invitationId: r.id },
    });
    return { userId: user!.id, tenantId: r.tenantId, email: r.email, role: r.role };
  });
  if (result === expired) throw new ExpiredError('This invitation has expired: ask for a new one');
  return result;
}
