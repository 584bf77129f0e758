/**
 * HTTP security headers on every page and API answer (issue 17):
 *   Content-Security-Policy  pages: nonce-based for Next's scripts ('strict-dynamic'), no framing
 *                            (frame-ancestors 'none'), no plugins, same-origin forms and fetches;
 *                            APIs: default-src 'none' (JSON never runs anything)
 *   X-Content-Type-Options   nosniff
 *   Referrer-Policy          strict-origin-when-cross-origin
 *   X-Frame-Options          DENY (for browsers without frame-ancestors)
 *   Strict-Transport-Security  when served over https (directly, or per X-Forwarded-Proto from a
 *                            trusted proxy: RADIANT_TRUSTED_PROXIES)
 * proxy.ts applies them to pages and Next's APIs (with the nonce, read by app/layout.tsx), the
 * gateway's Node fast path (lib/server/node-server.ts) to /api/v1, next.config.ts to static files.
 * Framework-free: no imports.
 */
export const NONCE_HEADER = 'x-nonce';

export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** The page policy. `extraFormActions`: origins forms may post to (an OIDC issuer's redirect). */
export function pageCsp(nonce: string, opts: { dev?: boolean; formActions?: string[] } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${opts.formActions?.length ? ` ${opts.formActions.join(' ')}` : ''}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';

/** The headers every answer carries (CSP chosen by the caller). */
export function securityHeaders(csp: string, https: boolean): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    ...(https ? { 'strict-transport-security': HSTS } : {}),
  };
}
