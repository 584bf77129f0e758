/**
 * What the images, speech and transcription endpoints share: the key scope rule for keys made
 * before the media scopes existed, the call context handed to a media adapter, and the failure
 * that moves a fallback chain past a model that cannot take the request as validated.
 *
 * Legacy keys: keys created before the `images` and `audio` scopes existed hold exactly the then
 * default set {chat, embeddings, models} -- they were "all access" keys. Such a key (holding all
 * three and none of the newer scopes) may call images and audio too. A key restricted to fewer
 * scopes, or created with an explicit scope list that includes any newer scope, gets exactly what
 * it lists.
 */
import { authenticate, type KeyRecord } from '../auth';
import { buildTranslatedError } from '../adapters/shared';
import type { MediaCallContext } from '../adapters/media';
import { GatewayError, TranslatedUpstreamError } from '../errors';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { Attempt } from '../stages/upstream';

const LEGACY_DEFAULT = ['chat', 'embeddings', 'models'];
const NEWER = ['images', 'audio', 'search', 'videos'];

export function isLegacyAllAccessKey(key: KeyRecord): boolean {
  return LEGACY_DEFAULT.every((s) => key.scopes.has(s)) && !NEWER.some((s) => key.scopes.has(s));
}

export async function authenticateMedia(gw: GatewayServices, ctx: RequestContext, scope: 'images' | 'audio'): Promise<KeyRecord> {
  const key = await authenticate(gw.keys, ctx.req, ctx.start);
  ctx.tenantId = key.tenantId;
  if (!key.scopes.has(scope) && !isLegacyAllAccessKey(key)) {
    throw new GatewayError(403, 'insufficient_scope', `This API key does not have the "${scope}" scope.`, { type: 'permission_error' });
  }
  return key;
}

export function mediaContext(gw: GatewayServices, ctx: RequestContext, a: Attempt): MediaCallContext {
  return {
    ep: a.ep,
    providerModelId: a.model.providerModelId,
    providerLabel: a.provider.displayName,
    signal: ctx.req.signal,
    timeoutMs: gw.options.upstreamTimeoutMs,
  };
}

/** A fallback model that cannot take the request as the client sent it: try the next one. */
export function notForThisModel(modelName: string, what: string): TranslatedUpstreamError {
  const t = buildTranslatedError(400, 'other', `The fallback model '${modelName}' cannot serve this request: ${what}`, modelName);
  t.retryable = false;
  return new TranslatedUpstreamError(t);
}

/** Whether the request body's `model` is a string (400 naming `model` otherwise). */
export function requireModel(body: unknown): string {
  const m = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).model : undefined;
  if (typeof m !== 'string' || m.trim() === '') throw new GatewayError(400, 'invalid_request', "'model' is required.", { param: 'model' });
  return m;
}
