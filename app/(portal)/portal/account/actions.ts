'use server';

import { runAction } from '@/lib/http/action';
import { changePassword } from '@/lib/auth/password-reset';
import { requireTenantUser } from '@/lib/auth/session';
import { ValidationError } from '@/lib/errors';

export async function changePasswordAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser();
    const i = (input ?? {}) as { current?: unknown; password?: unknown; confirm?: unknown };
    if (i.password !== i.confirm) throw new ValidationError('The passwords do not match', [{ path: 'confirm', message: 'does not match the password' }]);
    await changePassword({ ctx, input: i });
    return null;
  }, 'Password changed. Every session has ended: sign in again with the new password.');
}
