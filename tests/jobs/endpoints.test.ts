/**
 * The jobs endpoints over HTTP, with the official `openai` client where OpenAI defines the shape
 * (Videos API) and raw HTTP for 3D: create, poll, download, list, cancel; 400 naming the field
 * before any provider call; tenant isolation; a restart mid-job; 20 concurrent creations against
 * a budget for 5. The gateway is served by the same Node handler as `npm start`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toFile } from 'openai';
import type { Db } from '@/lib/db/client';
import { configureJobs, stopJobsFor } from '@/lib/gateway/jobs/service';
import { runDueJobs } from '@/lib/gateway/jobs/runner';
import { testDb } from '../support/db';
import { newTenant as harnessTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from '../gateway/harness';
import { FAKE_GLB, FAKE_MP4, FAKE_PNG } from '../fake-providers/common';
import { LocalStorage, MY_TENANTS, onlyMine, startFakes, tempDir, type Fakes } from './support';

async function newTenant(...args: Parameters<typeof harnessTenant>) {
  const t = await harnessTenant(...args);
  MY_TENANTS.add(t.tenantId);
  return t;
}

let db: Db;
let upstream: FakeUpstream;
let fakes: Fakes;
let storage: LocalStorage;
let g: RunningGateway;

const JOBS = { pollMinMs: 20, pollMaxMs: 50, leaseMs: 2_000, onlyTenants: onlyMine };

async function gateway(opts: { poller: boolean; instanceId: string }): Promise<RunningGateway> {
  const r = await startGateway(db, upstream, { env: { ...(await import('../gateway/harness')).fakeEnv(upstream), ...fakes.env } });
  await configureJobs(r.gw, { storage, options: JOBS, poller: opts.poller, pollIntervalMs: 25, instanceId: opts.instanceId });
  return r;
}

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const buf = Buffer.from(await res.arrayBuffer());
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
  } catch {
    /* binary */
  }
  return { status: res.status, json, buf, type: res.headers.get('content-type') };
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = (await testDb()).db;
  upstream = await startFakeUpstream();
  fakes = await startFakes();
  storage = new LocalStorage(await tempDir('radiant-jobs-http-'));
  g = await gateway({ poller: true, instanceId: 'main' });
}, 60_000);

afterAll(async () => {
  await stopJobsFor(g.gw);
  await g?.close();
  await fakes?.close();
  await upstream?.close();
});

describe('POST /api/v1/videos with the openai client', () => {
  it('creates, polls, downloads and meters a video job', async () => {
    const t = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const created = await t.client.videos.create({ model: 'ray-2', prompt: 'a fox in the snow', seconds: '5' as never, size: '1280x720' });
    expect(created).toMatchObject({ object: 'video', status: 'queued', model: 'ray-2', seconds: '5', size: '1280x720', progress: 0 });
    expect(created.id).toMatch(/^video_/);
    const done = await until(
      () => t.client.videos.retrieve(created.id),
      (v) => v.status === 'completed',
    );
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    expect((done as unknown as { price: string }).price).toBe('0.35');
    const content = await t.client.videos.downloadContent(created.id);
    expect(Buffer.from(await content.arrayBuffer()).equals(FAKE_MP4)).toBe(true);
    const thumb = await t.client.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(Buffer.from(await thumb.arrayBuffer()).equals(FAKE_PNG)).toBe(true);
    const page = await t.client.videos.list();
    expect(page.data.map((v) => v.id)).toContain(created.id);
    const usage = await usageRows(db, t.tenantId);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ endpoint: 'videos', videoSeconds: '5', price: '0.35', status: 'success' });
    const body = JSON.stringify(await call('GET', `/api/v1/videos/${created.id}`, t.key).then((r) => r.json));
    expect(body).not.toMatch(/cost|markup|margin/i);
  });

  it('accepts an input_reference image upload (multipart) for an image-to-video model', async () => {
    const t = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const created = await t.client.videos.create({
      model: 'veo-2.0',
      prompt: 'the cat starts to dance',
      seconds: '6' as never,
      size: '1280x720',
      input_reference: await toFile(FAKE_PNG, 'cat.png', { type: 'image/png' }),
    });
    const done = await until(
      () => t.client.videos.retrieve(created.id),
      (v) => v.status === 'completed',
    );
    expect(done.status).toBe('completed');
    const sent = fakes.veo.requests.find((r) => r.method === 'POST' && JSON.stringify(r.body).includes('the cat starts to dance'));
    expect((sent?.body as { instances: Array<{ image?: { mimeType: string } }> }).instances[0]?.image?.mimeType).toBe('image/png');
  });

  it('answers bad input with a 400 naming the field, before any provider call', async () => {
    const t = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const before = fakes.luma.requests.length + fakes.runway.requests.length;
    const bad = await call('POST', '/api/v1/videos', t.key, { model: 'ray-2', prompt: 'x', seconds: 7 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { type: 'invalid_request_error', param: 'seconds' } });
    const size = await call('POST', '/api/v1/videos', t.key, { model: 'ray-2', prompt: 'x', size: '640x480' });
    expect(size.json).toMatchObject({ error: { param: 'size' } });
    const ref = await call('POST', '/api/v1/videos', t.key, { model: 'gen3-alpha-turbo', prompt: 'x', size: '1280x768' });
    expect(ref.json).toMatchObject({ error: { param: 'input_reference' } });
    const model = await call('POST', '/api/v1/videos', t.key, { model: 'pika-2.0', prompt: 'x' });
    expect(model.status).toBe(404);
    const noPrompt = await call('POST', '/api/v1/videos', t.key, { model: 'ray-2' });
    expect(noPrompt.json).toMatchObject({ error: { param: 'prompt' } });
    expect(fakes.luma.requests.length + fakes.runway.requests.length).toBe(before);
  });

  it('DELETE cancels a running Runway job (not charged); a Luma job cannot be cancelled (409)', async () => {
    const t = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    fakes.runway.script(['never']);
    const r = await call('POST', '/api/v1/videos', t.key, {
      model: 'gen3-alpha-turbo',
      prompt: 'x',
      size: '1280x768',
      seconds: 5,
      input_reference: 'https://img.example/a.png',
    });
    await until(
      () => call('GET', `/api/v1/videos/${String(r.json.id)}`, t.key),
      (v) => v.json.status === 'in_progress',
    );
    await until(
      async () => fakes.runway.tasks.size,
      (n) => n > 0,
    );
    await new Promise((res) => setTimeout(res, 100));
    const del = await call('DELETE', `/api/v1/videos/${String(r.json.id)}`, t.key);
    expect(del.json).toMatchObject({ status: 'cancelled', price: '0' });
    fakes.luma.script(['never']);
    const l = await call('POST', '/api/v1/videos', t.key, { model: 'ray-2', prompt: 'y', seconds: 5 });
    await until(
      () => call('GET', `/api/v1/videos/${String(l.json.id)}`, t.key),
      (v) => v.json.status === 'in_progress',
    );
    await new Promise((res) => setTimeout(res, 100));
    const no = await call('DELETE', `/api/v1/videos/${String(l.json.id)}`, t.key);
    expect(no.status).toBe(409);
  });
});

