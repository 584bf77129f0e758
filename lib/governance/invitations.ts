/**
 * Inviting administrators: a proposal (admin.invite) that a super_admin approves; the approval
 * creates the invitation. The token is 32 random bytes (base64url) that exist only in the
 * e-mailed link; the database keeps its SHA-256. An invitation is single use, expires after
 * 7 days and can be revoked; accepting it sets the new administrator's name and password.
 * An inviter may grant at most their own rank (only a super_admin invites a super_admin).
 */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { administrators, approvalRequests, invitations } from '../db/schema';
import { isUuid, withPlatform } from '../db/tenant';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../errors';
import { auditFields, writeAudit } from '../platform/audit';
import type { AdminContext, PublicContext } from '../platform/context';
import { proposeChange, type ApprovalView } from './approvals';
import { INVITATION_EXPIRY_DAYS } from './config';
import { hashInvitationToken } from './invitation-tokens';
import { ExpiredError } from './errors';
import { checkTotp, enableMfaInTransaction, setupMfaSecret } from './mfa';
import { hashPassword, passwordProblem } from './passwords';
import { ADMIN_ROLES, canGrantRole, hasPermission, type AdminRole } from './permissions';

export const inviteInputSchema = z.object({
  email: z.email().trim().toLowerCase().max(255),
  role: z.enum(ADMIN_ROLES),
  message: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().trim().max(2000).optional()),
});
export type InviteInput = z.input<typeof inviteInputSchema>;

export interface InvitationView {
  id: string;
  email: string;
  role: AdminRole;
  message: string | null;
  status: 'pending' | 'accepted' | 'expired' | 'revoked';
  invitedBy: { id: string | null; email: string | null; name: string | null };
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface InviteResult {
  /** The proposal: a super_admin (not the proposer) approves it; only then the link exists. */
  approval: ApprovalView;
}

type InvitationRow = typeof invitations.$inferSelect;

function effectiveStatus(r: InvitationRow, now = new Date()): InvitationView['status'] {
  return r.status === 'pending' && r.expiresAt.getTime() <= now.getTime() ? 'expired' : r.status;
}

function view(r: InvitationRow, inviter: { email: string | null; name: string | null }): InvitationView {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    message: r.message,
    status: effectiveStatus(r),
    invitedBy: { id: r.invitedBy, ...inviter },
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    acceptedAt: r.acceptedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Proposes inviting an administrator (approval action admin.invite, lib/governance/changes/
 * invitations.ts). Nothing usable exists until a super_admin other than the proposer approves:
 * the invitation and its link are created by the approval, so one person cannot invite a second
 * identity of their own and satisfy the two-person rule alone.
 */
export async function inviteAdmin({
  ctx,
  input,
}: {
  ctx: AdminContext;
  input: InviteInput;
  /** Unused since invitations are approvals (kept for callers); links use RADIANT_PUBLIC_URL. */
  baseUrl?: string;
}): Promise<InviteResult> {
  if (!hasPermission(ctx.role, 'admins.invite')) throw new ForbiddenError(`Your role (${ctx.role}) cannot invite administrators`);
  const data = inviteInputSchema.parse(input);
  if (!canGrantRole(ctx.role, data.role)) {
    throw new ForbiddenError(`A ${ctx.role} cannot invite a ${data.role}`, { details: { field: 'role' } });
  }
  await withPlatform(async (tx) => {
    const [existing] = await tx
      .select({ id: administrators.id })
      .from(administrators)
      .where(and(sql`lower(${administrators.email}) = ${data.email}`, isNull(administrators.deletedAt)));
    if (existing) throw new ConflictError(`${data.email} is already an administrator`);
    const [live] = await tx
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(sql`lower(${invitations.email}) = ${data.email}`, eq(invitations.status, 'pending'), sql`${invitations.expiresAt} > now()`));
    if (live) throw new ConflictError(`An invitation for ${data.email} is already pending: revoke it to send a new one`);
    const [proposed] = await tx
      .select({ id: approvalRequests.id })
      .from(approvalRequests)
      .where(
        and(
          eq(approvalRequests.action, 'admin.invite'),
          eq(approvalRequests.status, 'pending'),
          sql`${approvalRequests.expiresAt} > now()`,
          sql`lower(${approvalRequests.payload}->>'email') = ${data.email}`,
        ),
      );
    if (proposed) throw new ConflictError(`An invitation for ${data.email} is already waiting for approval`);
  });
  const approval = await proposeChange({
    ctx,
    input: {
      action: 'admin.invite',
      payload: { email: data.email, role: data.role, ...(data.message ? { message: data.message } : {}) },
      title: `Invite ${data.email} as ${data.role}`,
      impactAnalysis: `${data.email} gets a single-use link (valid ${INVITATION_EXPIRY_DAYS} days) to become ${data.role}; the link is created and sent only when a super_admin approves.`,
      rollbackPlan: 'Revoke the invitation (Administrators > Invitations) or, once accepted, propose admin.deactivate.',
    },
  });
  return { approval };
}

export async function revokeInvitation({ ctx, input }: { ctx: AdminContext; input: { id: string } }): Promise<InvitationView> {
  if (!hasPermission(ctx.role, 'admins.invite')) throw new ForbiddenError(`Your role (${ctx.role}) cannot revoke invitations`);
  if (!isUuid(input.id)) throw new NotFoundError('No such invitation');
  return withPlatform(async (tx) => {
    const [row] = await tx.select().from(invitations).where(eq(invitations.id, input.id)).for('update');
    if (!row) throw new NotFoundError('No such invitation');
    if (row.status !== 'pending') throw new ConflictError(`This invitation is already ${row.status}`);
    const [updated] = await tx
      .update(invitations)
      .set({ status: 'revoked', revokedAt: new Date(), revokedBy: ctx.adminId })
      .where(eq(invitations.id, row.id))
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'invitation.revoked',
      resourceType: 'invitation',
      resourceId: row.id,
      oldValues: { status: row.status },
      newValues: { status: 'revoked', email: row.email, role: row.role },
    });
    const [inviter] = row.invitedBy
      ? await tx.select({ email: administrators.email, name: administrators.name }).from(administrators).where(eq(administrators.id, row.invitedBy))
      : [];
    return view(updated!, inviter ?? { email: null, name: null });
  });
}

