/**
 * Outbound URLs people set are checked AGAIN WHEN CONNECTING (issue 17), not only when saved:
 * lib/platform/outbound.ts's guardedLookup resolves the name for the socket itself and refuses
 * loopback / link-local / private / metadata answers, so a name that resolved public when it was
 * checked and private a moment later (DNS rebinding, simulated with an injected resolver) never
 * reaches the internal address. Covered: guardedFetch itself, the Slack notification sender, and
 * the gateway's upstream client for a provider base URL set through an approval. RADIANT_OUTBOUND_ALLOW
 * still lets an operator allow a host; the operator's env base URLs are trusted.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/client';
import { administrators, notificationDeliveries, notifications } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { resolveProviderEndpoint } from '../../lib/gateway/providers';
import type { GatewayProvider } from '../../lib/gateway/state';
import { upstreamRequest, UpstreamConnectionError } from '../../lib/gateway/upstream/http-client';
import { notify } from '../../lib/notifications/notifier';
import { drainOnce } from '../../lib/notifications/worker';
import { assertOutboundUrl, guardedFetch, OutboundRefusedError } from '../../lib/platform/outbound';
import { testDb } from '../support/db';
import { uniqueSuffix } from '../support/factories';

let db: Db;
let server: http.Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  db = (await testDb()).db;
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
afterEach(() => {
  hits.length = 0;
});

/** Public on the first answer, loopback afterwards: a DNS rebinding attack. */
function rebinding(): (host: string) => Promise<string[]> {
  let calls = 0;
  return async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
}
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('guardedFetch', () => {
  it('refuses 127.0.0.1 and 169.254.169.254 without connecting; RADIANT_OUTBOUND_ALLOW allows a named host', async () => {
    expect(await errorOf(guardedFetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}' }, { env: {} }))).toBeInstanceOf(OutboundRefusedError);
    expect(await errorOf(guardedFetch('http://169.254.169.254/latest/meta-data/', {}, { env: {} }))).toBeInstanceOf(OutboundRefusedError);
    expect(await errorOf(guardedFetch('http://[::ffff:169.254.169.254]/', {}, { env: {} }))).toBeInstanceOf(OutboundRefusedError);
    expect(hits).toEqual([]);
    const allowed = await guardedFetch(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}' }, { env: { RADIANT_OUTBOUND_ALLOW: '127.0.0.1' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ ok: true });
    expect(hits).toEqual(['/hook']);
  });

  it('a name that resolved public when checked and private when connecting is refused (DNS rebinding)', async () => {
    const resolve = rebinding();
    const url = `http://hooks.rebind.test:${port}/hook`;
    // When saved (or checked just before sending): public, accepted.
    await expect(assertOutboundUrl(url, { resolve, env: {} })).resolves.toBeInstanceOf(URL);
    // When connecting: the same name now answers 127.0.0.1.
    const err = await errorOf(guardedFetch(url, { method: 'POST', body: '{}' }, { resolve, env: {} }));
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect((err as Error).message).toMatch(/connect time.*127\.0\.0\.1/);
    expect(hits).toEqual([]);
    // The socket really connects to what the guarded lookup answers (allowed: it reaches the server).
    const ok = await guardedFetch(
      url,
      { method: 'POST', body: '{}' },
      { resolve: async () => ['127.0.0.1'], env: { RADIANT_OUTBOUND_ALLOW: 'hooks.rebind.test' } },
    );
    expect(ok.status).toBe(200);
    expect(hits).toEqual(['/hook']);
  });
});

describe('the Slack notification sender', () => {
  it('refuses an administrator’s webhook whose name rebinds to loopback between the check and the connection', async () => {
    const s = uniqueSuffix();
    const [admin] = await withPlatform(
      (tx) =>
        tx
          .insert(administrators)
          .values({
            email: `rebind-${s}@ops.test`,
            name: `rebind ${s}`,
            role: 'admin',
            status: 'active',
            notificationSettings: { email: false },
            slackWebhookUrl: `http://hooks.rebind.test:${port}/slack/${s}`,
          })
          .returning(),
      db,
    );
    const providerId = `rebind-${s}`;
    await notify('provider.cooldown', { providerId, until: new Date().toISOString(), failures: 3 });
    const rows = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(notifications)
          .where(and(eq(notifications.event, 'provider.cooldown'), eq(notifications.adminId, admin!.id))),
      db,
    );
    const only = rows.filter((r) => r.title.includes(providerId)).map((r) => r.id);
    expect(only).toHaveLength(1);
    const saved = process.env.RADIANT_OUTBOUND_ALLOW;
    delete process.env.RADIANT_OUTBOUND_ALLOW;
    try {
      await drainOnce({ only, leaseMs: 0, timeoutMs: 5000, outbound: { resolve: rebinding(), env: {} } });
    } finally {
      if (saved !== undefined) process.env.RADIANT_OUTBOUND_ALLOW = saved;
    }
    const [d] = await withPlatform(
      (tx) =>
        tx
          .select()
          .from(notificationDeliveries)
          .where(and(inArray(notificationDeliveries.notificationId, only), eq(notificationDeliveries.channel, 'slack'))),
      db,
    );
    expect(d).toMatchObject({ status: 'failed' });
    expect(d!.lastError).toMatch(/connect time/);
    expect(hits).toEqual([]);
  });
});

describe('the gateway’s upstream client', () => {
  const provider = (apiBaseUrl: string): GatewayProvider =>
    ({
      id: `custom-${uniqueSuffix()}`,
      displayName: 'Custom',
      wireFormat: 'openai',
      isSelfHosted: true,
      enabled: true,
      apiBaseUrl,
      apiKeyEnv: null,
      authType: 'none',
      encryptedApiKey: null,
      compliance: [],
    }) as GatewayProvider;

  it('connects to a base URL set through an approval only through the guard; the operator’s env URL is trusted', async () => {
    // A person set this base URL (not the catalog default, no <PROVIDER>_BASE_URL): guarded.
    const p = provider(`http://127.0.0.1:${port}/v1`);
    const ep = resolveProviderEndpoint(p, {}, null);
    const err = await errorOf(upstreamRequest({ url: `${ep.baseUrl}/chat/completions`, headers: {}, body: '{}', timeoutMs: 5000 }));
    expect(err).toBeInstanceOf(UpstreamConnectionError);
    expect((err as Error).cause).toBeInstanceOf(OutboundRefusedError);
    expect(hits).toEqual([]);
    // The operator's env base URL for another provider on loopback (a self-hosted model): trusted.
    const q = provider('https://api.example.test/v1');
    const envEp = resolveProviderEndpoint(q, { [`${q.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_BASE_URL`]: `http://localhost:${port}/v1` }, null);
    const res = await upstreamRequest({ url: `${envEp.baseUrl}/chat/completions`, headers: {}, body: '{}', timeoutMs: 5000 });
    expect(res.status).toBe(200);
    res.body.resume();
    expect(hits).toEqual(['/v1/chat/completions']);
  });
});
