import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { inviteAdmin, listInvitations, type InviteInput } from '@/lib/governance/invitations';

export const dynamic = 'force-dynamic';

export const GET = adminRoute('admins.read', async ({ req, ctx }) => ({ items: await listInvitations({ ctx, input: queryOf(req) }) }));

/** Body: { email, role, message? }. Answers 202 with `{ approval }`: the invitation (and its link)
 * exists only once a super_admin other than the proposer approves the request. */
export const POST = adminRoute(
  'admins.invite',
  async ({ req, ctx }) => inviteAdmin({ ctx, input: (await readJson(req)) as InviteInput, baseUrl: new URL(req.url).origin }),
  { status: 202 },
);
