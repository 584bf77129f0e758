import { adminRoute } from '@/lib/auth/api';
import { getRequest } from '@/lib/governance/approvals';

export const dynamic = 'force-dynamic';

export const GET = adminRoute<{ id: string }>('approvals.read', ({ ctx, params }) => getRequest({ ctx, input: { id: params.id } }));
