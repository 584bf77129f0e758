import { adminRoute, queryOf } from '@/lib/auth/api';
import { auditCsvResponse, listAudit } from '@/lib/governance/audit';

export const dynamic = 'force-dynamic';

/** One keyset page, newest first. Filters: actor (id or e-mail part), action (exact or prefix
 * "approval."), resourceType, resourceId, tenantId, from, to (ISO dates); dir, limit (25|50|100),
 * cursor (the `next` of the previous page). `?format=csv` streams every matching entry. */
export const GET = adminRoute('audit.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  if (format === 'csv') return auditCsvResponse({ ctx, input: q });
  const page = await listAudit({ ctx, input: q });
  return { items: page.rows, next: page.next };
});
