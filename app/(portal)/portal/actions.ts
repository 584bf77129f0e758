'use server';

import { signOutAction } from '@/lib/auth/actions';

/** Sign-out is audited (auth.sign_out) by the one sign-out verb in lib/auth. */
export async function signOutTenant(): Promise<void> {
  await signOutAction();
}
