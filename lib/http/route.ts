/**
 * Route-handler plumbing shared by the JSON APIs. Admin routes use `adminRoute`
 * (lib/auth/api.ts: session -> AdminContext with the permission checked, same-origin writes,
 * problem JSON); tenant routes use `portalRoute` below (session -> TenantContext; the tenant
 * comes from the session only). Handlers stay thin: parse with zod (`parseWith`), call one verb.
 *
 * Billing's use of the permission matrix (lib/governance/permissions.ts):
 *  - billing.read     every admin GET, and CSV exports (reads, logged in revenue_export_log);
 *  - billing.run      billing runs, void/reissue, mark paid/failed/refunded, provider imports,
 *                     manual revenue/cost entries;
 *  - billing.propose  proposing a period close and reconciliation adjustments (an adjustment at
 *                     or under the threshold by someone holding billing.run applies at once).
 * Tenant roles: invoices need `invoices.read` (owner, billing); usage needs `usage.read` (all).
 */
import 'server-only';
import type { ZodType } from 'zod';
import { requireTenantUserFromRequest } from '@/lib/auth/session';
import { ValidationError, fromZodIssues } from '@/lib/errors';
import type { TenantContext } from '@/lib/platform/context';
import { TENANT_PERMISSION_MATRIX, type TenantPermission } from '@/lib/governance/permissions';
import { handleJson } from '@/lib/http/problem';

type RouteContext<P> = { params: Promise<P> };

export function portalRoute<P = Record<string, never>>(
  permission: TenantPermission,
  fn: (args: { req: Request; ctx: TenantContext; params: P; requestId: string }) => Promise<unknown>,
): (req: Request, route: RouteContext<P>) => Promise<Response> {
  return (req, route) =>
    handleJson(async (requestId) => {
      const ctx = await requireTenantUserFromRequest(req, TENANT_PERMISSION_MATRIX[permission], requestId);
      const params = route?.params ? await route.params : ({} as P);
      const out = await fn({ req, ctx, params, requestId });
      if (out instanceof Response) out.headers.set('x-request-id', requestId);
      return out;
    });
}

export function parseWith<T>(schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError('Invalid input', fromZodIssues(r.error.issues));
  return r.data;
}

export function fileResponse(body: string | Uint8Array, contentType: string, filename: string, extra: Record<string, string> = {}): Response {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return new Response(body as BodyInit, {
    status: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${safe}"`,
      'cache-control': 'no-store',
      ...extra,
    },
  });
}

/** `abc.pdf` -> { id: 'abc', format: 'pdf' }; also honours `?format=json|pdf|csv`. */
export function splitIdAndFormat(rawId: string, req: Request): { id: string; format: 'json' | 'pdf' | 'csv' } {
  const q = new URL(req.url).searchParams.get('format');
  const m = /^(.*)\.(pdf|csv)$/i.exec(rawId);
  const id = m ? m[1]! : rawId;
  const fmt = (m ? m[2]! : (q ?? 'json')).toLowerCase();
  if (fmt !== 'json' && fmt !== 'pdf' && fmt !== 'csv') {
    throw new ValidationError('format must be json, pdf or csv', [{ path: 'format', message: 'unsupported format' }]);
  }
  return { id, format: fmt };
}
