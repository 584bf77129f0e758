import { adminRoute, readJson } from '@/lib/auth/api';
import { confirmMfaEnrolment } from '@/lib/governance/mfa';

export const dynamic = 'force-dynamic';

/** Body: { code }. Turns MFA on; answers { recoveryCodes } (shown once). */
export const POST = adminRoute('account.self', async ({ req, ctx }) => confirmMfaEnrolment({ ctx, input: (await readJson(req)) as { code: string } }));
