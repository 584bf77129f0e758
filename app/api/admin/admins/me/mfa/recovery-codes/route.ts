import { adminRoute, readJson } from '@/lib/auth/api';
import { regenerateRecoveryCodes } from '@/lib/governance/mfa';

export const dynamic = 'force-dynamic';

/** Body: { code } (a current TOTP). Replaces the recovery codes; answers { recoveryCodes }. */
export const POST = adminRoute('account.self', async ({ req, ctx }) => regenerateRecoveryCodes({ ctx, input: (await readJson(req)) as { code: string } }));
