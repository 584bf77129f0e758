/**
 * Outbound URLs people set in the app (lib/platform/outbound.ts): an administrator's Slack
 * webhook and a provider base URL changed through an approval are refused toward loopback,
 * link-local / cloud-metadata and private addresses, unless RADIANT_OUTBOUND_ALLOW names the host.
 * Black box through the admin API route for the webhook.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as settingsRoute from '../../app/api/admin/notifications/settings/route';
import { setSessionResolverForTests } from '../../lib/auth/session';
import type { Db } from '../../lib/db/client';
import { proposeChange } from '../../lib/governance/approvals';
import { assertOutboundUrl, forbiddenAddressReason, OutboundRefusedError } from '../../lib/platform/outbound';
import { testDb } from '../support/db';
import { adminSession, createAdmin, createTestCatalog, ctxOf, useSession } from '../governance/helpers';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});
afterEach(() => {
  setSessionResolverForTests(null);
  delete process.env.RADIANT_OUTBOUND_ALLOW;
});

const refused = (url: string, resolve?: (h: string) => Promise<string[]>) =>
  assertOutboundUrl(url, resolve ? { resolve } : {}).then(
    () => null,
    (e: unknown) => e,
  );

describe('the outbound guard', () => {
  it('refuses 127.0.0.1, 169.254.169.254, private, IPv6 loopback and mapped addresses', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/x',
      'http://192.168.1.1/x',
      'http://172.20.0.1/x',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[fd00:ec2::254]/x',
      'http://0.0.0.0/x',
    ]) {
      expect(await refused(url), url).toBeInstanceOf(OutboundRefusedError);
    }
    expect(forbiddenAddressReason('169.254.169.254')).toMatch(/metadata/);
    expect(forbiddenAddressReason('93.184.216.34')).toBeNull();
  });

  it('checks what a host name resolves to, not only literals', async () => {
    expect(await refused('https://hooks.evil.test/x', async () => ['127.0.0.1'])).toBeInstanceOf(OutboundRefusedError);
    expect(await refused('https://hooks.fine.test/x', async () => ['93.184.216.34'])).toBeNull();
    expect(await refused('https://mixed.test/x', async () => ['93.184.216.34', '10.1.2.3'])).toBeInstanceOf(OutboundRefusedError);
    expect(await refused('ftp://93.184.216.34/x')).toBeInstanceOf(OutboundRefusedError);
    expect(await refused('https://user:pw@93.184.216.34/x')).toBeInstanceOf(OutboundRefusedError);
  });

  it('RADIANT_OUTBOUND_ALLOW names hosts an operator allows', async () => {
    process.env.RADIANT_OUTBOUND_ALLOW = 'llm.internal, 127.0.0.1';
    expect(await refused('http://127.0.0.1:9/v1')).toBeNull();
    expect(await refused('http://llm.internal/v1', async () => ['10.0.0.7'])).toBeNull();
    expect(await refused('http://169.254.169.254/')).toBeInstanceOf(OutboundRefusedError);
  });
});

describe('where people set URLs', () => {
  it("an administrator's Slack webhook toward 127.0.0.1 or the metadata address is a 400 (admin API)", async () => {
    const a = await createAdmin(db, 'operator');
    useSession(adminSession(a));
    for (const url of ['http://127.0.0.1:9000/hook', 'http://169.254.169.254/latest/meta-data/']) {
      const res = await settingsRoute.PUT(
        new Request('http://127.0.0.1/api/admin/notifications/settings', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ slackWebhookUrl: url }),
        }),
        { params: Promise.resolve({}) } as never,
      );
      expect(res.status, url).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('slackWebhookUrl');
    }
  });

  it('a provider base URL toward the metadata address cannot even be proposed', async () => {
    const { providerId } = await createTestCatalog(db);
    const op = await createAdmin(db, 'operator');
    await expect(
      proposeChange({ ctx: ctxOf(op), input: { action: 'provider.set_base_url', payload: { providerId, apiBaseUrl: 'http://169.254.169.254/v1' } } }),
    ).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(
      proposeChange({ ctx: ctxOf(op), input: { action: 'provider.set_base_url', payload: { providerId, apiBaseUrl: 'http://127.0.0.1:11434/v1' } } }),
    ).rejects.toBeInstanceOf(OutboundRefusedError);
  });
});