const inviterT = alias(administrators, 'inviter');

export async function listInvitations({ ctx, input = {} }: { ctx: AdminContext; input?: { status?: string } }): Promise<InvitationView[]> {
  if (!hasPermission(ctx.role, 'admins.read')) throw new ForbiddenError('Your role cannot list invitations');
  const rows = await withPlatform((tx) =>
    tx
      .select({ r: invitations, email: inviterT.email, name: inviterT.name })
      .from(invitations)
      .leftJoin(inviterT, eq(inviterT.id, invitations.invitedBy))
      .orderBy(desc(invitations.createdAt))
      .limit(500),
  );
  const views = rows.map(({ r, email, name }) => view(r, { email, name }));
  return input.status ? views.filter((v) => v.status === input.status) : views;
}

/** What the accept page shows for a token (no session needed: the token is the credential). */
export async function describeInvitation(
  token: string,
): Promise<
  | { ok: true; email: string; role: AdminRole; message: string | null; invitedBy: string | null; expiresAt: string; purpose: 'invite' | 'setup' }
  | { ok: false; reason: 'invalid' | 'accepted' | 'revoked' | 'expired' }
> {
  if (!token || token.length > 200) return { ok: false, reason: 'invalid' };
  const [row] = await withPlatform((tx) =>
    tx
      .select({ r: invitations, inviter: inviterT.name })
      .from(invitations)
      .leftJoin(inviterT, eq(inviterT.id, invitations.invitedBy))
      .where(eq(invitations.tokenHash, hashInvitationToken(token))),
  );
  if (!row) return { ok: false, reason: 'invalid' };
  const status = effectiveStatus(row.r);
  if (status !== 'pending') return { ok: false, reason: status };
  return {
    ok: true,
    email: row.r.email,
    role: row.r.role,
    message: row.r.message,
    invitedBy: row.inviter,
    expiresAt: row.r.expiresAt.toISOString(),
    purpose: row.r.purpose,
  };
}

export const acceptInputSchema = z.object({
  token: z.string().min(10).max(200),
  name: z.string().trim().min(1, 'enter your name').max(200),
  password: z.string().max(1024),
  /** Setup links only: a code from the authenticator app enrolled on the page. */
  code: z.string().trim().max(40).optional(),
});
export type AcceptInput = z.input<typeof acceptInputSchema>;

