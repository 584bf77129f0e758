/** GET /api/metrics — Prometheus text format, protected by `Authorization: Bearer $METRICS_TOKEN`
 * (401 without or with a wrong token; 503 while METRICS_TOKEN is unset). docs/operations.md. */
import { handleMetricsRequest } from '@/lib/observability/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: Request): Promise<Response> {
  return handleMetricsRequest(req);
}
