'use server';

import { runAction } from '@/lib/http/action';
import { requireTenantUser } from '@/lib/auth/session';
import { inviteTenantUser } from '@/lib/tenants/invitations';
import { requestOrigin } from '@/lib/tenants/origin';
import { changePersonRole, removePerson, transferOwnership } from '@/lib/tenants/people';

// The tenant is the session's, never the input's (lib/tenants/actor.ts checks it again).

export async function invitePersonAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner']);
    const r = await inviteTenantUser({ ctx, input: input as never, baseUrl: await requestOrigin() });
    return { email: r.invitation.email, acceptUrl: r.acceptUrl };
  });
}

export async function changeRoleAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner']);
    await changePersonRole({ ctx, input });
    return null;
  }, 'Role changed.');
}

export async function removePersonAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner']);
    await removePerson({ ctx, input });
    return null;
  }, 'Removed.');
}

export async function transferOwnershipAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner']);
    await transferOwnership({ ctx, input });
    return null;
  }, 'Ownership transferred.');
}
