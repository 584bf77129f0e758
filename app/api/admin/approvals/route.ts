import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { listRequests, proposeChange, type ProposeInput } from '@/lib/governance/approvals';

export const dynamic = 'force-dynamic';

/** Pending queue and history; filters: status, type, risk, initiatedBy, action, limit, offset. */
export const GET = adminRoute('approvals.read', ({ req, ctx }) => listRequests({ ctx, input: queryOf(req) }));

/** Propose a change: { action, payload, title?, description?, riskLevel?, impactAnalysis?, rollbackPlan?, environment? }. */
export const POST = adminRoute('approvals.propose', async ({ req, ctx }) => proposeChange({ ctx, input: (await readJson(req)) as ProposeInput }), {
  status: 201,
});
