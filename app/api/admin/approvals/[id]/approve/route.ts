import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { approveRequest } from '@/lib/governance/approvals';
import { takeInvitationLink } from '@/lib/governance/changes/invitations';

export const dynamic = 'force-dynamic';

const body = z.object({ notes: z.string().max(5000).optional() });

/** Body: { notes? }. */
export const POST = adminRoute<{ id: string }>('approvals.approve', async ({ req, ctx, params }) => {
  const { notes } = body.parse(await readJson(req));
  const view = await approveRequest({ ctx, input: { id: params.id, notes } });
  // admin.invite without SMTP: the approver (not the proposer) gets the link once, to hand over.
  const link = view.action === 'admin.invite' ? takeInvitationLink(view.id) : null;
  return link ? { ...view, invitationUrl: link } : view;
});
