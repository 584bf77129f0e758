import { adminRoute, queryOf } from '@/lib/auth/api';
import { auditRowsToCsv, listAudit } from '@/lib/governance/audit';

export const dynamic = 'force-dynamic';

/** Filters: actor (id or e-mail part), action (exact or prefix "approval."), resourceType,
 * resourceId, tenantId, from, to (ISO dates), limit, offset. `?format=csv` downloads CSV. */
export const GET = adminRoute('audit.read', async ({ req, ctx }) => {
  const { format, ...q } = queryOf(req);
  if (format === 'csv') {
    const { rows } = await listAudit({ ctx, input: { ...q, limit: q.limit ?? '10000' } });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return new Response(auditRowsToCsv(rows), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="radiant-audit-${stamp}.csv"`,
        'cache-control': 'no-store',
        'x-request-id': ctx.requestId,
      },
    });
  }
  const { rows, hasMore } = await listAudit({ ctx, input: q });
  return { items: rows, hasMore };
});
