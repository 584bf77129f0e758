import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { inviteAdmin, listInvitations, type InviteInput } from '@/lib/governance/invitations';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('admins.read', async ({ req, ctx }) => ({ items: await listInvitations({ ctx, input: queryOf(req) }) }));

/** Body: { email, role, message? }. Without SMTP the answer carries `acceptUrl` (demo). */
export const POST = adminRoute(
  'admins.invite',
  async ({ req, ctx }) => inviteAdmin({ ctx, input: (await readJson(req)) as InviteInput, baseUrl: new URL(req.url).origin }),
  { status: 201 },
);
