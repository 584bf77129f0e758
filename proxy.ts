/**
 * Next.js 16 proxy (formerly middleware): the optimistic first gate, by audience.
 *   /admin/*      without an administrator session -> /admin/sign-in?callbackUrl=...
 *   /portal/*     without a tenant session         -> /portal/sign-in?callbackUrl=...
 *   /api/admin/*  no session 401, a tenant session 403 (problem JSON)
 *   /api/portal/* no session 401, an admin session 403 (problem JSON)
 * It only reads the session cookie (lib/auth/config.ts, no database). The real authorization
 * is in every page and route handler (lib/auth/session.ts), which re-reads the person's role.
 * It also puts the security headers (CSP with a per-request nonce, nosniff, Referrer-Policy,
 * framing guard, HSTS over https) on every page and API answer: docs/security.md.
 */
import NextAuth from 'next-auth';
import { NextResponse, type NextRequest } from 'next/server';
import { authConfig, claimsFromSession } from './lib/auth/config';
import { servedOverHttps } from './lib/auth/request-meta';
import { API_CSP, NONCE_HEADER, newNonce, pageCsp, securityHeaders } from './lib/platform/security-headers';

const { auth } = NextAuth(authConfig);

function problem(status: 401 | 403, detail: string): Response {
  const code = status === 401 ? 'unauthenticated' : 'forbidden';
  const requestId = crypto.randomUUID();
  return new Response(
    JSON.stringify({
      type: `https://radiant.dev/problems/${code}`,
      title: status === 401 ? 'UnauthenticatedError' : 'ForbiddenError',
      status,
      detail,
      code,
      requestId,
    }),
    { status, headers: { 'content-type': 'application/problem+json', 'x-request-id': requestId } },
  );
}

const isUnder = (path: string, area: string) => path === area || path.startsWith(`${area}/`);

/** Origins a form may be redirected to (the OIDC issuer, for the SSO button). */
function formActions(): string[] {
  try {
    return process.env.OIDC_ISSUER ? [new URL(process.env.OIDC_ISSUER).origin] : [];
  } catch {
    return [];
  }
}

/** Security headers (lib/platform/security-headers.ts) on every answer; pages get a fresh nonce,
 * passed to Next's rendering through the request headers (Next 16's CSP pattern). */
function withSecurityHeaders(req: NextRequest, gate: (forward: () => NextResponse) => Response): Response {
  const isApi = req.nextUrl.pathname.startsWith('/api/');
  const nonce = newNonce();
  const csp = isApi ? API_CSP : pageCsp(nonce, { dev: process.env.NODE_ENV !== 'production', formActions: formActions() });
  const forward = () => {
    const headers = new Headers(req.headers);
    if (!isApi) {
      headers.set(NONCE_HEADER, nonce);
      headers.set('content-security-policy', csp);
    }
    return NextResponse.next({ request: { headers } });
  };
  const res = gate(forward);
  for (const [k, v] of Object.entries(securityHeaders(csp, servedOverHttps(req.headers, req.url)))) res.headers.set(k, v);
  return res;
}

export default auth((req) => withSecurityHeaders(req, (next) => gate(req, next)));

function gate(req: NextRequest & { auth?: unknown }, next: () => NextResponse): Response {
  const { pathname, search } = req.nextUrl;
  const claims = claimsFromSession(req.auth);

  if (isUnder(pathname, '/api/admin')) {
    if (!claims) return problem(401, 'Sign in as an administrator');
    if (claims.audience !== 'admin') return problem(403, 'This API is for platform administrators');
    return next();
  }
  if (isUnder(pathname, '/api/portal')) {
    if (!claims) return problem(401, 'Sign in to the portal');
    if (claims.audience !== 'tenant') return problem(403, 'This API is for customer accounts');
    return next();
  }
  for (const [area, audience] of [
    ['/admin', 'admin'],
    ['/portal', 'tenant'],
  ] as const) {
    if (!isUnder(pathname, area) || isUnder(pathname, `${area}/sign-in`)) continue;
    if (claims?.audience === audience) return next();
    const url = new URL(`${area}/sign-in`, req.nextUrl.origin);
    url.searchParams.set('callbackUrl', `${pathname}${search}`);
    if (claims) url.searchParams.set('error', 'wrong_audience');
    return NextResponse.redirect(url);
  }
  return next();
}

export const config = {
  // Every page and API answer (security headers), except Next's static files and the gateway
  // (/api/v1: served by the Node fast path, or by route handlers that get next.config.ts headers).
  matcher: ['/((?!_next/static|_next/image|api/v1/|favicon).*)'],
};
