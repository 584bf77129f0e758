/**
 * Next.js 16 proxy (formerly middleware): the optimistic first gate, by audience.
 *   /admin/*      without an administrator session -> /admin/sign-in?callbackUrl=...
 *   /portal/*     without a tenant session         -> /portal/sign-in?callbackUrl=...
 *   /api/admin/*  no session 401, a tenant session 403 (problem JSON)
 *   /api/portal/* no session 401, an admin session 403 (problem JSON)
 * It only reads the session cookie (lib/auth/config.ts, no database). The real authorization
 * is in every page and route handler (lib/auth/session.ts), which re-reads the person's role.
 */
import NextAuth from 'next-auth';
import { NextResponse } from 'next/server';
import { authConfig, claimsFromSession } from './lib/auth/config';

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

export default auth((req) => {
  const { pathname, search } = req.nextUrl;
  const claims = claimsFromSession(req.auth);

  if (isUnder(pathname, '/api/admin')) {
    if (!claims) return problem(401, 'Sign in as an administrator');
    if (claims.audience !== 'admin') return problem(403, 'This API is for platform administrators');
    return NextResponse.next();
  }
  if (isUnder(pathname, '/api/portal')) {
    if (!claims) return problem(401, 'Sign in to the portal');
    if (claims.audience !== 'tenant') return problem(403, 'This API is for customer accounts');
    return NextResponse.next();
  }
  for (const [area, audience] of [
    ['/admin', 'admin'],
    ['/portal', 'tenant'],
  ] as const) {
    if (!isUnder(pathname, area) || isUnder(pathname, `${area}/sign-in`)) continue;
    if (claims?.audience === audience) return NextResponse.next();
    const url = new URL(`${area}/sign-in`, req.nextUrl.origin);
    url.searchParams.set('callbackUrl', `${pathname}${search}`);
    if (claims) url.searchParams.set('error', 'wrong_audience');
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
});

export const config = {
  matcher: ['/admin/:path*', '/portal/:path*', '/api/admin/:path*', '/api/portal/:path*'],
};
