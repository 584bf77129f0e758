/**
 * Moves jobs forward: claims due jobs with a lease (any instance, none twice at once), starts
 * them at the provider within the provider's concurrency cap, polls with backoff, copies the
 * results to RADIANT's storage before the provider's URLs expire, and finishes each job EXACTLY
 * ONCE: the final UPDATE is conditional on the job still being open (`WHERE status IN (...)
 * RETURNING`), and the usage event (request_id = job id, ON CONFLICT DO NOTHING), the webhook
 * messages and the release of the budget hold follow only from the instance whose UPDATE won.
 *
 * A job whose instance dies is picked up by another (or the same, restarted) once its lease
 * lapses; the state it needs (provider task id, deadline, pricing) is all in the row. The loop
 * (`startJobPoller`) runs in every app instance: on the embedded database it is the only driver;
 * with PostgreSQL pg-boss adds the scheduled sweep and retention (lib/jobs/index.ts).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';
import { apiKeys, generationJobs, tenants, type StoredJobFile } from '../../db/schema';
import { withPlatform } from '../../db/tenant';
import { dec, toDbString, ZERO, type Decimal } from '../../pricing/money';
import { gatewayLog } from '../log';
import { taskAdapterFor } from './adapters';
import { billedUnits, jobBudgetScopes, priceJob, settleJobHold, type JobPricing } from './money';
import type { JobsRuntime } from './runtime';
import { onWake } from './runtime';
import { storageKey } from './storage';
import { ProviderTaskError, type ResultFile, type TaskRequest } from './task-types';
import { deliverDueWebhooks, enqueueWebhookEvent } from './webhooks';

type Job = typeof generationJobs.$inferSelect;
type OpenStatus = 'queued' | 'in_progress';

export interface FinishOutcome {
  status: 'completed' | 'failed' | 'cancelled' | 'expired';
  producedSeconds?: string | null;
  files?: StoredJobFile[];
  errorCode?: string | null;
  errorMessage?: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function requestOf(job: Job, rt: JobsRuntime): TaskRequest {
  const cb =
    job.callbackToken && rt.options.publicBaseUrl
      ? `${rt.options.publicBaseUrl}/api/v1/jobs/callbacks/${job.providerId}/${job.id}?token=${job.callbackToken}`
      : null;
  return {
    kind: job.kind,
    providerModelId: '',
    prompt: job.prompt,
    seconds: job.requestedSeconds === null ? null : Number(job.requestedSeconds),
    size: job.size,
    inputReference: job.inputReference,
    callbackUrl: cb,
  };
}

function backoffMs(rt: JobsRuntime, attempts: number): number {
  return Math.min(rt.options.pollMaxMs, Math.round(rt.options.pollMinMs * 1.5 ** Math.max(0, attempts - 1)));
}

/**
 * Finish a job once. Returns the updated row, or null when it was no longer in one of `from`
 * (another instance, or the client, finished it first): then nothing else happens here.
 */
