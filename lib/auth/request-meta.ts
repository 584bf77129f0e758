/**
 * Caller metadata from request headers: the client address and the user agent.
 *
 * The client address is the TCP peer unless RADIANT_TRUSTED_PROXIES says how many reverse-proxy
 * hops in front of the app append to X-Forwarded-For (default 0: none, the header is ignored, so
 * a client cannot claim any address it likes). With N hops the address is the N-th entry from the
 * right of X-Forwarded-For (the one the outermost trusted proxy saw). The peer address comes from
 * `x-radiant-peer`, which the production server (lib/server/node-server.ts) sets from the socket
 * on every request, overwriting anything a client sent; without it (next dev) there is none.
 */
export const PEER_HEADER = 'x-radiant-peer';

export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const n = Number.parseInt(env.RADIANT_TRUSTED_PROXIES ?? '0', 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 10) : 0;
}

function normalise(ip: string | null | undefined): string | null {
  const s = ip?.trim();
  if (!s) return null;
  // "::ffff:127.0.0.1" -> "127.0.0.1"; strip a port from "1.2.3.4:5678"; "[::1]:80" -> "::1".
  const v4mapped = s.replace(/^::ffff:/i, '');
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(v4mapped);
  const b = /^\[([0-9a-fA-F:]+)\](?::\d+)?$/.exec(v4mapped);
  const out = m ? m[1]! : b ? b[1]! : v4mapped;
  return /^[0-9a-fA-F:.]{2,45}$/.test(out) ? out : null;
}

export function clientIp(headers: Headers, hops = trustedProxyHops()): string | null {
  if (hops > 0) {
    const chain = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    if (chain.length) return normalise(chain[Math.max(0, chain.length - hops)]);
  }
  return normalise(headers.get(PEER_HEADER));
}

/** Whether the client reached us over https: the proxy's X-Forwarded-Proto only when trusted. */
export function servedOverHttps(headers: Headers, url: string, hops = trustedProxyHops()): boolean {
  if (url.startsWith('https:')) return true;
  if (hops > 0) return (headers.get('x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase() === 'https';
  return false;
}

export function userAgent(headers: Headers): string | null {
  return headers.get('user-agent')?.slice(0, 1000) ?? null;
}
