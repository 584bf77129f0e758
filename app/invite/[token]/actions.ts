'use server';

import { headers } from 'next/headers';
import { runAction } from '@/lib/http/action';
import { clientIp, userAgent } from '@/lib/auth/request-meta';
import { acceptInvitation } from '@/lib/governance/invitations';
import { newRequestId } from '@/lib/platform/request-id';
import { ValidationError } from '@/lib/errors';

export async function acceptInvitationAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as { token?: unknown; name?: unknown; password?: unknown; confirm?: unknown; code?: unknown };
    if (typeof i.password === 'string' && i.password !== i.confirm) {
      throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    }
    const h = await headers();
    const r = await acceptInvitation({
      ctx: { ip: clientIp(h), userAgent: userAgent(h), requestId: newRequestId() },
      input: {
        token: String(i.token ?? ''),
        name: String(i.name ?? ''),
        password: String(i.password ?? ''),
        ...(typeof i.code === 'string' ? { code: i.code } : {}),
      },
    });
    return { email: r.email, role: r.role, ...(r.recoveryCodes ? { recoveryCodes: r.recoveryCodes } : {}) };
  }, 'Your administrator account is ready.');
}
