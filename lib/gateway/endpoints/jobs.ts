/**
 * Long-running generations over the gateway, in OpenAI's Videos API shape:
 *
 *   POST   /api/v1/videos                    { model, prompt, seconds?, size?, input_reference? }
 *   GET    /api/v1/videos?limit=&after=      the tenant's jobs, newest first
 *   GET    /api/v1/videos/{id}               one job (status, progress, price)
 *   GET    /api/v1/videos/{id}/content       the video (?variant=thumbnail: the preview image)
 *   DELETE /api/v1/videos/{id}               cancel a running job (where the provider can), or
 *                                            delete a finished job's content
 *
 * and the same at /api/v1/3d/generations (content: the glb model; ?variant=preview: the image).
 * Each is a composition of stages: authenticate -> parse/validate (400 naming the field before
 * any provider call) -> admit (rate limits) -> reserve the price (jobs/money.ts) -> record; the
 * runner (jobs/runner.ts) does the provider work. POST /api/v1/jobs/callbacks/... is where
 * providers with per-task callbacks (Luma, Kling) knock: it only makes the job due for a poll.
 */
import Busboy from 'busboy';
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError, fromZodIssues } from '../../errors';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import { sendJson } from '../http/types';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import { admitRate } from '../stages/admit';
import { authenticateStage } from '../stages/authenticate';
import { parseJson } from '../stages/parse';
import { clearJobFiles, pokeJob } from '../jobs/runner';
import { jobsRuntimeFor } from '../jobs/service';
import { cancelJob, createJob, getJob, jobContent, listJobs, planJob, type CreateJobInput, type GenerationJob } from '../jobs/store';
import type { JobKind } from '../jobs/task-types';

const PREFIX: Record<JobKind, string> = { video: 'video_', '3d': 'gen3d_' };
const MAX_UPLOAD = 20 * 1024 * 1024;

export function publicJobId(j: { id: string; kind: JobKind }): string {
  return `${PREFIX[j.kind]}${j.id}`;
}

function internalId(kind: JobKind, publicId: string): string {
  const p = PREFIX[kind];
  const raw = publicId.startsWith(p) ? publicId.slice(p.length) : publicId;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) throw notFound(kind, publicId);
  return raw.toLowerCase();
}

function notFound(kind: JobKind, id: string): GatewayError {
  return new GatewayError(
    404,
    kind === 'video' ? 'video_not_found' : 'generation_not_found',
    `No ${kind === 'video' ? 'video' : '3D generation'} found with id '${id}'.`,
    { param: 'id' },
  );
}

const secs = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : null);

/** The client's view of a job: PRICE only (never cost or markup), OpenAI's field names. */
export function jobObject(j: GenerationJob): Record<string, unknown> {
  const common = {
    id: publicJobId(j),
    object: j.kind === 'video' ? 'video' : '3d.generation',
    created_at: secs(j.createdAt),
    status: j.status,
    progress: j.status === 'completed' ? 100 : j.progress,
    model: j.requestedModel,
    completed_at: secs(j.completedAt),
    expires_at: secs(j.expiresAt),
    error: j.errorCode ? { code: j.errorCode, message: j.errorMessage ?? '' } : null,
    /** Charged (completed) or 0 (failed, cancelled, expired); null while running. */
    price: j.status === 'queued' || j.status === 'in_progress' ? null : j.price,
    /** The most this job can cost, held against your budget while it runs. */
    estimated_price: j.status === 'queued' || j.status === 'in_progress' ? j.reservedAmount : null,
  };
  if (j.kind === 'video') {
    return { ...common, seconds: j.requestedSeconds, size: j.size, produced_seconds: j.producedSeconds, remixed_from_video_id: null };
  }
  return { ...common, prompt: j.prompt, files: j.files.map((f) => ({ variant: f.role, content_type: f.contentType, bytes: f.bytes })) };
}

const secondsField = z
  .union([z.number().int(), z.string().regex(/^\d+$/, 'seconds must be a whole number').transform(Number)])
  .pipe(z.number().int().min(1).max(60));

