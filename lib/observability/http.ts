/**
 * HTTP glue for observability, over the Web Request/Response types (framework-free):
 *
 *   handleMetricsRequest(req)   GET /api/metrics: Prometheus text, bearer METRICS_TOKEN.
 *   instrumentRoute(route, fn)  wraps a route handler: one access-log line and the request
 *                               counter/histogram per call, x-request-id on the response.
 */
import crypto from 'node:crypto';
import { newRequestId } from '../platform/request-id';
import { enableBusinessMetrics } from './business-metrics';
import { logRequest } from './logger';
import { METRICS_CONTENT_TYPE, recordHttpRequest, renderMetrics } from './metrics';

export type MetricsAuth = 'ok' | 'disabled' | 'unauthorized';

function sha256(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/**
 * METRICS_TOKEN unset -> 'disabled' (the endpoint answers 503 and says how to enable it: metrics
 * are never public by accident); a missing or wrong bearer token -> 'unauthorized' (401).
 * The comparison is constant-time (hashes of equal length).
 */
export function checkMetricsAuth(headers: Headers, token: string | undefined = process.env.METRICS_TOKEN): MetricsAuth {
  if (!token) return 'disabled';
  const header = headers.get('authorization') ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return 'unauthorized';
  return crypto.timingSafeEqual(sha256(m[1]!.trim()), sha256(token)) ? 'ok' : 'unauthorized';
}

export async function handleMetricsRequest(req: Request): Promise<Response> {
  const auth = checkMetricsAuth(req.headers);
  const noStore = { 'cache-control': 'no-store' };
  if (auth === 'disabled') {
    return new Response('metrics are disabled: set METRICS_TOKEN and scrape with "Authorization: Bearer <token>"\n', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...noStore },
    });
  }
  if (auth === 'unauthorized') {
    return new Response('unauthorized: send "Authorization: Bearer <METRICS_TOKEN>"\n', {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer realm="metrics"', ...noStore },
    });
  }
  enableBusinessMetrics();
  const body = await renderMetrics();
  return new Response(body, { status: 200, headers: { 'content-type': METRICS_CONTENT_TYPE, ...noStore } });
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response> | Response;

/**
 * Wraps a Next.js route handler with the access log and request metrics. `route` is the
 * TEMPLATE ("/api/admin/approvals/[id]/approve"), never the raw URL (bounded label values).
 * The request id is the response's x-request-id if the handler set one, else the caller's, else
 * a new one (and it is then set on the response).
 */
export function instrumentRoute<C>(route: string, handler: Handler<C>): Handler<C> {
  return async (req: Request, ctx: C) => {
    const started = performance.now();
    let res: Response | undefined;
    try {
      res = await handler(req, ctx);
      return res;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const status = res?.status ?? 500;
      let requestId = res?.headers.get('x-request-id') ?? req.headers.get('x-request-id') ?? null;
      if (!requestId) {
        requestId = newRequestId();
        try {
          res?.headers.set('x-request-id', requestId);
        } catch {
          /* immutable headers (e.g. a fetched Response): leave them */
        }
      }
      recordHttpRequest(route, status, seconds);
      logRequest({ requestId, route, method: req.method, status, latencyMs: seconds * 1000 });
    }
  };
}
