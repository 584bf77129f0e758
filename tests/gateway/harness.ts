/**
 * Gateway test harness: a fake upstream (OpenAI / Anthropic / Gemini wire formats), a gateway
 * whose provider base URLs point at it, served on an ephemeral port by the same Node handler the
 * custom server uses, and tenants with API keys made through the real key service.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import OpenAI from 'openai';
import type { Db } from '../../lib/db/client';
import { tenantModelAccess, type tenants, usageEvents } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { createGateway, type Gateway, type GatewayOptions } from '../../lib/gateway';
import { createApiKey, type CreateApiKeyInput } from '../../lib/gateway/keys';
import { startFakeUpstream, type FakeUpstream } from '../fake-upstream/server';
import { createTenant, createUser } from '../support/factories';

export function fakeEnv(fake: FakeUpstream, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_API_KEY: 'test-openai-key',
    ANTHROPIC_API_KEY: 'test-anthropic-key',
    GOOGLE_API_KEY: 'test-google-key',
    DEEPSEEK_API_KEY: 'test-deepseek-key',
    MISTRAL_API_KEY: 'test-mistral-key',
    SELF_HOSTED_API_KEY: 'test-self-hosted-key',
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    ANTHROPIC_BASE_URL: `${fake.url}/v1`,
    GOOGLE_BASE_URL: fake.geminiBaseUrl,
    DEEPSEEK_BASE_URL: fake.openaiBaseUrl,
    MISTRAL_BASE_URL: fake.openaiBaseUrl,
    SELF_HOSTED_BASE_URL: fake.openaiBaseUrl,
    RADIANT_SECRET_KEY: 'test-secret-key-for-gateway-tests',
    ...extra,
  };
}

export interface RunningGateway {
  gw: Gateway;
  url: string;
  baseURL: string;
  server: http.Server;
  close(): Promise<void>;
}

export async function startGateway(db: Db, fake: FakeUpstream, options: GatewayOptions = {}): Promise<RunningGateway> {
  const journal = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-journal-'));
  const gw = createGateway({
    env: fakeEnv(fake),
    db: async () => db,
    redisUrl: null,
    upstreamTimeoutMs: 3000,
    streamIdleTimeoutMs: 3000,
    retryBaseMs: 10,
    maxRetries: 2,
    meteringFlushMs: 25,
    statsFlushMs: 60_000,
    meteringJournalDir: journal,
    forwardHeaders: ['x-fake-cached-tokens', 'x-fake-cache-write-tokens'],
    ...options,
  });
  await gw.ready();
  const server = http.createServer((req, res) => {
    gw.nodeHandler(req, res).catch((err: unknown) => {
      res.statusCode = 500;
      res.end(String(err));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    gw,
    url,
    baseURL: `${url}/api/v1`,
    server,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await gw.shutdown(5000);
      fs.rmSync(journal, { recursive: true, force: true });
    },
  };
}

export interface TestTenant {
  tenantId: string;
  userId: string;
  key: string;
  keyId: string;
  client: OpenAI;
}

export async function newTenant(
  db: Db,
  baseURL: string,
  opts: { tenant?: Partial<typeof tenants.$inferInsert>; key?: Partial<CreateApiKeyInput> } = {},
): Promise<TestTenant> {
  const t = await createTenant(db, { tier: 3, ...opts.tenant });
  const u = await createUser(db, t.id, { role: 'owner' });
  const { key, apiKey } = await createApiKey({
    ctx: { tenantId: t.id, actor: { type: 'tenant_user', userId: u.id, email: u.email, role: 'owner' }, db },
    input: { name: 'test', ...opts.key },
  });
  return { tenantId: t.id, userId: u.id, key, keyId: apiKey.id, client: new OpenAI({ apiKey: key, baseURL, maxRetries: 0, timeout: 20_000 }) };
}

export async function usageRows(db: Db, tenantId: string) {
  return withPlatform((tx) => tx.select().from(usageEvents).where(eq(usageEvents.tenantId, tenantId)).orderBy(usageEvents.createdAt), db);
}

export async function setTenantModel(db: Db, tenantId: string, modelId: string, values: Partial<typeof tenantModelAccess.$inferInsert>) {
  await withPlatform(async (tx) => {
    const [cur] = await tx
      .select()
      .from(tenantModelAccess)
      .where(and(eq(tenantModelAccess.tenantId, tenantId), eq(tenantModelAccess.modelId, modelId)));
    if (cur)
      await tx
        .update(tenantModelAccess)
        .set({ ...values, updatedAt: new Date() })
        .where(eq(tenantModelAccess.id, cur.id));
    else await tx.insert(tenantModelAccess).values({ tenantId, modelId, ...values });
  }, db);
}

export { startFakeUpstream };
export type { FakeUpstream };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Raw HTTP call (for headers the SDK hides, aborts and malformed bodies). */
export async function rawPost(
  url: string,
  key: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}
