/**
 * GET  /api/admin/billing/entries?book=revenue|cost&period&kind&limit&offset — the books.
 * POST /api/admin/billing/entries { book: "revenue", tenantId, kind: subscription|credit|adjustment, amount, entryDate, description }
 *                               | { book: "cost", kind: infrastructure|platform_fee|other, amount, entryDate, providerId?, tenantId?, description }
 * A closed period refuses new entries (409).
 */
import { z } from 'zod';
import { adminRoute, queryOf, readJson } from '@/lib/auth/api';
import { costEntryInputSchema, createCostEntry, createRevenueEntry, listEntries, revenueEntryInputSchema } from '@/lib/billing/books';
import { parseWith } from '@/lib/http/route';
import { optionalLimitParam, optionalOffsetParam, periodSchema } from '@/lib/platform/schemas';

export const dynamic = 'force-dynamic';

const query = z.object({
  book: z.enum(['revenue', 'cost']),
  period: periodSchema,
  kind: z.string().trim().max(30).optional(),
  limit: optionalLimitParam(1000),
  offset: optionalOffsetParam,
});

export const GET = adminRoute('billing.read', async ({ req }) => listEntries(parseWith(query, queryOf(req))));

const body = z.discriminatedUnion('book', [z.object({ book: z.literal('revenue') }).loose(), z.object({ book: z.literal('cost') }).loose()]);

export const POST = adminRoute(
  'billing.run',
  async ({ req, ctx }) => {
    const raw = await readJson(req);
    const { book } = parseWith(body, raw);
    const { book: _b, ...rest } = raw as Record<string, unknown>;
    void _b;
    return book === 'revenue'
      ? createRevenueEntry({ ctx, input: parseWith(revenueEntryInputSchema, rest) })
      : createCostEntry({ ctx, input: parseWith(costEntryInputSchema, rest) });
  },
  { status: 201 },
);
