import { adminRoute } from '@/lib/auth/api';
import { listAdmins } from '@/lib/governance/admins';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('admins.read', async ({ ctx }) => ({ items: await listAdmins({ ctx }) }));
