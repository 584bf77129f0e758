/** Caller metadata from request headers: client IP (first X-Forwarded-For entry, then
 * X-Real-IP; deploy behind a proxy that overwrites these) and user agent. */
export function clientIp(headers: Headers): string | null {
  const xff = headers.get('x-forwarded-for');
  const first = xff?.split(',')[0]?.trim();
  const ip = first || headers.get('x-real-ip')?.trim() || null;
  if (!ip) return null;
  // "::ffff:127.0.0.1" -> "127.0.0.1"; strip a port from "1.2.3.4:5678".
  const v4mapped = ip.replace(/^::ffff:/i, '');
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(v4mapped);
  return (m ? m[1]! : v4mapped).slice(0, 64);
}

export function userAgent(headers: Headers): string | null {
  return headers.get('user-agent')?.slice(0, 1000) ?? null;
}
