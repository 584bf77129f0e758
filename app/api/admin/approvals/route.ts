import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { listRequests, proposeChange, type ProposeInput } from '@/lib/governance/approvals';

export const dynamic = 'force-dynamic';

/** Pending queue and history, one keyset page: filters status, type, risk, initiatedBy, action,
 * q (title words); sort=created|expires, dir, limit (25|50|100), cursor (the previous `next`). */
export const GET = adminRoute('approvals.read', async ({ req, ctx }) => {
  const page = await listRequests({ ctx, input: queryOf(req) });
  return { items: page.rows, next: page.next };
});

/** Propose a change: { action, payload, title?, description?, riskLevel?, impactAnalysis?, rollbackPlan?, environment? }. */
export const POST = adminRoute('approvals.propose', async ({ req, ctx }) => proposeChange({ ctx, input: (await readJson(req)) as ProposeInput }), {
  status: 201,
});
