/**
 * Outbound URLs that PEOPLE set inside the app (an administrator's Slack webhook, a provider base
 * URL changed through an approval, tenant webhooks) must not reach the platform's own network:
 * refused when the host is, or resolves to, a loopback, link-local, private, carrier-grade NAT,
 * unspecified, multicast/reserved or cloud-metadata address — unless RADIANT_OUTBOUND_ALLOW (a
 * comma-separated list of host names or addresses) names the host. Checked when saved and again
 * just before connecting (DNS may have changed since). URLs the OPERATOR sets in the environment
 * (<PROVIDER>_BASE_URL, SLACK_WEBHOOK_URL) are trusted as they are and never pass through here.
 *
 *   await assertOutboundUrl(url)          throws OutboundRefusedError (a ValidationError)
 *   isForbiddenAddress('169.254.169.254') true
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { ValidationError } from '../errors';

export class OutboundRefusedError extends ValidationError {
  constructor(message: string, path = 'url') {
    super(message, [{ path, message }]);
    this.name = 'OutboundRefusedError';
  }
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

const V4_BLOCKS: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local / cloud metadata'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** Why an address may not be reached, or null when it may. */
export function forbiddenAddressReason(address: string): string | null {
  let ip = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (mappedHex) {
    const hi = Number.parseInt(mappedHex[1]!, 16);
    const lo = Number.parseInt(mappedHex[2]!, 16);
    ip = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (net.isIPv4(ip)) {
    const n = v4ToInt(ip);
    for (const [base, bits, why] of V4_BLOCKS) {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      if ((n & mask) >>> 0 === (v4ToInt(base) & mask) >>> 0) return why;
    }
    return null;
  }
  if (net.isIPv6(ip)) {
    const s = ip.toLowerCase();
    if (s === '::' || s === '::0') return 'unspecified';
    if (s === '::1') return 'loopback';
    if (/^fe[89ab]/.test(s)) return 'link-local';
    if (/^f[cd]/.test(s)) return 'private (unique local) / cloud metadata';
    if (/^ff/.test(s)) return 'multicast';
    const v4compat = /^::(?:ffff:0:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
    if (v4compat) return forbiddenAddressReason(v4compat[1]!);
    if (/^64:ff9b::/.test(s)) return 'NAT64';
    return null;
  }
  return 'not an IP address';
}

export function isForbiddenAddress(address: string): boolean {
  return forbiddenAddressReason(address) !== null;
}

export function outboundAllowList(env: Record<string, string | undefined> = process.env): Set<string> {
  return new Set(
    (env.RADIANT_OUTBOUND_ALLOW ?? '')
      .split(',')
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
  );
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Throws OutboundRefusedError unless `url` is an http(s) URL without credentials whose host is
 * allowed: every address it resolves to is public, or the host is in RADIANT_OUTBOUND_ALLOW.
 * Returns the parsed URL.
 */
export async function assertOutboundUrl(url: string, opts: { path?: string; env?: Record<string, string | undefined>; resolve?: Resolver } = {}): Promise<URL> {
  const path = opts.path ?? 'url';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OutboundRefusedError('must be an http(s) URL', path);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OutboundRefusedError('must be an http(s) URL', path);
  if (u.username || u.password) throw new OutboundRefusedError('must not carry credentials', path);
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (outboundAllowList(opts.env).has(host)) return u;
  const addresses = net.isIP(host) ? [host] : await (opts.resolve ?? systemResolver)(host).catch(() => [] as string[]);
  if (addresses.length === 0) throw new OutboundRefusedError(`the host ${host} does not resolve`, path);
  for (const a of addresses) {
    const why = forbiddenAddressReason(a);
    if (why) {
      throw new OutboundRefusedError(
        `refused: ${host} is${a === host ? '' : ` (resolves to ${a})`} a ${why} address; an operator can allow it with RADIANT_OUTBOUND_ALLOW`,
        path,
      );
    }
  }
  return u;
}
