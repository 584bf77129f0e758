'use server';

import { headers } from 'next/headers';
import { runAction } from '@/lib/http/action';
import { requestPasswordReset, resetPassword } from '@/lib/auth/password-reset';
import { clientIp, userAgent } from '@/lib/auth/request-meta';
import { ValidationError } from '@/lib/errors';
import { newRequestId } from '@/lib/platform/request-id';
import { requestOrigin } from '@/lib/tenants/origin';

async function meta() {
  const h = await headers();
  return { ip: clientIp(h), userAgent: userAgent(h), requestId: newRequestId() };
}

export async function requestResetAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as { email?: unknown };
    const r = await requestPasswordReset({ ctx: await meta(), input: { email: i.email }, baseUrl: await requestOrigin() });
    return { message: r.message, devLink: r.devLink ?? null };
  });
}

export async function resetPasswordAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as { token?: unknown; password?: unknown; confirm?: unknown };
    if (i.password !== i.confirm) throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    return resetPassword({ ctx: await meta(), input: i });
  }, 'Your password is changed. Sign in with it now; other sessions have ended.');
}
