/**
 * POST /api/v1/images/generations, as a composition of the gateway's stages (POST
 * /api/v1/images/edits, endpoints/image-edits.ts, runs the same stages from `route` on):
 *
 *   authenticate (scope `images`) -> idempotency -> parse -> route (image models only, fallbacks
 *   within the category) -> validate against the model's spec (400 naming the field, before any
 *   provider) -> admit (rate limits) -> admit (budget: n x the per-image price of the dearest
 *   model of the chain) -> upstream (the provider's image adapter; retries, fallbacks, cooldown)
 *   -> finish (meter the images actually returned, then answer OpenAI's { created, data: [{ url |
 *   b64_json, revised_prompt }] }, settle, request log: stages/finish.ts).
 *
 * `url` answers are the provider's signed, key-less URL (OpenAI, BFL, Ideogram). Stability gives
 * image bytes only: for `url` RADIANT stores them (lib/gateway/media/image-store.ts) and answers
 * GET /api/v1/images/files/{id} on RADIANT's own host (RADIANT_PUBLIC_URL, else the request's
 * host), readable with a key of the owning tenant for one hour.
 * A request the client abandons after the provider produced the images is still metered; a failed
 * request is not.
 */
import path from 'node:path';
import { readImage, storeImage } from '../media/image-store';
import { imageAdapterFor } from '../adapters/media-adapters';
import { validateImageRequest, type ImageAdapter, type ImageModelSpec, type ImageRequest, type ImageResult, type MediaCallContext } from '../adapters/media';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import type { GatewayModel, GatewayProvider } from '../state';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { withIdempotency } from '../stages/idempotency';
import { failureFacts, finish, Outcome } from '../stages/finish';
import { parseJson } from '../stages/parse';
import { answerHeaders, sendComplete } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, newTrace } from '../stages/upstream';
import { authenticateMedia, mediaContext, notForThisModel, requireModel } from './media-common';

const PATH = '/api/v1/images/generations';

function adapterAndSpec(model: GatewayModel, provider: GatewayProvider): { adapter: ImageAdapter; spec: ImageModelSpec } {
  const adapter = imageAdapterFor(provider.wireFormat);
  const spec = adapter?.spec(model.providerModelId) ?? null;
  if (!adapter || !spec)
    throw new GatewayError(400, 'model_not_supported', `The model '${model.name}' does not support image generation through this API.`, { param: 'model' });
  return { adapter, spec };
}

export function imageStoreDir(gw: GatewayServices): string {
  return path.resolve(gw.options.env.RADIANT_DATA_DIR ?? '.radiant', 'images');
}

/** RADIANT's own origin for URLs it hands out. */
function publicOrigin(gw: GatewayServices, ctx: RequestContext): string {
  const configured = gw.options.env.RADIANT_PUBLIC_URL?.replace(/\/+$/, '');
  if (configured) return configured;
  const proto = ctx.req.header('x-forwarded-proto')?.split(',')[0]?.trim() || 'http';
  const host = ctx.req.header('x-forwarded-host') ?? ctx.req.header('host') ?? 'localhost';
  return `${proto}://${host}`;
}

export const imageGenerationsEndpoint: EndpointHandler = async (gw, ctx, respondError) => {
  const key = await authenticateMedia(gw, ctx, 'images');
  const raw = await ctx.req.readBody(gw.options.maxBodyBytes);
  await withIdempotency(gw, ctx, key, PATH, raw, () => generate(gw, ctx, key, raw), respondError);
};

interface ImageAnswer {
  kind: 'complete';
  refusal: false;
  result: ImageResult;
}

/**
 * One image request (generations or edits) after its body was read: route, validate for the
 * model, admit, call the provider's adapter through the fallback chain, answer and meter.
 */
interface ImageJob<R extends ImageRequest> {
  /** The route's endpoint: which models serve it. */
  endpoint: 'images' | 'image_edits';
  /** usage_events.endpoint */
  meterEndpoint: 'images.generations' | 'images.edits';
  /** The request's fields (`model` and the OpenAI parameters). */
  body: Record<string, unknown>;
  /** 400 naming the field, before any provider is called (for the primary; fallbacks are checked as they come). */
  validate(model: GatewayModel, spec: ImageModelSpec): R | Promise<R>;
  call(adapter: ImageAdapter, req: R, mctx: MediaCallContext): Promise<ImageResult>;
  /** The request as the request log keeps it. */
  logBody: Record<string, unknown>;
}

