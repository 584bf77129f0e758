/**
 * The one check a tenant webhook URL passes before RADIANT stores it or POSTs to it. Until the
 * platform's outbound-URL guard lands (security issue 17: lib/platform/outbound.ts), this is a
 * local stand-in with the same intent: https only (http allowed with RADIANT_WEBHOOKS_ALLOW_HTTP=1),
 * no credentials in the URL, and no loopback, private, link-local or metadata addresses, either
 * written in the URL or resolved from its name (RADIANT_WEBHOOKS_ALLOW_PRIVATE=1 lifts that for
 * tests and closed networks). Point `checkOutboundUrl` at the platform guard when it exists.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { ValidationError } from '../../errors';

export interface OutboundPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

export function outboundPolicyFromEnv(env: Record<string, string | undefined> = process.env): OutboundPolicy {
  const on = (v: string | undefined) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase());
  return { allowHttp: on(env.RADIANT_WEBHOOKS_ALLOW_HTTP), allowPrivate: on(env.RADIANT_WEBHOOKS_ALLOW_PRIVATE) };
}

export function isPrivateAddress(ip: string): boolean {
  if (net.isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return (
      a === 10 ||
      a === 127 ||
      a === 0 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  const l = ip.toLowerCase();
  if (l.startsWith('::ffff:')) return isPrivateAddress(l.slice(7));
  return l === '::1' || l === '::' || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe80');
}

function bad(message: string): ValidationError {
  return new ValidationError(message, [{ path: 'url', message }]);
}

/** Throws ValidationError (field `url`) when the URL may not be called. */
export async function checkOutboundUrl(raw: string, policy: OutboundPolicy = outboundPolicyFromEnv()): Promise<URL> {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad('Enter a valid URL.');
  }
  if (u.protocol !== 'https:' && !(policy.allowHttp && u.protocol === 'http:')) throw bad('The URL must use https.');
  if (u.username || u.password) throw bad('The URL must not contain credentials.');
  if (policy.allowPrivate) return u;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) throw bad('The URL must point to a public host.');
  const addrs = net.isIP(host)
    ? [host]
    : await dns
        .lookup(host, { all: true })
        .then((r) => r.map((x) => x.address))
        .catch(() => [] as string[]);
  if (addrs.length === 0) throw bad("The URL's host does not resolve.");
  if (addrs.some(isPrivateAddress)) throw bad('The URL must point to a public address.');
  return u;
}