export async function finishJob(rt: JobsRuntime, job: Job, o: FinishOutcome, from: OpenStatus[]): Promise<Job | null> {
  const now = rt.now();
  const pricing = job.pricing as JobPricing;
  let price: Decimal = ZERO;
  let cost: Decimal = ZERO;
  let units = { seconds: null as string | null, requests: 1 };
  if (o.status === 'completed') {
    units = billedUnits(job.kind, job.requestedSeconds, o.producedSeconds ?? null);
    const p = priceJob(pricing, units);
    price = p.price;
    cost = p.cost;
  }
  const db = await rt.db();
  const result = await withPlatform(async (tx) => {
    const [row] = await tx
      .update(generationJobs)
      .set({
        status: o.status,
        progress: o.status === 'completed' ? 100 : job.progress,
        producedSeconds: o.producedSeconds ?? null,
        price: toDbString(price),
        reservedAmount: '0',
        files: o.files ?? [],
        errorCode: o.errorCode ?? null,
        errorMessage: o.errorMessage ?? null,
        completedAt: new Date(now),
        expiresAt: new Date(now + rt.options.retentionDays * 86_400_000),
        inputReference: null,
        lockedBy: null,
        lockedUntil: null,
        updatedAt: new Date(now),
      })
      .where(and(eq(generationJobs.id, job.id), inArray(generationJobs.status, from)))
      .returning();
    if (!row) return null;
    await recordUsage(tx, row, { cost, price, units, pricing, now });
    if (o.status === 'completed' || o.status === 'failed' || o.status === 'expired') {
      await enqueueWebhookEvent(tx, row.tenantId, o.status === 'completed' ? 'job.completed' : 'job.failed', webhookData(row), row.id);
    }
    const [owner] = await tx
      .select({ tenantBudget: tenants.monthlyBudget, keyBudget: apiKeys.monthlyBudget })
      .from(tenants)
      .leftJoin(apiKeys, and(eq(apiKeys.id, sql`${row.apiKeyId}::uuid`), eq(apiKeys.tenantId, tenants.id)))
      .where(eq(tenants.id, row.tenantId));
    return { row, owner };
  }, db);
  if (!result) return null;
  const { row, owner } = result;
  const scopes = jobBudgetScopes({
    tenantId: row.tenantId,
    tenantMonthlyBudget: owner?.tenantBudget ?? null,
    apiKeyId: row.apiKeyId,
    keyMonthlyBudget: owner?.keyBudget ?? null,
  });
  settleJobHold(rt.ledger, scopes, dec(job.reservedAmount), job.createdAt, price, new Date(now), job.id);
  gatewayLog.info({ jobId: row.id, tenantId: row.tenantId, status: row.status, provider: row.providerId }, 'generation job finished');
  return row;
}

/** What a tenant's webhook receives about a job (price only, never cost). */
export function webhookData(j: Job): Record<string, unknown> {
  return {
    id: `${j.kind === 'video' ? 'video_' : 'gen3d_'}${j.id}`,
    object: j.kind === 'video' ? 'video' : '3d.generation',
    status: j.status,
    model: j.requestedModel,
    seconds: j.producedSeconds ?? j.requestedSeconds,
    price: j.price,
    error: j.errorCode ? { code: j.errorCode, message: j.errorMessage } : null,
    created_at: Math.floor(j.createdAt.getTime() / 1000),
    completed_at: j.completedAt ? Math.floor(j.completedAt.getTime() / 1000) : null,
  };
}

async function recordUsage(
  tx: Tx,
  j: Job,
  a: { cost: Decimal; price: Decimal; units: { seconds: string | null; requests: number }; pricing: JobPricing; now: number },
): Promise<void> {
  const status = j.status === 'completed' ? 'success' : j.status === 'cancelled' ? 'cancelled' : 'error';
  await tx.execute(sql`
    INSERT INTO usage_events (tenant_id, api_key_id, request_id, model_id, provider_id, requested_model, endpoint,
      video_seconds, request_count, cost, markup_percent, markup_source, price, latency_ms, status, http_status, error_code, metadata, created_at)
    VALUES (${j.tenantId}, ${j.apiKeyId}, ${j.id}, ${j.modelId}, ${j.providerId}, ${j.requestedModel},
      ${j.kind === 'video' ? 'videos' : '3d.generations'},
      ${j.status === 'completed' ? (a.units.seconds ?? '0') : '0'}, ${a.units.requests},
      ${toDbString(a.cost)}, ${a.pricing.markupPercent}, ${a.pricing.markupSource}, ${toDbString(a.price)},
      ${Math.max(0, a.now - j.createdAt.getTime())}, ${status}, ${j.status === 'completed' ? 200 : null}, ${j.errorCode},
      ${JSON.stringify({ job: true, producedSeconds: j.producedSeconds, requestedSeconds: j.requestedSeconds })}::jsonb, ${iso(a.now)})`);
  // Idempotent by request id without ON CONFLICT: the ledger's insert trigger drops a request id
  // already written (usage_request_ids, drizzle/0016).
}

/** `AND tenant_id IN (...)` when the runtime is limited to some tenants (tests). */
export function tenantScope(rt: JobsRuntime) {
  const only = rt.options.onlyTenants?.();
  if (!only) return sql``;
  return only.length
    ? sql`AND tenant_id IN (${sql.join(
        only.map((t) => sql`${t}::uuid`),
        sql`, `,
      )})`
    : sql`AND false`;
}

