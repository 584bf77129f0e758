import { adminRoute, readJson } from '@/lib/auth/api';
import { disableMfa } from '@/lib/governance/mfa';

export const dynamic = 'force-dynamic';

/** Body: { code } (a current TOTP or a recovery code). */
export const POST = adminRoute('account.self', async ({ req, ctx }) => {
  await disableMfa({ ctx, input: (await readJson(req)) as { code: string } });
  return { mfaEnabled: false };
});