describe('POST /api/v1/3d/generations', () => {
  it('creates, polls and downloads the glb and its preview; metered per request', async () => {
    const t = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const c = await call('POST', '/api/v1/3d/generations', t.key, { model: 'tripo-v2', prompt: 'a treasure chest' });
    expect(c.status).toBe(200);
    expect(c.json).toMatchObject({ object: '3d.generation', status: 'queued', model: 'tripo-v2', estimated_price: '0.14' });
    const id = String(c.json.id);
    const done = await until(
      () => call('GET', `/api/v1/3d/generations/${id}`, t.key),
      (v) => v.json.status === 'completed',
    );
    expect(done.json).toMatchObject({ status: 'completed', price: '0.14' });
    const glb = await call('GET', `/api/v1/3d/generations/${id}/content`, t.key);
    expect(glb.type).toBe('model/gltf-binary');
    expect(glb.buf.equals(FAKE_GLB)).toBe(true);
    const prev = await call('GET', `/api/v1/3d/generations/${id}/content?variant=preview`, t.key);
    expect(prev.status).toBe(200);
    expect((await usageRows(db, t.tenantId))[0]).toMatchObject({ endpoint: '3d.generations', requestCount: 1, price: '0.14' });
    expect((await call('POST', '/api/v1/3d/generations', t.key, { model: 'tripo-v2', prompt: 'x', seconds: 5 })).json).toMatchObject({
      error: { param: 'seconds' },
    });
  });

  it('another tenant can neither see a job nor download its content', async () => {
    const a = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const b = await newTenant(db, g.baseURL, { key: { scopes: ['videos'] } });
    const c = await call('POST', '/api/v1/3d/generations', a.key, { model: 'meshy-v3', prompt: 'a chair' });
    const id = String(c.json.id);
    await until(
      () => call('GET', `/api/v1/3d/generations/${id}`, a.key),
      (v) => v.json.status === 'completed',
    );
    expect((await call('GET', `/api/v1/3d/generations/${id}`, b.key)).status).toBe(404);
    expect((await call('GET', `/api/v1/3d/generations/${id}/content`, b.key)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/3d/generations/${id}`, b.key)).status).toBe(404);
    expect(((await call('GET', '/api/v1/3d/generations', b.key)).json.data as unknown[]).length).toBe(0);
  });
});

describe('restarts and budgets over HTTP', () => {
  it('a job survives a restart of the instance that created it and completes once', async () => {
    const a = await gateway({ poller: false, instanceId: 'A' });
    const t = await newTenant(db, a.baseURL, { key: { scopes: ['videos'] } });
    const c = await fetch(`${a.url}/api/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'kling-v1.5-pro', prompt: 'a boat', seconds: 5 }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const { jobsRuntimeFor } = await import('@/lib/gateway/jobs/service');
    await runDueJobs(jobsRuntimeFor(a.gw)); // A starts the provider task ...
    await stopJobsFor(a.gw);
    await a.close(); // ... and goes away
    const b = await gateway({ poller: true, instanceId: 'B' });
    try {
      const done = await until(
        () =>
          fetch(`${b.url}/api/v1/videos/${c.id}`, { headers: { authorization: `Bearer ${t.key}` } }).then(
            (r) => r.json() as Promise<{ status: string; price: string }>,
          ),
        (v) => v.status === 'completed',
      );
      expect(done).toMatchObject({ status: 'completed', price: '0.175' });
      expect(await usageRows(db, t.tenantId)).toHaveLength(1);
      expect(fakes.kling.requests.filter((r) => r.method === 'POST' && (r.body as { prompt?: string }).prompt === 'a boat')).toHaveLength(1);
    } finally {
      await stopJobsFor(b.gw);
      await b.close();
    }
  });

  it('reservations hold under 20 concurrent creations against a budget for 5', async () => {
    const t = await newTenant(db, g.baseURL, { tenant: { monthlyBudget: '1.75' }, key: { scopes: ['videos'] } });
    fakes.luma.script(Array.from({ length: 20 }, () => 'never' as const));
    const out = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/api/v1/videos', t.key, { model: 'ray-2', prompt: 'p', seconds: 5 })));
    expect(out.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = out.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(15);
    for (const r of refused) expect(r.json).toMatchObject({ error: { code: 'insufficient_quota' } });
  });
});