/** Claim up to `limit` due jobs for this instance. */
export async function claimDueJobs(rt: JobsRuntime, limit: number, onlyId?: string): Promise<Job[]> {
  const now = rt.now();
  return withPlatform(
    (tx) =>
      tx
        .update(generationJobs)
        .set({ lockedBy: rt.instanceId, lockedUntil: new Date(now + rt.options.leaseMs) })
        .where(
          sql`${generationJobs.id} IN (
            SELECT id FROM generation_jobs
            WHERE status IN ('queued', 'in_progress') AND next_poll_at <= ${iso(now)}
              AND (locked_until IS NULL OR locked_until < ${iso(now)})
              ${onlyId ? sql`AND id = ${onlyId}` : sql``}
              ${tenantScope(rt)}
            ORDER BY next_poll_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`,
        )
        .returning(),
    await rt.db(),
  );
}

async function release(rt: JobsRuntime, job: Job, set: Partial<typeof generationJobs.$inferInsert>, delayMs: number): Promise<void> {
  await withPlatform(
    (tx) =>
      tx
        .update(generationJobs)
        .set({ ...set, lockedBy: null, lockedUntil: null, nextPollAt: new Date(rt.now() + delayMs), updatedAt: new Date(rt.now()) })
        .where(and(eq(generationJobs.id, job.id), eq(generationJobs.lockedBy, rt.instanceId), inArray(generationJobs.status, ['queued', 'in_progress']))),
    await rt.db(),
  );
}

