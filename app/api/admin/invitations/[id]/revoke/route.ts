import { adminRoute } from '@/lib/auth/api';
import { revokeInvitation } from '@/lib/governance/invitations';

export const dynamic = 'force-dynamic';

export const POST = adminRoute<{ id: string }>('admins.invite', ({ ctx, params }) => revokeInvitation({ ctx, input: { id: params.id } }));
