import { z } from 'zod';
import { adminRoute, readJson } from '@/lib/auth/api';
import { rejectRequest } from '@/lib/governance/approvals';

export const dynamic = 'force-dynamic';

const body = z.object({ notes: z.string().max(5000).optional() });

/** Body: { notes? }. */
export const POST = adminRoute<{ id: string }>('approvals.approve', async ({ req, ctx, params }) => {
  const { notes } = body.parse(await readJson(req));
  return rejectRequest({ ctx, input: { id: params.id, notes } });
});
