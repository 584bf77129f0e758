/**
 * Route-handler wrappers for the admin JSON API: resolve the administrator (401/403 problem
 * JSON), refuse cross-site writes, run one domain call, map errors once (lib/http/problem.ts).
 *
 *   export const POST = adminRoute('approvals.propose', async ({ req, ctx }) =>
 *     proposeChange({ ctx, input: await readJson(req) }), { status: 201 });
 */
import 'server-only';
import { ForbiddenError, ValidationError } from '../errors';
import type { AdminContext } from '../platform/context';
import type { Permission } from '../governance/permissions';
import { handleJson } from '../http/problem';
import { requireAdminFromRequest } from './session';

type RouteContext<P> = { params: Promise<P> };

export interface AdminRouteArgs<P> {
  req: Request;
  ctx: AdminContext;
  params: P;
  requestId: string;
}

/** Cookies are SameSite=Lax, and writes must also come from our own origin when the browser says
 * where it comes from (Origin header), which stops cross-site form posts and fetches. */
export function assertSameOrigin(req: Request): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
  const origin = req.headers.get('origin');
  if (!origin) return;
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ForbiddenError('Cross-origin request refused');
  }
  if (host && originHost !== host) throw new ForbiddenError('Cross-origin request refused');
}

export function adminRoute<P = Record<string, never>>(
  permission: Permission,
  fn: (args: AdminRouteArgs<P>) => Promise<unknown>,
  init?: { status?: number },
): (req: Request, route: RouteContext<P>) => Promise<Response> {
  return (req, route) =>
    handleJson(async (requestId) => {
      const ctx = await requireAdminFromRequest(req, permission, requestId);
      assertSameOrigin(req);
      const params = route?.params ? await route.params : ({} as P);
      return fn({ req, ctx, params, requestId });
    }, init);
}

/** The request body as JSON (an empty body is `{}`); anything else is a 400. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('The request body must be JSON', [{ path: '', message: 'invalid JSON' }]);
  }
}

/** URL query parameters as a plain object (repeated keys: the last wins). */
export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams.entries());
}
