/**
 * POST /api/v1/images/edits (OpenAI's multipart: `image`, `mask`, `prompt`, `model`, `n`, `size`,
 * `quality`, `response_format`, `user`), as a composition of the gateway's stages:
 *
 *   authenticate (scope `images`) -> upload (busboy, each file <= 10 MB else 413 naming it;
 *   no image -> 400 naming `image`) -> idempotency (key over the fields and the files' SHA-256)
 *   -> then the images pipeline (endpoints/images.ts `runImageRequest`): route (models that take
 *   edits only, so dall-e-3 is a 400 naming `model`; fallbacks within them) -> validate (the
 *   PNGs decoded into the region to edit: not a PNG, a mask of another size, nothing
 *   transparent -> 400 naming the field; then prompt, n, size, response_format) -> admit (rate
 *   limits, budget n x per-image price) -> upstream (the adapter's `edit`) -> finish (metered
 *   per image returned, as endpoint `images.edits`, like generations).
 *
 * The region is decoded once, after routing, for the primary model; a fallback model reuses it.
 */
import { editRegion, parseImageEditUpload, type ImageEditUpload } from '../media/image-upload';
import { validateImageEditRequest, type EditRegion, type ImageEditRequest } from '../adapters/media';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import { withIdempotency } from '../stages/idempotency';
import { runImageRequest } from './images';
import { authenticateMedia, requireModel } from './media-common';

const PATH = '/api/v1/images/edits';

export const imageEditsEndpoint: EndpointHandler = async (gw, ctx, respondError) => {
  const key = await authenticateMedia(gw, ctx, 'images');
  const upload = await parseImageEditUpload(ctx.req.bodyStream(), ctx.req.header('content-type'), { signal: ctx.req.signal });
  const identity = ctx.req.header('idempotency-key') ? upload.identity() : Buffer.alloc(0);
  await withIdempotency(gw, ctx, key, PATH, identity, () => edit(gw, ctx, key, upload), respondError);
};

function edit(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, upload: ImageEditUpload): Promise<void> {
  const body: Record<string, unknown> = { ...upload.fields };
  requireModel(body);
  let region: EditRegion | null = null;
  return runImageRequest<ImageEditRequest>(gw, ctx, key, {
    endpoint: 'image_edits',
    meterEndpoint: 'images.edits',
    body,
    validate: async (model, spec) => {
      if (spec.edits) region ??= await editRegion(upload.image, upload.mask);
      // No edit spec: validateImageEditRequest answers the 400 naming `model` (no region needed).
      return validateImageEditRequest(body, spec, model.name, {
        image: upload.image,
        mask: upload.mask,
        region: region ?? { width: 0, height: 0, edit: new Uint8Array() },
      });
    },
    call: (adapter, r, mctx) => {
      if (!adapter.edit) throw new GatewayError(400, 'model_not_supported', 'This model does not support image editing through this API.', { param: 'model' });
      return adapter.edit(r, mctx);
    },
    logBody: {
      ...upload.fields,
      image: { filename: upload.image.filename, bytes: upload.image.data.length },
      mask: upload.mask ? { filename: upload.mask.filename, bytes: upload.mask.data.length } : null,
    },
  });
}
