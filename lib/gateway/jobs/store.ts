/**
 * The jobs' domain verbs for tenants: create (validate, price, reserve, record), read, list,
 * cancel, download; every read and write runs through withTenant (RLS to the caller's tenant)
 * AND filters on tenant_id (defence in depth). The runner (runner.ts) moves jobs forward.
 */
import crypto from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { queryRows } from '../../db/client';
import { generationJobs, type StoredJobFile } from '../../db/schema';
import { withTenant } from '../../db/tenant';
import { toDbString } from '../../pricing/money';
import { taskAdapterFor } from './adapters';
import { jobBudgetScopes, priceJob, reserveJobPrice, type BudgetOwner, type JobPricing } from './money';
import type { JobsRuntime } from './runtime';
import type { JobKind, TaskRequest } from './task-types';
import { finishJob } from './runner';

export type GenerationJob = typeof generationJobs.$inferSelect;

export interface JobCtx extends BudgetOwner {
  requestId?: string;
}

export interface CreateJobInput {
  kind: JobKind;
  model: string;
  prompt: string;
  seconds: number | null;
  size: string | null;
  inputReference: string | null;
}

const CATEGORY: Record<JobKind, string> = { video: 'video_generation', '3d': '3d_generation' };

function invalid(param: string, message: string): ValidationError {
  return new ValidationError('Invalid request body', [{ path: param, message }]);
}

/** Everything that can be said about the request without calling a provider. */
export async function planJob(rt: JobsRuntime, tenantId: string, input: CreateJobInput) {
  if (!input.prompt || !input.prompt.trim()) throw invalid('prompt', 'prompt is required.');
  if (input.prompt.length > 4000) throw invalid('prompt', 'prompt must be at most 4000 characters.');
  const snap = await rt.catalog();
  const tenant = await rt.tenant(tenantId);
  const model = snap.find(input.model);
  const provider = model ? snap.providers.get(model.providerId) : undefined;
  const adapter = provider ? taskAdapterFor(provider.wireFormat) : null;
  if (!model || model.category !== CATEGORY[input.kind] || !provider || !adapter || !tenant.allows(model, snap)) {
    throw new NotFoundError(`The model \`${input.model}\` does not exist or you do not have access to it.`, {
      details: { param: 'model', code: 'model_not_found' },
    });
  }
  const req: TaskRequest = {
    kind: input.kind,
    providerModelId: model.providerModelId,
    prompt: input.prompt,
    seconds: input.kind === 'video' ? input.seconds : null,
    size: input.kind === 'video' ? input.size : null,
    inputReference: input.inputReference,
    callbackUrl: null,
  };
  const issue = adapter.validate(req);
  if (issue) throw invalid(issue.param, issue.message);
  const markup = tenant.markupFor(model, snap, rt.now());
  const pricing: JobPricing = { cost: model.cost, markupPercent: markup.markupPercent.toString(), markupSource: markup.source };
  const quoted = priceJob(pricing, { seconds: req.seconds === null ? null : String(req.seconds ?? 0), requests: 1 });
  return { model, provider, adapter, req, pricing, price: quoted.price };
}

export type JobPlan = Awaited<ReturnType<typeof planJob>>;

export async function createJob(rt: JobsRuntime, args: { ctx: JobCtx; input: CreateJobInput; plan?: JobPlan }): Promise<GenerationJob> {
  const { ctx, input } = args;
  const plan = args.plan ?? (await planJob(rt, ctx.tenantId, input));
  const id = crypto.randomUUID();
  const now = new Date(rt.now());
  const hold = await reserveJobPrice(rt.ledger, jobBudgetScopes(ctx), plan.price, id, now);
  let row: GenerationJob | undefined;
  try {
    const acceptsCallback = plan.adapter.acceptsCallback && rt.options.publicBaseUrl !== null;
    [row] = await withTenant(
      ctx.tenantId,
      (tx) =>
        tx
          .insert(generationJobs)
          .values({
            id,
            tenantId: ctx.tenantId,
            apiKeyId: ctx.apiKeyId,
            kind: input.kind,
            modelId: plan.model.id,
            providerId: plan.provider.id,
            requestedModel: input.model,
            prompt: input.prompt,
            size: plan.req.size,
            inputReference: input.inputReference,
            requestedSeconds: plan.req.seconds === null ? null : String(plan.req.seconds),
            reservedAmount: toDbString(plan.price),
            pricing: plan.pricing,
            deadlineAt: new Date(now.getTime() + rt.options.deadlineMs[input.kind]),
            nextPollAt: now,
            callbackToken: acceptsCallback ? crypto.randomBytes(24).toString('base64url') : null,
            createdAt: now,
            updatedAt: now,
          })
          .returning(),
      await rt.db(),
    );
  } catch (err) {
    hold.drop();
    throw err;
  }
  hold.keep();
  rt.wake();
  return row!;
}