const createSchema = z
  .object({
    model: z.string().min(1),
    prompt: z.string().min(1, 'prompt is required').max(4000),
    seconds: secondsField.optional(),
    size: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/, 'size must look like 1280x720')
      .optional(),
    input_reference: z.string().min(1).optional(),
  })
  .loose();

interface ParsedBody {
  fields: Record<string, string>;
  file: { mime: string; data: Buffer } | null;
}

function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const out: ParsedBody = { fields: {}, file: null };
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: { 'content-type': contentType }, limits: { fileSize: MAX_UPLOAD, files: 1, fields: 20 } });
    } catch {
      reject(new GatewayError(400, 'invalid_multipart', 'The multipart body could not be read.'));
      return;
    }
    bb.on('field', (name, value) => (out.fields[name] = value));
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (name === 'input_reference') out.file = { mime: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    bb.on('error', () => reject(new GatewayError(400, 'invalid_multipart', 'The multipart body could not be read.')));
    bb.on('close', () => resolve(out));
    bb.end(raw);
  });
}

async function readCreate(ctx: RequestContext, gw: GatewayServices, kind: JobKind): Promise<CreateJobInput> {
  const ct = ctx.req.header('content-type') ?? '';
  const raw = await ctx.req.readBody(Math.max(gw.options.maxBodyBytes, MAX_UPLOAD + 64 * 1024));
  let json: unknown;
  if (/^multipart\/form-data/i.test(ct)) {
    const mp = await parseMultipart(raw, ct);
    json = { ...mp.fields };
    if (mp.file) {
      if (!/^image\/(png|jpeg|webp)$/.test(mp.file.mime))
        throw new ValidationError('Invalid request body', [{ path: 'input_reference', message: 'input_reference must be a PNG, JPEG or WebP image.' }]);
      (json as Record<string, unknown>).input_reference = `data:${mp.file.mime};base64,${mp.file.data.toString('base64')}`;
    }
  } else {
    json = parseJson(raw);
  }
  const parsed = createSchema.safeParse(json);
  if (!parsed.success) throw new ValidationError('Invalid request body', fromZodIssues(parsed.error.issues));
  const b = parsed.data;
  if (kind === '3d' && (b.seconds !== undefined || b.size !== undefined)) {
    throw new ValidationError('Invalid request body', [
      { path: b.seconds !== undefined ? 'seconds' : 'size', message: 'is not a parameter of 3D generations.' },
    ]);
  }
  return {
    kind,
    model: b.model,
    prompt: b.prompt,
    seconds: kind === 'video' ? (b.seconds ?? null) : null,
    size: kind === 'video' ? (b.size ?? null) : null,
    inputReference: b.input_reference ?? null,
  };
}

function ownerOf(key: KeyRecord) {
  return {
    tenantId: key.tenantId,
    tenantMonthlyBudget: key.tenant.monthlyBudget,
    apiKeyId: key.keyId,
    keyMonthlyBudget: key.monthlyBudget,
    requestId: undefined,
  };
}

function json(ctx: RequestContext, status: number, body: unknown): void {
  sendJson(ctx.sink, status, ctx.headers, JSON.stringify(body));
}

export function jobsCollectionEndpoint(kind: JobKind): EndpointHandler {
  return async (gw, ctx) => {
    const key = await authenticateStage(gw, ctx, 'videos');
    const rt = jobsRuntimeFor(gw);
    if (ctx.req.method === 'POST') {
      const input = await readCreate(ctx, gw, kind);
      const plan = await planJob(rt, key.tenantId, input);
      ctx.model = plan.model.name;
      ctx.provider = plan.model.providerId;
      const tenant = await gw.tenantConfig(key.tenantId);
      await admitRate(
        gw,
        ctx,
        key,
        tenant,
        { requested: input.model, primary: plan.model, chain: [plan.model], chainFromRule: false, rateRules: [], auto: null },
        0,
      );
      const job = await createJob(rt, { ctx: ownerOf(key), input, plan });
      json(ctx, 200, jobObject(job));
      return;
    }
    const q = new URLSearchParams(ctx.req.query ?? '');
    const limitRaw = q.get('limit');
    const limit = limitRaw === null ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new GatewayError(400, 'invalid_value', 'limit must be an integer between 1 and 100.', { param: 'limit' });
    const after = q.get('after');
    const order = q.get('order') ?? 'desc';
    if (order !== 'desc') throw new GatewayError(400, 'invalid_value', "order must be 'desc'.", { param: 'order' });
    let afterId: string | null = null;
    if (after) {
      try {
        afterId = internalId(kind, after);
      } catch {
        throw new GatewayError(400, 'invalid_value', 'after must be the id of a job in the list.', { param: 'after' });
      }
    }
    const page = await listJobs(rt, key.tenantId, { kind, limit, after: afterId });
    const data = page.rows.map(jobObject);
    json(ctx, 200, {
      object: 'list',
      data,
      first_id: (data[0]?.id as string | undefined) ?? null,
      last_id: (data.at(-1)?.id as string | undefined) ?? null,
      has_more: page.hasMore,
    });
  };
}

