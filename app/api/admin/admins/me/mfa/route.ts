import { adminRoute } from '@/lib/auth/api';
import { mfaStatus } from '@/lib/governance/mfa';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('account.self', ({ ctx }) => mfaStatus({ ctx }));