export async function getJob(rt: JobsRuntime, tenantId: string, id: string, kind?: JobKind): Promise<GenerationJob> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('No such job.');
  const [row] = await withTenant(
    tenantId,
    (tx) =>
      tx
        .select()
        .from(generationJobs)
        .where(and(eq(generationJobs.id, id), eq(generationJobs.tenantId, tenantId))),
    await rt.db(),
  );
  if (!row || (kind && row.kind !== kind)) throw new NotFoundError('No such job.');
  return row;
}

/** Newest first; `after` = the id of the last job of the previous page (OpenAI's cursor). */
export async function listJobs(
  rt: JobsRuntime,
  tenantId: string,
  opts: { kind?: JobKind; limit?: number; after?: string | null; status?: string | null; offset?: number },
) {
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  return withTenant(
    tenantId,
    async (tx) => {
      let before: Date | null = null;
      if (opts.after) {
        const [a] = await tx
          .select({ createdAt: generationJobs.createdAt })
          .from(generationJobs)
          .where(and(eq(generationJobs.id, opts.after), eq(generationJobs.tenantId, tenantId)));
        if (!a) throw invalid('after', 'after must be the id of a job in the list.');
        before = a.createdAt;
      }
      const conds = [eq(generationJobs.tenantId, tenantId)];
      if (opts.kind) conds.push(eq(generationJobs.kind, opts.kind));
      if (opts.status) conds.push(eq(generationJobs.status, opts.status as GenerationJob['status']));
      if (before) conds.push(lt(generationJobs.createdAt, before));
      const rows = await tx
        .select()
        .from(generationJobs)
        .where(and(...conds))
        .orderBy(desc(generationJobs.createdAt), desc(generationJobs.id))
        .limit(limit + 1)
        .offset(opts.offset ?? 0);
      const [c] = await queryRows<{ n: number | string }>(
        tx,
        sql`SELECT count(*) AS n FROM generation_jobs WHERE tenant_id = ${tenantId} ${opts.kind ? sql`AND kind = ${opts.kind}` : sql``} ${opts.status ? sql`AND status = ${opts.status}` : sql``}`,
      );
      return { rows: rows.slice(0, limit), hasMore: rows.length > limit, total: Number(c?.n ?? 0) };
    },
    await rt.db(),
  );
}

/**
 * Cancel a job. Not yet at the provider: cancelled at once, hold released. Running: the provider
 * is asked to cancel; where it can (Runway) the job is cancelled and not charged; where it
 * cannot, ConflictError (the job completes and is billed). A finished job: ConflictError.
 */
export async function cancelJob(rt: JobsRuntime, tenantId: string, id: string, kind?: JobKind): Promise<GenerationJob> {
  const job = await getJob(rt, tenantId, id, kind);
  if (job.status !== 'queued' && job.status !== 'in_progress') throw new ConflictError(`This job is already ${job.status}.`);
  if (job.providerTaskId) {
    const snap = await rt.catalog();
    const provider = snap.providers.get(job.providerId);
    const adapter = provider ? taskAdapterFor(provider.wireFormat) : null;
    const out = provider && adapter ? await adapter.cancel(rt.endpoint(provider), job.providerTaskId) : 'unsupported';
    if (out === 'unsupported') {
      throw new ConflictError(`${provider?.displayName ?? 'The provider'} cannot stop a generation once it has started; this job will complete and be billed.`);
    }
  }
  const done = await finishJob(rt, job, { status: 'cancelled', errorCode: 'cancelled', errorMessage: 'Cancelled by the client.' }, ['queued', 'in_progress']);
  return done ?? (await getJob(rt, tenantId, id, kind));
}

/** A stored result file of the tenant's completed job. */
export async function jobContent(rt: JobsRuntime, tenantId: string, id: string, role: StoredJobFile['role'] | 'default', kind?: JobKind) {
  const job = await getJob(rt, tenantId, id, kind);
  if (job.status !== 'completed') throw new ConflictError(`This job is ${job.status}: there is no content to download.`);
  const want = role === 'default' ? (job.kind === 'video' ? 'video' : 'model') : role;
  const file = job.files.find((f) => f.role === want);
  if (!file) throw new NotFoundError(`This job has no ${want} file.`);
  const obj = await rt.storage.get(file.key);
  if (!obj) throw new NotFoundError('The content of this job has expired.');
  return { file, ...obj };
}