export function jobItemEndpoint(kind: JobKind, rest: string): EndpointHandler {
  return async (gw, ctx) => {
    const key = await authenticateStage(gw, ctx, 'videos');
    const rt = jobsRuntimeFor(gw);
    const [pid, sub, ...more] = rest.split('/');
    if (!pid || more.length > 0 || (sub !== undefined && sub !== 'content'))
      throw new GatewayError(404, 'unknown_url', `Unknown request URL: ${ctx.req.method} ${ctx.req.path}.`);
    const id = internalId(kind, pid);
    try {
      if (sub === 'content') {
        if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') throw new GatewayError(405, 'method_not_allowed', 'Use GET.', { headers: { allow: 'GET' } });
        const variant = new URLSearchParams(ctx.req.query ?? '').get('variant');
        const role =
          variant === null
            ? 'default'
            : kind === 'video'
              ? ({ video: 'video', thumbnail: 'preview' } as const)[variant as 'video' | 'thumbnail']
              : ({ model: 'model', preview: 'preview' } as const)[variant as 'model' | 'preview'];
        if (!role)
          throw new GatewayError(400, 'invalid_value', kind === 'video' ? "variant must be 'video' or 'thumbnail'." : "variant must be 'model' or 'preview'.", {
            param: 'variant',
          });
        const c = await jobContent(rt, key.tenantId, id, role, kind);
        ctx.sink.start(200, {
          ...ctx.headers,
          'content-type': c.contentType,
          'content-length': String(c.body.byteLength),
          'cache-control': 'private, no-store',
        });
        ctx.sink.end(ctx.req.method === 'HEAD' ? undefined : c.body);
        return;
      }
      if (ctx.req.method === 'DELETE') {
        const job = await getJob(rt, key.tenantId, id, kind);
        if (job.status === 'queued' || job.status === 'in_progress') {
          json(ctx, 200, jobObject(await cancelJob(rt, key.tenantId, id, kind)));
          return;
        }
        for (const f of job.files) await rt.storage.delete(f.key).catch(() => {});
        await clearJobFiles(rt, job);
        json(ctx, 200, { id: publicJobId(job), object: kind === 'video' ? 'video.deleted' : '3d.generation.deleted', deleted: true });
        return;
      }
      json(ctx, 200, jobObject(await getJob(rt, key.tenantId, id, kind)));
    } catch (err) {
      if (err instanceof NotFoundError && /job/i.test(err.message)) throw notFound(kind, pid);
      if (err instanceof ConflictError) throw new GatewayError(409, 'invalid_state', err.message);
      throw err;
    }
  };
}

export function jobCallbackEndpoint(rest: string): EndpointHandler {
  return async (gw, ctx) => {
    const [provider, id] = rest.split('/');
    const token = new URLSearchParams(ctx.req.query ?? '').get('token') ?? '';
    await ctx.req.readBody(1024 * 1024).catch(() => null);
    const ok = provider && id ? await pokeJob(jobsRuntimeFor(gw), provider, id, token) : false;
    if (!ok) throw new GatewayError(404, 'not_found', 'Unknown callback.');
    ctx.sink.start(204, ctx.headers);
    ctx.sink.end();
  };
}
