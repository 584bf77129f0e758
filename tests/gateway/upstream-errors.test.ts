/**
 * Provider error bodies never reach tenants verbatim (issue 17): through HTTP against the fake
 * upstream answering with an error that names the platform's provider organization, a key, a URL
 * and an env var. The tenant gets our wording with the provider's status and type (OpenAI-shaped on
 * /api/v1/chat/completions, Anthropic-shaped on /api/v1/messages); the provider's own message is in
 * the request log for admins only; our own "provider not configured" error names no env var.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../lib/db/client';
import { requestLogs } from '../../lib/db/schema';
import { withPlatform, withTenant } from '../../lib/db/tenant';
import { getRequestLog } from '../../lib/tenants/request-logs';
import { pollRows } from '../support/poll';
import { testDb } from '../support/db';
import { fakeEnv, newTenant, startFakeUpstream, startGateway, type FakeUpstream, type RunningGateway } from './harness';

const ORG = 'org-Q7xk2LmP9vR4tY8wZ1aB3cD5';
const LEAKY = `You exceeded your current quota for organization ${ORG} (project proj_a1B2c3D4e5F6g7H8). Check OPENAI_API_KEY or see https://platform.openai.com/account/billing, key sk-proj-abc123*****xyz.`;
const SECRETS = [ORG, 'proj_a1B2c3D4e5F6g7H8', 'OPENAI_API_KEY', 'platform.openai.com', 'sk-proj-abc123'];

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake, { maxRetries: 0 });
});
afterAll(async () => {
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

function expectNoSecrets(text: string) {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

const chat = (key: string) =>
  fetch(`${g.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('upstream errors reach tenants in our words', () => {
  it('chat: a provider 400 keeps its explanation, sanitized, behind our wording with status and type (OpenAI shape)', async () => {
    const t = await newTenant(h.db, g.baseURL, { tenant: { requestLoggingEnabled: true } });
    fake.setBehavior({ mode: 'status', status: 400, message: LEAKY });
    const res = await chat(t.key);
    expect(res.status).toBe(400);
    const text = await res.text();
    expectNoSecrets(text);
    const body = JSON.parse(text) as { error: { message: string; type: string; code: string | null } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^The provider rejected the request \(OpenAI 400 invalid_request_error\): You exceeded your current quota/);
    expect(body.error.message).toContain('<id>');

    // Admins see what the provider said in the request log; the tenant's view of the same log does not.
    const requestId = res.headers.get('x-request-id')!;
    const [row] = await pollRows(() => withPlatform((tx) => tx.select().from(requestLogs).where(eq(requestLogs.requestId, requestId)), h.db));
    expect(JSON.stringify(row!.responseBody)).toContain(ORG);
    const admin = await withPlatform((tx) => getRequestLog(tx, null, row!.id), h.db);
    expect((admin.responseBody as { upstream: { message: string } }).upstream.message).toBe(LEAKY);
    const tenantView = await withTenant(t.tenantId, (tx) => getRequestLog(tx, t.tenantId, row!.id), h.db);
    expectNoSecrets(JSON.stringify(tenantView));
  });

  it('chat: a provider 500 is our sentence only, with the status', async () => {
    const t = await newTenant(h.db, g.baseURL);
    fake.setBehavior({ mode: 'status', status: 500, message: LEAKY });
    const res = await chat(t.key);
    expect(res.status).toBe(500);
    const text = await res.text();
    expectNoSecrets(text);
    expect(text).not.toContain('quota');
    const body = JSON.parse(text) as { error: { message: string } };
    expect(body.error.message).toMatch(/^The provider failed while processing the request \(OpenAI 500 server_error\)/);
  });

  it('messages: a Claude 400 is answered in Anthropic’s shape, in our words, without the org id', async () => {
    const t = await newTenant(h.db, g.baseURL);
    fake.setBehavior({ mode: 'status', status: 400, message: LEAKY });
    const res = await fetch(`${g.baseURL}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': t.key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4.5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expectNoSecrets(text);
    const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^The provider rejected the request \(Anthropic 400 invalid_request_error\): You exceeded/);
  });

  it('a provider with no key configured: 503 that names no environment variable', async () => {
    const env = fakeEnv(fake);
    delete env.OPENAI_API_KEY;
    const g2 = await startGateway(h.db, fake, { env, maxRetries: 0 });
    try {
      const t = await newTenant(h.db, g2.baseURL);
      const res = await fetch(`${g2.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toMatch(/OPENAI_API_KEY|RADIANT_SECRET_KEY|environment variable/);
      expect((JSON.parse(text) as { error: { message: string } }).error.message).toBe('The provider of this model is not available on this gateway right now.');
    } finally {
      await g2.close();
    }
  });
});
