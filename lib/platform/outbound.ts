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
 *   await guardedFetch(url, init)         fetch-like; the check happens AT CONNECT TIME
 *   guardedLookup()                       the same check as a socket `lookup` (http.Agent option)
 *
 * Why a connect-time check as well as the one at save: a name can resolve to a public address
 * when saved (or when checked just before sending) and to 127.0.0.1 or 169.254.169.254 a moment
 * later (DNS rebinding, TTL 0). `guardedLookup` resolves the name for the socket itself and
 * refuses forbidden answers, so the address checked is the address connected to; a URL written
 * with an IP literal (no lookup happens) is checked before connecting. Redirects are not followed.
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
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

export interface GuardOptions {
  env?: Record<string, string | undefined>;
  /** Injected resolver (tests simulate DNS rebinding with it); default dns.lookup. */
  resolve?: Resolver;
}

type LookupAddress = { address: string; family: number };

/**
 * A `lookup` for net/http sockets that refuses forbidden answers (unless RADIANT_OUTBOUND_ALLOW
 * names the host): the connection goes to an address this function approved, nothing else.
 */
export function guardedLookup(o: GuardOptions = {}): net.LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number | string } | number, callback: (...args: unknown[]) => void) => {
    const opts = typeof options === 'number' ? { family: options } : (options ?? {});
    const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const resolveAll = async (): Promise<LookupAddress[]> => {
      const list = o.resolve
        ? (await o.resolve(host)).map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }))
        : await dns.lookup(host, { all: true, verbatim: true });
      const fam = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family) || 0;
      return fam ? list.filter((a) => a.family === fam) : list;
    };
    resolveAll()
      .then((list) => {
        if (list.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
        if (!outboundAllowList(o.env).has(host)) {
          for (const a of list) {
            const why = forbiddenAddressReason(a.address);
            if (why) throw new OutboundRefusedError(`refused at connect time: ${host} resolves to ${a.address}, a ${why} address`);
          }
        }
        if (opts.all) callback(null, list);
        else callback(null, list[0]!.address, list[0]!.family);
      })
      .catch((err: unknown) => callback(err));
  }) as net.LookupFunction;
}

/** Refuses a URL written with a forbidden IP literal (sockets skip `lookup` for literals). */
function assertLiteralAllowed(u: URL, env?: Record<string, string | undefined>): void {
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (!net.isIP(host) || outboundAllowList(env).has(host)) return;
  const why = forbiddenAddressReason(host);
  if (why) throw new OutboundRefusedError(`refused at connect time: ${host} is a ${why} address`);
}

/** Keep-alive agents whose every new socket goes through guardedLookup (default options). */
let sharedAgents: { http: http.Agent; https: https.Agent } | null = null;
export function guardedAgents(): { http: http.Agent; https: https.Agent } {
  sharedAgents ??= {
    http: new http.Agent({ keepAlive: true, lookup: guardedLookup() } as http.AgentOptions),
    https: new https.Agent({ keepAlive: true, lookup: guardedLookup() } as https.AgentOptions),
  };
  return sharedAgents;
}

/** Throws OutboundRefusedError when `url` may not be connected to (IP literals; names are
 * checked by the agents' lookup). For callers that bring their own request code. */
export function assertConnectable(url: string | URL, env?: Record<string, string | undefined>): void {
  assertLiteralAllowed(typeof url === 'string' ? new URL(url) : url, env);
}

const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * fetch() for URLs people set in the app: the same call shape, but the connection is checked at
 * connect time (guardedLookup) and redirects are never followed (a 3xx is returned as is).
 */
export async function guardedFetch(input: string | URL, init: RequestInit = {}, o: GuardOptions = {}): Promise<Response> {
  const u = typeof input === 'string' ? new URL(input) : input;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new OutboundRefusedError('must be an http(s) URL');
  if (u.username || u.password) throw new OutboundRefusedError('must not carry credentials');
  assertLiteralAllowed(u, o.env);
  const isHttps = u.protocol === 'https:';
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = init.body == null ? undefined : typeof init.body === 'string' ? init.body : Buffer.from(await new Response(init.body).arrayBuffer());
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const custom = o.env || o.resolve;
  return new Promise<Response>((resolve, reject) => {
    const req = (isHttps ? https : http).request({
      protocol: u.protocol,
      hostname: u.hostname,
      port: u.port || (isHttps ? 443 : 80),
      path: u.pathname + u.search,
      method: init.method ?? 'GET',
      headers,
      ...(custom ? { lookup: guardedLookup(o), agent: false } : { agent: isHttps ? guardedAgents().https : guardedAgents().http }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    // A timeout/abort rejects with the signal's reason (a TimeoutError, as fetch() would).
    req.once('error', (err) => reject(init.signal?.aborted ? (init.signal.reason as unknown) : err));
    req.once('response', (res) => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) for (const x of v) h.append(k, x);
        else if (v !== undefined) h.set(k, v);
      }
      const status = res.statusCode ?? 502;
      if (NULL_BODY.has(status)) {
        res.resume();
        resolve(new Response(null, { status, headers: h }));
      } else resolve(new Response(Readable.toWeb(res) as ReadableStream, { status, headers: h }));
    });
    req.end(body);
  });
}

/**
 * Origins of provider base URLs that PEOPLE set (through a provider.set_base_url approval), as
 * opposed to the operator's <PROVIDER>_BASE_URL or the catalog's shipped default: the gateway's
 * upstream client (lib/gateway/upstream/http-client.ts) connects to these only through the
 * guarded agents, so the connect-time check applies to provider calls too.
 */
const guardedOrigins = new Set<string>();

export function guardOrigin(url: string): void {
  try {
    guardedOrigins.add(new URL(url).origin);
  } catch {
    /* an invalid URL fails at request time anyway */
  }
}

export function isGuardedOrigin(origin: string): boolean {
  return guardedOrigins.size > 0 && guardedOrigins.has(origin);
}
