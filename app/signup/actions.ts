'use server';

import { headers } from 'next/headers';
import { runAction } from '@/lib/http/action';
import { clientIp, userAgent } from '@/lib/auth/request-meta';
import { ValidationError } from '@/lib/errors';
import { newRequestId } from '@/lib/platform/request-id';
import type { SystemContext } from '@/lib/platform/context';
import { requestOrigin } from '@/lib/tenants/origin';
import { signUp, verifyEmail } from '@/lib/tenants/signup';

async function signupCtx(): Promise<SystemContext> {
  const h = await headers();
  return { system: 'signup', ip: clientIp(h), userAgent: userAgent(h), requestId: newRequestId() };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function signUpAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as Record<string, unknown>;
    if (str(i.password) !== str(i.confirm))
      throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    const r = await signUp({
      ctx: await signupCtx(),
      input: { companyName: str(i.companyName), name: str(i.name), email: str(i.email), password: str(i.password) },
      baseUrl: await requestOrigin(),
    });
    return { message: r.message, devLink: r.devLink ?? null };
  });
}

export async function verifyEmailAction(input: unknown) {
  return runAction(async () => {
    const i = (input ?? {}) as { token?: unknown };
    return verifyEmail({ ctx: await signupCtx(), input: { token: i.token } });
  }, 'Your e-mail address is verified and your account is ready.');
}