export async function runImageRequest<R extends ImageRequest>(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, job: ImageJob<R>): Promise<void> {
  const body = job.body;
  const { snap, tenant } = await loadTenantView(gw, key);
  const plan = routeStage(gw, ctx, { endpoint: job.endpoint, key, snap, tenant, body, promptTokens: 0 });
  const primary = adapterAndSpec(plan.primary, snap.providers.get(plan.primary.providerId)!);
  const req = await job.validate(plan.primary, primary.spec);

  const admission = await admitRate(gw, ctx, key, tenant, plan, 0);
  await reserveBudget(gw, ctx, key, admission, () => upperPriceEstimate(gw, plan, tenant, snap, ctx.start, () => ({ images: req.n, requests: 1 })));

  const trace = newTrace(plan);
  let answer: ImageAnswer | null = null;
  let failure: unknown = null;
  try {
    answer = await callUpstream<ImageAnswer>(gw, ctx, plan, snap, trace, async (a) => {
      const { adapter, spec } = adapterAndSpec(a.model, a.provider);
      let r: R;
      try {
        r = a.model.id === plan.primary.id ? req : await job.validate(a.model, spec);
      } catch (err) {
        throw notForThisModel(a.model.name, err instanceof Error ? err.message : 'invalid request');
      }
      return { kind: 'complete', refusal: false, result: await job.call(adapter, r, mediaContext(gw, ctx, a)) };
    });
  } catch (err) {
    failure = err;
  }

  const data: Array<Record<string, unknown>> = [];
  if (answer) {
    for (const i of answer.result.images) {
      let d: Record<string, unknown>;
      if (req.responseFormat === 'url' && i.url === null && i.b64Json !== null) {
        // Bytes only (Stability): served by RADIANT.
        const { id } = await storeImage(imageStoreDir(gw), key.tenantId, Buffer.from(i.b64Json, 'base64'), i.mediaType);
        d = { url: `${publicOrigin(gw, ctx)}/api/v1/images/files/${id}` };
      } else d = i.b64Json !== null ? { b64_json: i.b64Json } : { url: i.url };
      if (i.revisedPrompt) d.revised_prompt = i.revisedPrompt;
      data.push(d);
    }
    answerHeaders(ctx, trace);
  }
  const created = Math.floor(Date.now() / 1000);
  const failed = answer ? null : failureFacts(ctx, failure);
  // The provider made (and bills) the images even when the client left: metered. No answer: free.
  const cancelled = answer !== null && ctx.req.signal.aborted;
  const o = new Outcome(answer !== null, { images: answer?.result.units.images ?? 0, requests: 1 });
  if (failed) o.failed(failed, failure);
  else {
    o.ttfbMs = Date.now() - ctx.start;
    if (cancelled) o.status = 'cancelled';
    else o.body = JSON.stringify({ created, data });
  }
  o.metadata = { n: req.n, size: req.size, quality: req.quality, responseFormat: req.responseFormat };
  o.requestBody = job.logBody;
  o.responseBody = failed ? { error: failed.mapped.body.error } : { created, images: data.length, response_format: req.responseFormat };
  finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: job.meterEndpoint }, o);
}

function generate(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, raw: Buffer): Promise<void> {
  const json = parseJson(raw);
  requireModel(json);
  const body = json as Record<string, unknown>;
  return runImageRequest<ImageRequest>(gw, ctx, key, {
    endpoint: 'images',
    meterEndpoint: 'images.generations',
    body,
    validate: (model, spec) => validateImageRequest(body, spec, model.name),
    call: (adapter, r, mctx) => adapter.generate(r, mctx),
    logBody: body,
  });
}

/** GET /api/v1/images/files/{id}: an image RADIANT stored for a `url` answer (owning tenant only). */
export function imageFileEndpoint(id: string): EndpointHandler {
  return async (gw, ctx) => {
    const key = await authenticateMedia(gw, ctx, 'images');
    const img = await readImage(imageStoreDir(gw), key.tenantId, id);
    if (!img) throw new GatewayError(404, 'not_found', 'No such image file, or it has expired.', { param: 'id' });
    sendComplete(ctx, img.data, img.mediaType);
  };
}
