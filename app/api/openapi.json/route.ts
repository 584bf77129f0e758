/** GET /api/openapi.json — the OpenAPI 3.1 document for /api/v1, /api/admin and /api/portal,
 * generated from the routes' zod schemas (lib/openapi). Public: it holds no data, only shapes. */
import { openApiDocument } from '@/lib/openapi/document';

export const dynamic = 'force-static';

export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'cache-control': 'public, max-age=300' } });
}
