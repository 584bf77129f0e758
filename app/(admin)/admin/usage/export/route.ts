import { USAGE_EVENT_CSV, listUsageEventsAdmin, usageFiltersSchema } from '@/lib/admin-views/usage';
import { requireAdminFromRequest } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { csvStreamResponse } from '@/lib/lists/csv-stream';
import { handleJson } from '@/lib/http/problem';

/** Every request matching the explorer's filters as CSV, streamed a keyset page at a time (no
 * cap: the whole filtered set, never all in memory). */
export async function GET(req: Request): Promise<Response> {
  return handleJson(async (requestId) => {
    await requireAdminFromRequest(req, 'usage.read', requestId);
    const filters = usageFiltersSchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    const now = new Date();
    async function* rows() {
      let cursor: string | undefined;
      for (;;) {
        const page = await withPlatform((tx) => listUsageEventsAdmin(tx, filters, cursor, 500, now));
        yield* page.rows;
        if (!page.next) return;
        cursor = page.next;
      }
    }
    return csvStreamResponse(rows(), USAGE_EVENT_CSV, `radiant-usage-${filters.from ?? 'last-30-days'}-${filters.to ?? 'today'}.csv`, requestId);
  });
}