export async function acceptInvitation({
  ctx: meta,
  input,
}: {
  ctx: PublicContext;
  input: AcceptInput;
}): Promise<{ adminId: string; email: string; role: AdminRole; recoveryCodes?: string[] }> {
  const data = acceptInputSchema.parse(input);
  const tokenHash = hashInvitationToken(data.token);
  const expired = Symbol('expired');
  const result = await withPlatform(async (tx) => {
    const [inv] = await tx
      .select({ r: invitations, expired: sql<boolean>`${invitations.expiresAt} <= now()` })
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash))
      .for('update', { of: invitations });
    if (!inv) throw new NotFoundError('This invitation link is not valid');
    const r = inv.r;
    if (r.status === 'accepted') throw new ConflictError('This invitation has already been used');
    if (r.status === 'revoked') throw new InvalidStateError('This invitation was revoked');
    if (r.status === 'expired' || inv.expired) {
      if (r.status === 'pending') {
        await tx.update(invitations).set({ status: 'expired' }).where(eq(invitations.id, r.id));
        await writeAudit(tx, {
          actor: { type: 'system', email: 'system:invitations' },
          ip: meta.ip ?? null,
          userAgent: meta.userAgent ?? null,
          requestId: meta.requestId ?? null,
          action: 'invitation.expired',
          resourceType: 'invitation',
          resourceId: r.id,
          oldValues: { status: 'pending' },
          newValues: { status: 'expired' },
        });
      }
      return expired;
    }
    const problem = passwordProblem(data.password, r.email);
    if (problem) throw new ValidationError('Choose a stronger password', [{ path: 'password', message: problem }]);
    // The setup link (first super_admin) enrols MFA in the same step: no code, no account.
    let setupStep: number | null = null;
    if (r.purpose === 'setup') {
      setupStep = data.code ? await checkTotp(setupMfaSecret(data.token), data.code) : null;
      if (setupStep === null) {
        throw new ValidationError('Enter the 6-digit code from your authenticator app', [
          { path: 'code', message: data.code ? 'that code is not valid: check the time on your device' : 'enter the code' },
        ]);
      }
    }
    const [existing] = await tx
      .select({ id: administrators.id })
      .from(administrators)
      .where(sql`lower(${administrators.email}) = lower(${r.email})`);
    if (existing) throw new ConflictError(`${r.email} is already an administrator`);
    const passwordHash = await hashPassword(data.password);
    const [admin] = await tx
      .insert(administrators)
      .values({ email: r.email, name: data.name, role: r.role, passwordHash, status: 'active' })
      .returning({ id: administrators.id, email: administrators.email, role: administrators.role });
    const recoveryCodes = setupStep !== null ? await enableMfaInTransaction(tx, admin!.id, setupMfaSecret(data.token), setupStep) : undefined;
    await tx
      .update(invitations)
      .set({ status: 'accepted', acceptedAt: new Date(), acceptedByIp: meta.ip && isIp(meta.ip) ? meta.ip : null })
      .where(eq(invitations.id, r.id));
    const actor = { type: 'admin' as const, id: admin!.id, email: admin!.email };
    const m = { ip: meta.ip ?? null, userAgent: meta.userAgent ?? null, requestId: meta.requestId ?? null };
    await writeAudit(tx, {
      actor,
      ...m,
      action: 'invitation.accepted',
      resourceType: 'invitation',
      resourceId: r.id,
      oldValues: { status: 'pending' },
      newValues: { status: 'accepted' },
    });
    await writeAudit(tx, {
      actor,
      ...m,
      action: 'admin.created',
      resourceType: 'administrator',
      resourceId: admin!.id,
      newValues: {
        email: admin!.email,
        name: data.name,
        role: admin!.role,
        invitationId: r.id,
        invitedBy: r.invitedBy,
        via: r.purpose,
        mfaEnabled: recoveryCodes !== undefined,
      },
    });
    return { adminId: admin!.id, email: admin!.email, role: admin!.role, ...(recoveryCodes ? { recoveryCodes } : {}) };
  });
  if (result === expired) throw new ExpiredError('This invitation has expired: ask for a new one');
  return result;
}

function isIp(s: string): boolean {
  return /^[0-9a-fA-F:.]+$/.test(s) && s.length <= 45;
}
