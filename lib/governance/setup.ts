/**
 * The first super_admin of a production installation (no demo people there): a single-use setup
 * link, valid 24 hours, that sets the password AND enrols MFA (lib/governance/invitations.ts
 * acceptInvitation, purpose 'setup'). Two ways to get one:
 *
 *   npm run admin:create -- --email ops@example.com     prints the link (scripts/admin-create.ts)
 *   RADIANT_BOOTSTRAP_ADMIN_EMAIL=ops@example.com        at start, while there is no super_admin and
 *                                                        no live setup link: logged once
 *
 * Both refuse once an active super_admin exists: from then on administrators are invited from
 * the console, and each invitation is approved by a super_admin (the two-person rule).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { administrators, invitations } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { ConflictError } from '../errors';
import { auditFields, writeAudit } from '../platform/audit';
import { systemCtx, type SystemContext } from '../platform/context';
import { publicBaseUrl } from './config';
import { hashInvitationToken, newInvitationToken } from './invitation-tokens';

export const SETUP_LINK_HOURS = 24;

export interface SetupLink {
  email: string;
  url: string;
  expiresAt: Date;
}

const emailSchema = z.email().trim().toLowerCase().max(255);

/**
 * A new setup link for `email` (any earlier pending setup link for it is revoked: its token is
 * not recoverable). `ifNoLiveLink`: do nothing (null) when a live setup link already exists
 * (the start-up path, so a restart does not log a second link).
 */
export async function createSetupLink({
  ctx,
  input,
  db,
}: {
  /** Who asks: start-up (RADIANT_BOOTSTRAP_ADMIN_EMAIL) or the CLI. */
  ctx: SystemContext;
  input: { email: string; baseUrl?: string; ifNoLiveLink?: boolean };
  db?: Db;
}): Promise<SetupLink | null> {
  const email = emailSchema.parse(input.email);
  const token = newInvitationToken();
  const created = await withPlatform(async (tx) => {
    // One setup at a time: serialise concurrent starts on an advisory lock.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7207303)`);
    const [superAdmin] = await tx
      .select({ id: administrators.id })
      .from(administrators)
      .where(and(eq(administrators.role, 'super_admin'), eq(administrators.status, 'active'), isNull(administrators.deletedAt)))
      .limit(1);
    if (superAdmin) {
      throw new ConflictError('An active super_admin already exists: invite administrators from the console (Administrators > Invite)');
    }
    const [taken] = await tx
      .select({ id: administrators.id })
      .from(administrators)
      .where(and(sql`lower(${administrators.email}) = ${email}`, isNull(administrators.deletedAt)));
    if (taken) throw new ConflictError(`${email} is already an administrator (not a super_admin): promote them with an approval instead`);
    const live = await tx
      .select({ id: invitations.id, purpose: invitations.purpose, email: invitations.email })
      .from(invitations)
      .where(and(eq(invitations.status, 'pending'), sql`${invitations.expiresAt} > now()`, sql`lower(${invitations.email}) = ${email}`));
    if (input.ifNoLiveLink && live.some((l) => l.purpose === 'setup')) return null;
    for (const l of live) {
      await tx.update(invitations).set({ status: 'revoked', revokedAt: new Date() }).where(eq(invitations.id, l.id));
    }
    await tx
      .update(invitations)
      .set({ status: 'expired' })
      .where(and(sql`lower(${invitations.email}) = ${email}`, eq(invitations.status, 'pending'), sql`${invitations.expiresAt} <= now()`));
    const [row] = await tx
      .insert(invitations)
      .values({
        email,
        role: 'super_admin',
        purpose: 'setup',
        tokenHash: hashInvitationToken(token),
        invitedBy: null,
        status: 'pending',
        expiresAt: sql`now() + make_interval(hours => ${SETUP_LINK_HOURS})`,
      })
      .returning();
    await writeAudit(tx, {
      ...auditFields(ctx),
      action: 'invitation.setup_link_created',
      resourceType: 'invitation',
      resourceId: row!.id,
      newValues: { email, role: 'super_admin', expiresAt: row!.expiresAt, revokedEarlier: live.length },
    });
    return row!;
  }, db);
  if (!created) return null;
  return { email, url: `${publicBaseUrl(input.baseUrl)}/invite/${token}`, expiresAt: created.expiresAt };
}

/** Start-up: RADIANT_BOOTSTRAP_ADMIN_EMAIL set and no super_admin yet -> a setup link, once. */
export async function bootstrapAdminFromEnv(db?: Db, env: Record<string, string | undefined> = process.env): Promise<SetupLink | null> {
  const email = env.RADIANT_BOOTSTRAP_ADMIN_EMAIL?.trim();
  if (!email) return null;
  try {
    return await createSetupLink({ ctx: systemCtx('RADIANT_BOOTSTRAP_ADMIN_EMAIL'), input: { email, ifNoLiveLink: true }, db });
  } catch (err) {
    if (err instanceof ConflictError) return null; // a super_admin exists: nothing to do
    throw err;
  }
}

/** Whether any active administrator exists (start-up prints how to create the first one). */
export async function hasActiveAdministrator(db?: Db): Promise<boolean> {
  const [row] = await withPlatform(
    (tx) =>
      tx
        .select({ id: administrators.id })
        .from(administrators)
        .where(and(eq(administrators.status, 'active'), isNull(administrators.deletedAt)))
        .limit(1),
    db,
  );
  return !!row;
}
