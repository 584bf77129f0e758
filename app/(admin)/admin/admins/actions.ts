'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { requireAdmin } from '@/lib/auth/session';
import { changeOwnPassword, proposeDeactivation, proposeRoleChange } from '@/lib/governance/admins';
import { ValidationError } from '@/lib/errors';
import { inviteAdmin, revokeInvitation } from '@/lib/governance/invitations';
import { beginMfaEnrolment, confirmMfaEnrolment, disableMfa, regenerateRecoveryCodes } from '@/lib/governance/mfa';

async function origin(): Promise<string | undefined> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host');
  if (!host) return undefined;
  return `${h.get('x-forwarded-proto') ?? 'http'}://${host}`;
}

export async function inviteAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('admins.invite');
    const r = await inviteAdmin({ ctx, input: input as never, baseUrl: await origin() });
    revalidatePath('/admin/admins');
    const p = r.approval.payload as { email: string; role: string };
    return { email: p.email, role: p.role, approvalId: r.approval.id };
  }, 'Invitation proposed: waiting for approval.');
}

export async function revokeInvitationAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('admins.invite');
    const { id } = z.object({ id: z.uuid() }).parse(input);
    await revokeInvitation({ ctx, input: { id } });
    revalidatePath('/admin/admins');
    return null;
  }, 'Invitation revoked.');
}

export async function proposeRoleAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('admins.propose_role');
    const p = z.object({ adminId: z.uuid(), role: z.string(), reason: z.string().max(1000).optional() }).parse(input);
    const r = await proposeRoleChange({ ctx, input: p });
    revalidatePath('/admin/admins');
    return { id: r.id, title: r.title };
  }, 'Role change proposed: a super_admin other than you must approve it.');
}

export async function beginMfaAction() {
  return runAction(async () => {
    const ctx = await requireAdmin('account.self');
    return beginMfaEnrolment({ ctx });
  });
}

export async function confirmMfaAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('account.self');
    const r = await confirmMfaEnrolment({ ctx, input: input as { code: string } });
    revalidatePath('/admin/admins');
    return r;
  }, 'MFA is on. Sign out and in again to get an MFA-verified session.');
}

export async function disableMfaAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('account.self');
    await disableMfa({ ctx, input: input as { code: string } });
    revalidatePath('/admin/admins');
    return null;
  }, 'MFA is off.');
}

export async function regenerateCodesAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('account.self');
    return regenerateRecoveryCodes({ ctx, input: input as { code: string } });
  }, 'New recovery codes: the old ones no longer work.');
}

export async function proposeDeactivationAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('admins.manage');
    const p = z.object({ adminId: z.uuid(), reason: z.string().max(1000).optional() }).parse(input);
    const r = await proposeDeactivation({ ctx, input: p });
    revalidatePath('/admin/admins');
    return { id: r.id, title: r.title };
  }, 'Deactivation proposed: another super_admin must approve it.');
}

export async function changeOwnPasswordAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('account.self');
    const i = (input ?? {}) as { current?: unknown; password?: unknown; confirm?: unknown };
    if (i.password !== i.confirm) throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    await changeOwnPassword({ ctx, input: i });
    return null;
  }, 'Password changed. Every session of yours has ended, this one too: sign in again with the new password.');
}
