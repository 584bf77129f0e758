'use server';

import { headers } from 'next/headers';
import { runAction } from '@/lib/http/action';
import { clientIp, userAgent } from '@/lib/auth/request-meta';
import { ValidationError } from '@/lib/errors';
import { newRequestId } from '@/lib/platform/request-id';
import { acceptTenantInvitation } from '@/lib/tenants/invitations';

export async function acceptTenantInvitationAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as { token?: unknown; name?: unknown; password?: unknown; confirm?: unknown };
    if (typeof i.password === 'string' && i.password !== i.confirm) {
      throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    }
    const h = await headers();
    const r = await acceptTenantInvitation({
      ctx: { ip: clientIp(h), userAgent: userAgent(h), requestId: newRequestId() },
      input: { token: String(i.token ?? ''), name: String(i.name ?? ''), password: String(i.password ?? '') },
    });
    return { email: r.email, role: r.role };
  }, 'Your account is ready.');
}