/** Mark a queued job in_progress if the provider has a free slot (all instances together). */
async function takeSlot(rt: JobsRuntime, job: Job, cap: number): Promise<boolean> {
  return withPlatform(
    async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(7207310, hashtext(${job.providerId}))`);
      const [c] = await queryRows<{ n: number | string }>(
        tx,
        sql`SELECT count(*) AS n FROM generation_jobs WHERE provider_id = ${job.providerId} AND status = 'in_progress' AND id <> ${job.id}`,
      );
      if (Number(c?.n ?? 0) >= cap) return false;
      const r = await tx
        .update(generationJobs)
        .set({ status: 'in_progress', startedAt: job.startedAt ?? new Date(rt.now()), attempts: job.attempts + 1, updatedAt: new Date(rt.now()) })
        .where(and(eq(generationJobs.id, job.id), inArray(generationJobs.status, ['queued', 'in_progress'])))
        .returning({ id: generationJobs.id });
      return r.length === 1;
    },
    await rt.db(),
  );
}

/** Download each result file from the provider and store it under the job. */
async function copyResults(rt: JobsRuntime, job: Job, files: ResultFile[]): Promise<StoredJobFile[]> {
  const out: StoredJobFile[] = [];
  for (const f of files) {
    const res = await fetch(f.url, { headers: f.headers, signal: AbortSignal.timeout(120_000) });
    if (!res.ok)
      throw new ProviderTaskError(`result download failed: HTTP ${res.status}`, res.status === 403 || res.status === 404 ? 'not_found' : 'server', res.status);
    const body = new Uint8Array(await res.arrayBuffer());
    const contentType = f.contentType;
    const key = storageKey(job.tenantId, job.id, f.role, contentType);
    await rt.storage.put(key, body, contentType);
    out.push({ role: f.role, key, contentType, bytes: body.byteLength });
  }
  return out;
}

/** Work on one claimed job: start it, or poll it, or expire it. */
export async function processJob(rt: JobsRuntime, job: Job): Promise<void> {
  const now = rt.now();
  const open: OpenStatus[] = ['queued', 'in_progress'];
  const snap = await rt.catalog();
  const provider = snap.providers.get(job.providerId);
  const adapter = provider ? taskAdapterFor(provider.wireFormat) : null;
  const model = snap.byId.get(job.modelId);
  if (now >= job.deadlineAt.getTime()) {
    if (job.providerTaskId && provider && adapter) await adapter.cancel(rt.endpoint(provider), job.providerTaskId).catch(() => 'unsupported');
    await finishJob(
      rt,
      job,
      { status: 'expired', errorCode: 'deadline_exceeded', errorMessage: 'The provider did not finish this job before its deadline; nothing was billed.' },
      open,
    );
    return;
  }
  if (!provider || !adapter || !model) {
    await finishJob(rt, job, { status: 'failed', errorCode: 'model_unavailable', errorMessage: 'This model is no longer available.' }, open);
    return;
  }
  let ep;
  try {
    ep = rt.endpoint(provider);
  } catch {
    await finishJob(
      rt,
      job,
      { status: 'failed', errorCode: 'provider_not_configured', errorMessage: 'This model is not available right now; nothing was billed.' },
      open,
    );
    return;
  }
  const req = { ...requestOf(job, rt), providerModelId: model.providerModelId };

  if (!job.providerTaskId) {
    const cap = rt.options.concurrency[job.providerId] ?? rt.options.defaultConcurrency;
    if (!(await takeSlot(rt, job, cap))) return release(rt, job, {}, 1_000);
    let taskId: string;
    try {
      taskId = (await adapter.create(ep, req)).taskId;
    } catch (err) {
      const e = err instanceof ProviderTaskError ? err : null;
      if (e?.retryable && job.attempts < 5) return release(rt, job, { status: 'queued', pollErrors: job.pollErrors + 1 }, backoffMs(rt, job.attempts + 1));
      const policy = e?.kind === 'content_policy';
      await finishJob(
        rt,
        job,
        {
          status: 'failed',
          errorCode: policy ? 'content_policy_violation' : e?.kind === 'invalid_request' ? 'invalid_request' : 'provider_error',
          errorMessage: e ? e.message : 'The provider could not start this job.',
        },
        open,
      );
      return;
    }
    return release(rt, job, { providerTaskId: taskId, status: 'in_progress', pollErrors: 0 }, rt.options.pollMinMs);
  }

  let state;
  try {
    state = await adapter.poll(ep, job.providerTaskId, req);
  } catch (err) {
    const errors = job.pollErrors + 1;
    if (errors >= rt.options.maxPollErrors) {
      await finishJob(
        rt,
        job,
        {
          status: 'failed',
          errorCode: 'provider_error',
          errorMessage: err instanceof ProviderTaskError ? err.message : 'The provider stopped answering about this job.',
        },
        open,
      );
      return;
    }
    return release(rt, job, { pollErrors: errors }, backoffMs(rt, errors));
  }
  switch (state.status) {
    case 'queued':
    case 'in_progress':
      return release(
        rt,
        job,
        { progress: Math.max(job.progress, Math.min(99, state.progress ?? job.progress)), attempts: job.attempts + 1, pollErrors: 0 },
        backoffMs(rt, job.attempts + 1),
      );
    case 'completed': {
      let files: StoredJobFile[];
      try {
        files = await copyResults(rt, job, state.files);
      } catch (err) {
        const errors = job.pollErrors + 1;
        if (errors >= rt.options.maxPollErrors) {
          await finishJob(
            rt,
            job,
            { status: 'failed', errorCode: 'result_unavailable', errorMessage: 'The result could not be retrieved from the provider; nothing was billed.' },
            open,
          );
          return;
        }
        gatewayLog.warn({ jobId: job.id, err: String(err) }, 'copying a job result failed; retrying');
        return release(rt, job, { pollErrors: errors }, 500);
      }
      if (files.length === 0) {
        await finishJob(
          rt,
          job,
          { status: 'failed', errorCode: 'no_output', errorMessage: 'The provider finished without a result; nothing was billed.' },
          open,
        );
        return;
      }
      await finishJob(rt, job, { status: 'completed', producedSeconds: state.producedSeconds, files }, open);
      return;
    }
    case 'failed':
      await finishJob(
        rt,
        job,
        {
          status: 'failed',
          errorCode: state.failure?.contentPolicy ? 'content_policy_violation' : (state.failure?.code ?? 'provider_failed').slice(0, 80),
          errorMessage: state.failure?.message ?? 'The provider could not complete this job.',
        },
        open,
      );
      return;
    case 'cancelled':
      await finishJob(rt, job, { status: 'cancelled', errorCode: 'cancelled', errorMessage: 'The provider cancelled this job; nothing was billed.' }, open);
      return;
  }
}

/** One pass: claim due jobs and work on them concurrently. Returns how many were processed. */
export async function runDueJobs(rt: JobsRuntime, limit = 10): Promise<number> {
  const jobs = await claimDueJobs(rt, limit);
  await Promise.all(
    jobs.map((j) =>
      processJob(rt, j).catch(async (err: unknown) => {
        gatewayLog.error({ jobId: j.id, err: String(err) }, 'processing a generation job failed');
        await release(rt, j, { pollErrors: j.pollErrors + 1 }, backoffMs(rt, j.pollErrors + 1)).catch(() => {});
      }),
    ),
  );
  return jobs.length;
}

/** A provider said something happened to a task (callback): poll it now. The body is not trusted. */
export async function pokeJob(rt: JobsRuntime, providerId: string, jobId: string, token: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(jobId) || !token) return false;
  const r = await withPlatform(
    (tx) =>
      tx
        .update(generationJobs)
        .set({ nextPollAt: new Date(rt.now()) })
        .where(
          and(
            eq(generationJobs.id, jobId),
            eq(generationJobs.providerId, providerId),
            eq(generationJobs.callbackToken, token),
            inArray(generationJobs.status, ['queued', 'in_progress']),
          ),
        )
        .returning({ id: generationJobs.id }),
    await rt.db(),
  );
  if (r.length) rt.wake();
  return r.length > 0;
}

/** Delete the files and rows of jobs past their retention (and old delivery logs). */
export async function applyRetention(rt: JobsRuntime, limit = 200): Promise<{ jobs: number; files: number }> {
  const now = iso(rt.now());
  const db = await rt.db();
  const due = await withPlatform(
    (tx) =>
      tx
        .select({ id: generationJobs.id, files: generationJobs.files })
        .from(generationJobs)
        .where(sql`expires_at IS NOT NULL AND expires_at < ${now} ${tenantScope(rt)}`)
        .limit(limit),
    db,
  );
  let files = 0;
  for (const j of due) {
    for (const f of j.files) {
      await rt.storage.delete(f.key);
      files++;
    }
  }
  if (due.length) {
    await withPlatform(async (tx) => {
      await tx.delete(generationJobs).where(
        inArray(
          generationJobs.id,
          due.map((j) => j.id),
        ),
      );
      await tx.execute(
        sql`DELETE FROM webhook_deliveries WHERE created_at < ${now}::timestamptz - make_interval(days => ${Math.max(rt.options.retentionDays, 30)}) ${tenantScope(rt)}`,
      );
    }, db);
  }
  return { jobs: due.length, files };
}

export interface PollerHandle {
  stop(): Promise<void>;
  /** One tick now (tests). */
  tick(): Promise<void>;
}

/** The in-process loop: due jobs and webhook deliveries every `intervalMs`, at once when woken. */
export function startJobPoller(rt: JobsRuntime, opts: { intervalMs?: number; retentionEveryMs?: number; webhooks?: boolean } = {}): PollerHandle {
  const every = opts.intervalMs ?? 1_000;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastRetention = 0;
  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          const n = await runDueJobs(rt);
          if (opts.webhooks !== false) await deliverDueWebhooks({ db: await rt.db(), scope: tenantScope(rt) });
          if (rt.now() - lastRetention > (opts.retentionEveryMs ?? 3_600_000)) {
            lastRetention = rt.now();
            await applyRetention(rt);
          }
          if (n >= 10) again = true;
        } while (again && !stopped);
      } catch (err) {
        gatewayLog.warn({ err: String(err) }, 'job poller tick failed');
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), every);
  timer.unref();
  const off = onWake(rt, () => void tick());
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      off();
      await running;
    },
  };
}

/** A finished job's content deleted at the client's request (the row stays for billing). */
export async function clearJobFiles(rt: JobsRuntime, job: Job): Promise<void> {
  await withPlatform(
    (tx) =>
      tx
        .update(generationJobs)
        .set({ files: [], updatedAt: new Date(rt.now()) })
        .where(and(eq(generationJobs.id, job.id), eq(generationJobs.tenantId, job.tenantId))),
    await rt.db(),
  );
}
