import { adminRoute } from '@/lib/auth/api';
import { beginMfaEnrolment } from '@/lib/governance/mfa';

export const dynamic = 'force-dynamic';

/** Starts TOTP enrolment: { secret, otpauthUrl, qrDataUrl }. MFA is on only after /verify. */
export const POST = adminRoute('account.self', ({ ctx }) => beginMfaEnrolment({ ctx }));
