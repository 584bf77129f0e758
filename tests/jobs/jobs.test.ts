/**
 * Jobs in the database, against the fake providers over HTTP: create -> provider task -> polls ->
 * result copied to storage -> completed once, metered once at the units produced, webhook sent;
 * failures, refusals, cancellation and deadlines release the hold and bill nothing; a restart in
 * the middle, two instances, 20 concurrent creations against a budget for 5, tenant isolation,
 * retention. PGlite by default, PostgreSQL when TEST_DATABASE_URL is set.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { queryRows, type Db } from '@/lib/db/client';
import { withPlatform } from '@/lib/db/tenant';
import { BudgetExceededError, ConflictError, NotFoundError, ValidationError } from '@/lib/errors';
import { cancelJob, createJob, getJob, jobContent, listJobs, type CreateJobInput, type JobCtx } from '@/lib/gateway/jobs/store';
import { applyRetention, runDueJobs, tenantScope } from '@/lib/gateway/jobs/runner';
import type { JobsRuntime } from '@/lib/gateway/jobs/runtime';
import { createWebhook, deliverDueWebhooks, listDeliveries, redeliver } from '@/lib/gateway/jobs/webhooks';
import { BudgetLedger } from '@/lib/gateway/limits/budget';
import { jobAwareBudgetSources } from '@/lib/gateway/jobs/money';
import { testDb } from '../support/db';
import { createTenant } from '../support/factories';
import { FAKE_GLB, FAKE_MP4 } from '../fake-providers/common';
import { LocalStorage, MY_TENANTS, makeRuntime, startFakes, tempDir, type Fakes } from './support';

let db: Db;
let fakes: Fakes;
let storage: LocalStorage;
let rt: JobsRuntime;

const video = (over: Partial<CreateJobInput> = {}): CreateJobInput => ({
  kind: 'video',
  model: 'ray-2',
  prompt: 'a fox in the snow',
  seconds: 5,
  size: '1280x720',
  inputReference: null,
  ...over,
});
const mesh = (over: Partial<CreateJobInput> = {}): CreateJobInput => ({
  kind: '3d',
  model: 'meshy-v3',
  prompt: 'a treasure chest',
  seconds: null,
  size: null,
  inputReference: null,
  ...over,
});

async function tenantCtx(budget: string | null = null): Promise<JobCtx> {
  const t = await createTenant(db, { monthlyBudget: budget });
  MY_TENANTS.add(t.id);
  return { tenantId: t.id, tenantMonthlyBudget: budget, apiKeyId: null, keyMonthlyBudget: null };
}

async function drive(r: JobsRuntime, tenantId: string, id: string, maxTicks = 20) {
  for (let i = 0; i < maxTicks; i++) {
    const j = await getJob(r, tenantId, id);
    if (!['queued', 'in_progress'].includes(j.status)) return j;
    await runDueJobs(r);
  }
  return getJob(r, tenantId, id);
}

async function usageFor(jobId: string) {
  return withPlatform(
    (tx) =>
      queryRows<{ price: string; video_seconds: string; request_count: number; status: string; endpoint: string }>(
        tx,
        sql`SELECT price::text, video_seconds::text, request_count, status, endpoint FROM usage_events WHERE request_id = ${jobId}`,
      ),
    db,
  );
}

beforeAll(async () => {
  db = (await testDb()).db;
  fakes = await startFakes();
  storage = new LocalStorage(await tempDir('radiant-jobs-'));
  rt = makeRuntime(db, fakes, { storage });
}, 60_000);

afterAll(async () => {
  await fakes?.close();
});

describe('a video job', () => {
  it('runs to completion, is stored, metered once on the seconds produced, and downloads', async () => {
    const ctx = await tenantCtx();
    const job = await createJob(rt, { ctx, input: video({ seconds: 9 }) });
    expect(job.status).toBe('queued');
    expect(job.reservedAmount).toBe('0.63'); // 9 s x $0.05 x 1.40
    const done = await drive(rt, ctx.tenantId, job.id);
    expect(done.status).toBe('completed');
    expect(done.producedSeconds).toBe('9');
    expect(done.price).toBe('0.63');
    expect(done.reservedAmount).toBe('0');
    expect(done.files.map((f) => f.role).sort()).toEqual(['preview', 'video']);
    const usage = await usageFor(job.id);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ price: '0.63', video_seconds: '9', endpoint: 'videos', status: 'success' });
    const content = await jobContent(rt, ctx.tenantId, job.id, 'default');
    expect(Buffer.from(content.body).equals(FAKE_MP4)).toBe(true);
    expect(content.contentType).toBe('video/mp4');
  });

  it('bills the seconds the provider reports (Kling 5.1 s for 5 asked -> never more than quoted)', async () => {
    const ctx = await tenantCtx();
    const job = await createJob(rt, { ctx, input: video({ model: 'kling-v1.5-pro', seconds: 5 }) });
    const done = await drive(rt, ctx.tenantId, job.id);
    expect(done.producedSeconds).toBe('5.1');
    expect((await usageFor(job.id))[0]).toMatchObject({ video_seconds: '5', price: '0.175' });
  });

  it('rejects bad input naming the field, before any provider call', async () => {
    const ctx = await tenantCtx();
    const before = fakes.runway.requests.length;
    const e1 = await createJob(rt, { ctx, input: video({ model: 'gen3-alpha-turbo', size: '1280x768' }) }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ValidationError);
    expect((e1 as ValidationError).param).toBe('input_reference');
    const e2 = await createJob(rt, { ctx, input: video({ seconds: 7 }) }).catch((e: unknown) => e);
    expect((e2 as ValidationError).param).toBe('seconds');
    const e3 = await createJob(rt, { ctx, input: video({ size: '333x333' }) }).catch((e: unknown) => e);
    expect((e3 as ValidationError).param).toBe('size');
    const e4 = await createJob(rt, { ctx, input: video({ model: 'pika-2.0' }) }).catch((e: unknown) => e);
    expect(e4).toBeInstanceOf(NotFoundError);
    const e5 = await createJob(rt, { ctx, input: video({ model: 'meshy-v3' }) }).catch((e: unknown) => e);
    expect(e5).toBeInstanceOf(NotFoundError);
    expect(fakes.runway.requests.length).toBe(before);
  });

  it("a content-policy refusal fails the job with the provider's reason and bills nothing", async () => {
    const ctx = await tenantCtx('10');
    fakes.luma.script(['policy']);
    const job = await createJob(rt, { ctx, input: video() });
    expect(rt.ledger.snapshot(`t:${ctx.tenantId}`)?.spent).toBe(350_000_000n);
    const done = await drive(rt, ctx.tenantId, job.id);
    expect(done.status).toBe('failed');
    expect(done.errorCode).toBe('content_policy_violation');
    expect(done.errorMessage).toMatch(/moderation/);
    expect(done.price).toBe('0');
    expect((await usageFor(job.id))[0]).toMatchObject({ price: '0', status: 'error' });
    expect(rt.ledger.snapshot(`t:${ctx.tenantId}`)?.spent).toBe(0n);
  });

  it('a refusal at creation (Kling code 1301) fails the job with that reason', async () => {
    const ctx = await tenantCtx();
    const job = await createJob(rt, { ctx, input: video({ model: 'kling-v1.5-pro', prompt: 'something forbidden' }) });
    const done = await drive(rt, ctx.tenantId, job.id);
    expect(done.status).toBe('failed');
    expect(done.errorCode).toBe('content_policy_violation');
    expect(done.errorMessage).toContain('content security policy');
  });

  it('cancels where the provider can (Runway: not charged) and refuses where it cannot (Luma)', async () => {
    const ctx = await tenantCtx('10');
    fakes.runway.script(['never']);
    const rj = await createJob(rt, { ctx, input: video({ model: 'gen3-alpha-turbo', size: '1280x768', inputReference: 'https://img.example/a.png' }) });
    await runDueJobs(rt);
    await runDueJobs(rt);
    const c = await cancelJob(rt, ctx.tenantId, rj.id);
    expect(c.status).toBe('cancelled');
    expect(c.price).toBe('0');
    expect([...fakes.runway.requests].reverse().find((r) => r.method === 'DELETE')?.path).toContain(`/v1/tasks/`);
    fakes.luma.script(['never']);
    const lj = await createJob(rt, { ctx, input: video() });
    await runDueJobs(rt);
    await runDueJobs(rt);
    await expect(cancelJob(rt, ctx.tenantId, lj.id)).rejects.toBeInstanceOf(ConflictError);
    // a job still queued (never sent) is cancelled at once
    const q = await createJob(rt, { ctx, input: video() });
    expect((await cancelJob(rt, ctx.tenantId, q.id)).status).toBe('cancelled');
  });

  it('expires at its deadline: provider never finishes -> expired, hold released, nothing billed', async () => {
    let clock = Date.now();
    const r2 = makeRuntime(db, fakes, { storage, now: () => clock, options: { deadlineMs: { video: 60_000, '3d': 60_000 } } });
    const ctx = await tenantCtx('10');
    fakes.luma.script(['never']);
    const job = await createJob(r2, { ctx, input: video() });
    await runDueJobs(r2);
    await runDueJobs(r2);
    clock += 61_000;
    const done = await drive(r2, ctx.tenantId, job.id);
    expect(done.status).toBe('expired');
    expect(done.errorCode).toBe('deadline_exceeded');
    expect((await usageFor(job.id))[0]?.price).toBe('0');
    expect(r2.ledger.snapshot(`t:${ctx.tenantId}`)?.spent).toBe(0n);
  });
});

describe('a 3D job', () => {
  it('completes with a glb and a preview, metered per request', async () => {
    const ctx = await tenantCtx();
    const job = await createJob(rt, { ctx, input: mesh() });
    const done = await drive(rt, ctx.tenantId, job.id);
    expect(done.status).toBe('completed');
    expect(done.price).toBe('0.28'); // $0.20 x 1.40
    expect((await usageFor(job.id))[0]).toMatchObject({ price: '0.28', request_count: 1, endpoint: '3d.generations' });
    const glb = await jobContent(rt, ctx.tenantId, job.id, 'default');
    expect(Buffer.from(glb.body).equals(FAKE_GLB)).toBe(true);
    expect((await jobContent(rt, ctx.tenantId, job.id, 'preview')).contentType).toBe('image/png');
    const t = await createJob(rt, { ctx, input: mesh({ model: 'tripo-v2' }) });
    expect((await drive(rt, ctx.tenantId, t.id)).status).toBe('completed');
  });
});

describe('restarts and several instances', () => {
  it('a job survives a restart of the instance that created it and completes once', async () => {
    const ctx = await tenantCtx();
    let clock = Date.now();
    const a = makeRuntime(db, fakes, { storage, instanceId: 'A', now: () => clock });
    const job = await createJob(a, { ctx, input: video() });
    await runDueJobs(a); // A starts the provider task, then "dies" holding a fresh lease on its next claim
    await runDueJobs(a);
    const [claimed] = await withPlatform(
      (tx) =>
        queryRows<{ locked_by: string | null }>(
          tx,
          sql`UPDATE generation_jobs SET locked_by = 'A', locked_until = ${new Date(clock + 30_000).toISOString()} WHERE id = ${job.id} RETURNING locked_by`,
        ),
      db,
    );
    expect(claimed?.locked_by).toBe('A');
    const b = makeRuntime(db, fakes, { storage, instanceId: 'B', now: () => clock });
    expect(await runDueJobs(b)).toBe(0); // A's lease still holds
    clock += 31_000;
    const done = await drive(b, ctx.tenantId, job.id);
    expect(done.status).toBe('completed');
    expect(await usageFor(job.id)).toHaveLength(1);
    expect(fakes.luma.requests.filter((r) => r.method === 'POST' && (r.body as { prompt?: string })?.prompt === 'a fox in the snow').length).toBeGreaterThan(0);
  });

  it('two instances working the same jobs never complete one twice', async () => {
    const ctx = await tenantCtx();
    const a = makeRuntime(db, fakes, { storage, instanceId: 'A2', options: { leaseMs: 1 } });
    const b = makeRuntime(db, fakes, { storage, instanceId: 'B2', options: { leaseMs: 1 } });
    const jobs = await Promise.all([1, 2, 3].map(() => createJob(a, { ctx, input: mesh() })));
    for (let i = 0; i < 8; i++) await Promise.all([runDueJobs(a), runDueJobs(b), runDueJobs(a), runDueJobs(b)]);
    for (const j of jobs) {
      expect((await getJob(a, ctx.tenantId, j.id)).status).toBe('completed');
      expect(await usageFor(j.id)).toHaveLength(1);
    }
  });

  it('reservations hold under 20 concurrent creations against a budget for 5', async () => {
    const ctx = await tenantCtx('1.75'); // 5 x (5 s x $0.05 x 1.40 = $0.35)
    const ledger = new BudgetLedger(jobAwareBudgetSources(async () => db));
    const r = makeRuntime(db, fakes, { storage, ledger });
    const out = await Promise.allSettled(Array.from({ length: 20 }, () => createJob(r, { ctx, input: video() })));
    const ok = out.filter((o) => o.status === 'fulfilled');
    const refused = out.filter((o) => o.status === 'rejected');
    expect(ok).toHaveLength(5);
    expect(refused.every((o) => (o as PromiseRejectedResult).reason instanceof BudgetExceededError)).toBe(true);
    // a fresh ledger (another instance) seeds from the database and sees the five holds
    const other = makeRuntime(db, fakes, { storage });
    await expect(createJob(other, { ctx, input: video() })).rejects.toBeInstanceOf(BudgetExceededError);
  });
});

describe('tenancy, webhooks, retention', () => {
  it('another tenant can neither see a job nor download its content', async () => {
    const a = await tenantCtx();
    const b = await tenantCtx();
    const job = await createJob(rt, { ctx: a, input: mesh() });
    await drive(rt, a.tenantId, job.id);
    await expect(getJob(rt, b.tenantId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(jobContent(rt, b.tenantId, job.id, 'default')).rejects.toBeInstanceOf(NotFoundError);
    await expect(cancelJob(rt, b.tenantId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listJobs(rt, b.tenantId, {})).rows.map((r) => r.id)).not.toContain(job.id);
    expect((await listJobs(rt, a.tenantId, {})).rows.map((r) => r.id)).toContain(job.id);
  });

  it('delivers job.completed signed the Standard Webhooks way, retries a failing receiver, and redelivers', async () => {
    const got: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    let fail = 1;
    const recv = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        got.push({ headers: req.headers, body: b });
        res.writeHead(fail-- > 0 ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => recv.listen(0, '127.0.0.1', r));
    try {
      const ctx = await tenantCtx();
      const url = `http://127.0.0.1:${(recv.address() as AddressInfo).port}/hooks`;
      await expect(createWebhook({ tenantId: ctx.tenantId, url, db })).rejects.toBeInstanceOf(ValidationError);
      const { webhook, secret } = await createWebhook({ tenantId: ctx.tenantId, url, db, policy: { allowHttp: true, allowPrivate: true } });
      expect(secret).toMatch(/^whsec_/);
      const job = await createJob(rt, { ctx, input: mesh() });
      await drive(rt, ctx.tenantId, job.id);
      const policy = { allowHttp: true, allowPrivate: true };
      const scope = tenantScope(rt);
      expect(await deliverDueWebhooks({ db, policy, scope, retrySchedule: [0, 0] })).toMatchObject({ retried: 1 });
      expect(await deliverDueWebhooks({ db, policy, scope, retrySchedule: [0, 0] })).toMatchObject({ delivered: 1 });
      expect(got).toHaveLength(2);
      const wh = new Webhook(secret);
      for (const g of got) {
        const payload = wh.verify(g.body, {
          'webhook-id': String(g.headers['webhook-id']),
          'webhook-timestamp': String(g.headers['webhook-timestamp']),
          'webhook-signature': String(g.headers['webhook-signature']),
        }) as { type: string; data: { id: string; status: string; price: string } };
        expect(payload.type).toBe('job.completed');
        expect(payload.data).toMatchObject({ id: `gen3d_${job.id}`, status: 'completed', price: '0.28' });
        expect(JSON.stringify(payload)).not.toMatch(/cost|markup|margin/i);
      }
      expect(got[0]!.headers['webhook-id']).toBe(got[1]!.headers['webhook-id']);
      expect(() =>
        new Webhook(`whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`).verify(got[1]!.body, got[1]!.headers as Record<string, string>),
      ).toThrow();
      const log = await listDeliveries(ctx.tenantId, {}, db);
      expect(log.rows[0]).toMatchObject({ webhookId: webhook.id, status: 'delivered', attempts: 2, lastStatusCode: 204 });
      await redeliver(ctx.tenantId, log.rows[0]!.id, db);
      await deliverDueWebhooks({ db, policy, scope });
      expect(got).toHaveLength(3);
      expect(got[2]!.headers['webhook-id']).toBe(got[0]!.headers['webhook-id']);
      const other = await tenantCtx();
      await expect(redeliver(other.tenantId, log.rows[0]!.id, db)).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      recv.close();
    }
  });

  it('retention deletes the files and the rows', async () => {
    let clock = Date.now();
    const r = makeRuntime(db, fakes, { storage, now: () => clock, options: { retentionDays: 1 } });
    const ctx = await tenantCtx();
    const job = await createJob(r, { ctx, input: mesh() });
    const done = await drive(r, ctx.tenantId, job.id);
    expect(await storage.get(done.files[0]!.key)).not.toBeNull();
    clock += 2 * 86_400_000;
    const out = await applyRetention(r);
    expect(out.jobs).toBeGreaterThanOrEqual(1);
    for (const f of done.files) expect(await storage.get(f.key)).toBeNull();
    await expect(getJob(r, ctx.tenantId, job.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await usageFor(job.id)).toHaveLength(1); // billing history stays
  });
});

describe('portal and console read models', () => {
  it('the portal page shows price only; the console shows stuck jobs and per-provider success rate', async () => {
    const { portalJobsPage, consoleJobsPage, providerJobStats } = await import('@/lib/gateway/jobs/views');
    const { withTenant } = await import('@/lib/db/tenant');
    const ctx = await tenantCtx();
    const ok = await createJob(rt, { ctx, input: mesh() });
    await drive(rt, ctx.tenantId, ok.id);
    fakes.meshy.script(['fail']);
    const bad = await createJob(rt, { ctx, input: mesh() });
    await drive(rt, ctx.tenantId, bad.id);
    const page = await withTenant(ctx.tenantId, (tx) => portalJobsPage(tx, ctx.tenantId, 1), db);
    expect(page.total).toBe(2);
    expect(page.rows.find((r) => r.id === ok.id)).toMatchObject({ status: 'completed', price: '0.28', hasContent: true, hasPreview: true });
    expect(JSON.stringify(page)).not.toMatch(/cost|markup|margin/i);
    const stats = await withPlatform((tx) => providerJobStats(tx), db);
    const meshy = stats.find((s) => s.providerId === 'meshy')!;
    expect(meshy.completed).toBeGreaterThan(0);
    expect(meshy.failed).toBeGreaterThan(0);
    expect(meshy.successRate).toBeGreaterThan(0);
    expect(meshy.successRate).toBeLessThan(100);
    const failed = await withPlatform((tx) => consoleJobsPage(tx, { page: 1, filter: 'failed' }), db);
    expect(failed.rows.map((r) => r.id)).toContain(bad.id);
  });
});
