import { exploreUsage, usageFiltersSchema } from '@/lib/admin-views/usage';
import { requireAdminFromRequest } from '@/lib/auth/session';
import { toCsv } from '@/lib/billing/csv';
import { withPlatform } from '@/lib/db/tenant';
import { handleJson } from '@/lib/http/problem';

/** Every request matching the explorer's filters as CSV (up to 100,000 rows). */
export async function GET(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    await requireAdminFromRequest(req, 'usage.read', requestId);
    const filters = usageFiltersSchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const data = await withPlatform((tx) => exploreUsage(tx, filters, { limit: 100_000 }));
    const header = [
      'time',
      'tenant',
      'model',
      'provider',
      'status',
      'http_status',
      'input_tokens',
      'output_tokens',
      'cost',
      'markup_percent',
      'price',
      'margin',
      'latency_ms',
      'request_id',
    ];
    const rows = data.events.map((e) => [
      e.createdAt,
      e.tenant,
      e.modelId,
      e.providerId,
      e.status,
      e.httpStatus,
      e.inputTokens,
      e.outputTokens,
      e.cost,
      e.markupPercent,
      e.price,
      e.margin,
      e.latencyMs,
      e.requestId,
    ]);
    return new Response(toCsv(header, rows), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="radiant-usage-${data.filters.from}-${data.filters.to}.csv"`,
        'cache-control': 'no-store',
        'x-request-id': requestId,
      },
    });
  });
}
