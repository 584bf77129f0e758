/**
 * Every video/3D adapter against its fake provider (tests/fake-providers/<provider>.ts), over
 * HTTP: create, poll to success (result files downloadable until their URL expires), provider
 * failure, content-policy refusal with the provider's reason, HTTP timeout, cancellation (or its
 * absence), bad credentials, and input rejected before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskAdapterFor } from '@/lib/gateway/jobs/adapters';
import { ProviderTaskError, type TaskAdapter, type TaskEndpoint, type TaskRequest, type TaskState } from '@/lib/gateway/jobs/task-types';
import { klingJwt } from '@/lib/gateway/adapters/kling';
import type { FakeTaskProvider } from '../fake-providers/common';
import { FakeRunway } from '../fake-providers/runway';
import { FakeLuma } from '../fake-providers/luma';
import { FakeKling } from '../fake-providers/kling';
import { FakeVeo } from '../fake-providers/veo';
import { FakeMeshy } from '../fake-providers/meshy';
import { FakeTripo } from '../fake-providers/tripo';

const IMG_DATA = 'data:image/png;base64,iVBORw0KGgo=';

interface Case {
  wire: 'runway' | 'luma' | 'kling' | 'veo' | 'meshy' | 'tripo';
  fake: () => FakeTaskProvider & { apiKey?: string };
  key: (f: FakeTaskProvider) => string;
  req: TaskRequest;
  produced: string | null;
  roles: string[];
  cancels: boolean;
  bad: { patch: Partial<TaskRequest>; param: string };
}

const video = (providerModelId: string, extra: Partial<TaskRequest> = {}): TaskRequest => ({
  kind: 'video',
  providerModelId,
  prompt: 'a red fox running through snow',
  seconds: 5,
  size: '1280x720',
  inputReference: null,
  callbackUrl: null,
  ...extra,
});
const model3d = (providerModelId: string): TaskRequest => ({
  kind: '3d',
  providerModelId,
  prompt: 'a wooden treasure chest',
  seconds: null,
  size: null,
  inputReference: null,
  callbackUrl: null,
});

const CASES: Case[] = [
  {
    wire: 'runway',
    fake: () => new FakeRunway(),
    key: (f) => (f as FakeRunway).apiKey,
    req: video('gen3a_turbo', { size: '1280x768', inputReference: 'https://img.example/cat.png' }),
    produced: '5',
    roles: ['video'],
    cancels: true,
    bad: { patch: { inputReference: null }, param: 'input_reference' },
  },
  {
    wire: 'luma',
    fake: () => new FakeLuma(),
    key: (f) => (f as FakeLuma).apiKey,
    req: video('ray-2', { seconds: 9 }),
    produced: '9',
    roles: ['video', 'preview'],
    cancels: false,
    bad: { patch: { seconds: 7 }, param: 'seconds' },
  },
  {
    wire: 'kling',
    fake: () => new FakeKling(),
    key: (f) => (f as FakeKling).credential,
    req: video('kling-v1.5-pro', { seconds: 10 }),
    produced: '10.1',
    roles: ['video'],
    cancels: false,
    bad: { patch: { size: '640x480' }, param: 'size' },
  },
  {
    wire: 'veo',
    fake: () => new FakeVeo(),
    key: (f) => (f as FakeVeo).apiKey,
    req: video('veo-2.0', { seconds: 6, inputReference: IMG_DATA }),
    produced: '6',
    roles: ['video'],
    cancels: false,
    bad: { patch: { seconds: 10 }, param: 'seconds' },
  },
  {
    wire: 'meshy',
    fake: () => new FakeMeshy(),
    key: (f) => (f as FakeMeshy).apiKey,
    req: model3d('meshy-v3'),
    produced: null,
    roles: ['model', 'preview'],
    cancels: false,
    bad: { patch: { providerModelId: 'meshy-v3-turbo', inputReference: 'https://img.example/a.png' }, param: 'input_reference' },
  },
  {
    wire: 'tripo',
    fake: () => new FakeTripo(),
    key: (f) => (f as FakeTripo).apiKey,
    req: model3d('tripo-v2'),
    produced: null,
    roles: ['model', 'preview'],
    cancels: false,
    bad: { patch: { inputReference: IMG_DATA }, param: 'input_reference' },
  },
];

async function pollUntilDone(a: TaskAdapter, ep: TaskEndpoint, id: string, req: TaskRequest): Promise<{ last: TaskState; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const s = await a.poll(ep, id, req);
    seen.push(s.status);
    if (s.status !== 'queued' && s.status !== 'in_progress') return { last: s, seen };
  }
  throw new Error('never finished');
}

describe.each(CASES)('$wire adapter against its fake', (c) => {
  let fake: FakeTaskProvider;
  let ep: TaskEndpoint;
  const a = taskAdapterFor(c.wire)!;
  beforeAll(async () => {
    fake = await c.fake().start();
    ep = { baseUrl: fake.baseUrl, apiKey: c.key(fake), timeoutMs: 2_000 };
  });
  afterAll(() => fake.close());

  it('validates the request before any call, naming the field', () => {
    expect(a.validate(c.req)).toBeNull();
    const issue = a.validate({ ...c.req, ...c.bad.patch });
    expect(issue?.param).toBe(c.bad.param);
  });

  it('creates a task, polls it through its states to success, and the result files download', async () => {
    const { taskId } = await a.create(ep, c.req);
    expect(taskId).toBeTruthy();
    const { last, seen } = await pollUntilDone(a, ep, taskId, c.req);
    // Veo's operation has no queued state: it is running from the start.
    expect(seen[0]).toBe(c.wire === 'veo' ? 'in_progress' : 'queued');
    expect(seen).toContain('in_progress');
    expect(last.status).toBe('completed');
    expect(last.failure).toBeNull();
    expect(last.producedSeconds).toBe(c.produced);
    expect(last.files.map((f) => f.role).sort()).toEqual([...c.roles].sort());
    for (const f of last.files) {
      const res = await fetch(f.url, { headers: f.headers });
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(8);
    }
  });

  it('reports a provider failure as failed, not content policy', async () => {
    fake.script(['fail']);
    const { taskId } = await a.create(ep, c.req);
    const { last } = await pollUntilDone(a, ep, taskId, c.req);
    expect(last.status).toBe('failed');
    expect(last.failure?.contentPolicy).toBe(false);
    expect(last.failure?.message).toBeTruthy();
  });

  it("reports a content-policy refusal with the provider's reason", async () => {
    fake.script(['policy']);
    const { taskId } = await a.create(ep, c.req);
    const { last } = await pollUntilDone(a, ep, taskId, c.req);
    expect(last.status).toBe('failed');
    expect(last.failure?.contentPolicy).toBe(true);
    expect(last.failure?.message.length).toBeGreaterThan(10);
  });

  it('times out on a provider that does not answer (retryable)', async () => {
    fake.stallMs = 500;
    try {
      const err = await a.create({ ...ep, timeoutMs: 100 }, c.req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderTaskError);
      expect((err as ProviderTaskError).kind).toBe('timeout');
      expect((err as ProviderTaskError).retryable).toBe(true);
    } finally {
      fake.stallMs = 0;
    }
  });

  it('cancels where the provider offers it, and says so where it does not', async () => {
    fake.script(['never']);
    const { taskId } = await a.create(ep, c.req);
    await a.poll(ep, taskId, c.req);
    const out = await a.cancel(ep, taskId);
    expect(out).toBe(c.cancels ? 'cancelled' : 'unsupported');
    if (c.cancels) expect((await a.poll(ep, taskId, c.req)).status).toBe('cancelled');
    else expect((await a.poll(ep, taskId, c.req)).status).toBe('in_progress');
  });

  it('maps a bad credential to an authentication error (not retryable)', async () => {
    const badKey = c.wire === 'kling' ? 'kling-ak:wrong-secret' : 'wrong-key';
    const err = await a.create({ ...ep, apiKey: badKey }, c.req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderTaskError);
    expect((err as ProviderTaskError).retryable).toBe(false);
    expect(['authentication', 'invalid_request']).toContain((err as ProviderTaskError).kind);
  });

  it('result URLs expire: a copy must be made before they do', async () => {
    fake.fileTtlMs = 50;
    try {
      const { taskId } = await a.create(ep, c.req);
      const { last } = await pollUntilDone(a, ep, taskId, c.req);
      await new Promise((r) => setTimeout(r, 80));
      const res = await fetch(last.files[0]!.url, { headers: last.files[0]!.headers });
      expect(res.status).toBe(403);
    } finally {
      fake.fileTtlMs = 60_000;
    }
  });
});

describe('provider specifics', () => {
  it('kling signs an HS256 JWT with iss = access key, valid 30 minutes', () => {
    const jwt = klingJwt('ak:sk', 1_000_000);
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(payload).toEqual({ iss: 'ak', exp: 1_001_800, nbf: 999_995 });
  });

  it('kling refuses a prompt under its content policy at creation (code 1301)', async () => {
    const fake = await new FakeKling().start();
    try {
      const a = taskAdapterFor('kling')!;
      const err = await a
        .create({ baseUrl: fake.baseUrl, apiKey: fake.credential }, video('kling-v1.5-pro', { prompt: 'something forbidden' }))
        .catch((e: unknown) => e);
      expect((err as ProviderTaskError).kind).toBe('content_policy');
      expect((err as ProviderTaskError).message).toContain('content security policy');
    } finally {
      await fake.close();
    }
  });

  it('luma posts the generation to the callback URL and the adapter reads it', async () => {
    const fake = await new FakeLuma().start();
    const got: unknown[] = [];
    const http = await import('node:http');
    const recv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        got.push(JSON.parse(b));
        res.end();
      });
    });
    await new Promise<void>((r) => recv.listen(0, '127.0.0.1', r));
    try {
      const a = taskAdapterFor('luma')!;
      const port = (recv.address() as { port: number }).port;
      const req = video('ray-2', { callbackUrl: `http://127.0.0.1:${port}/hook` });
      const ep = { baseUrl: fake.baseUrl, apiKey: fake.apiKey };
      const { taskId } = await a.create(ep, req);
      await pollUntilDone(a, ep, taskId, req);
      await new Promise((r) => setTimeout(r, 100));
      const states = got.map((g) => a.parseWebhook!(g)).map((p) => p?.state.status);
      expect(states).toContain('completed');
      expect(got.map((g) => a.parseWebhook!(g)?.taskId)).toContain(taskId);
    } finally {
      recv.close();
      await fake.close();
    }
  });
});
