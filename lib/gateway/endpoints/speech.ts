/**
 * POST /api/v1/audio/speech, as a composition of the gateway's stages:
 *
 *   authenticate (scope `audio`) -> parse -> route (speech models, fallbacks within the category)
 *   -> validate against the model's spec (input, voice, response_format, speed: 400 naming the
 *   field, before any provider) -> admit (rate limits) -> admit (budget: the input's characters at
 *   the dearest model of the chain) -> upstream (the provider's speech adapter; retries,
 *   fallbacks and cooldown until the provider answers) -> respond: the audio is streamed to the
 *   client as it arrives -> finish (meter input characters, settle, request log: stages/finish.ts).
 *
 * Once the provider has answered, the characters are metered even if the client leaves mid-audio
 * (the provider bills the whole input). The answer is binary audio, so Idempotency-Key is not
 * applied here (replays are for JSON and text answers; docs/gateway.md).
 */
import type { UsageStatus } from '../metering/writer';
import { speechAdapterFor } from '../adapters/media-adapters';
import { countCharacters, validateSpeechRequest, type SpeechAdapter, type SpeechModelSpec, type SpeechRequest, type SpeechResult } from '../adapters/media';
import { GatewayError } from '../errors';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayModel, GatewayProvider } from '../state';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { failureFacts, finish, Outcome } from '../stages/finish';
import { parseJson } from '../stages/parse';
import { answerHeaders } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, newTrace } from '../stages/upstream';
import { authenticateMedia, mediaContext, notForThisModel, requireModel } from './media-common';

function adapterAndSpec(model: GatewayModel, provider: GatewayProvider): { adapter: SpeechAdapter; spec: SpeechModelSpec } {
  const adapter = speechAdapterFor(provider.wireFormat);
  const spec = adapter?.spec(model.providerModelId) ?? null;
  if (!adapter || !spec)
    throw new GatewayError(400, 'model_not_supported', `The model '${model.name}' does not support speech through this API.`, { param: 'model' });
  return { adapter, spec };
}

interface SpeechAnswer {
  kind: 'stream';
  refusal: false;
  result: SpeechResult;
}

export const speechEndpoint: EndpointHandler = async (gw, ctx) => {
  const key = await authenticateMedia(gw, ctx, 'audio');
  const raw = await ctx.req.readBody(gw.options.maxBodyBytes);
  const json = parseJson(raw);
  requireModel(json);
  const body = json as Record<string, unknown>;
  const { snap, tenant } = await loadTenantView(gw, key);
  const plan = routeStage(gw, ctx, { endpoint: 'speech', key, snap, tenant, body, promptTokens: 0 });
  const primary = adapterAndSpec(plan.primary, snap.providers.get(plan.primary.providerId)!);
  const req = validateSpeechRequest(body, primary.spec, plan.primary.name);
  const characters = countCharacters(req.input);

  const admission = await admitRate(gw, ctx, key, tenant, plan, 0);
  await reserveBudget(gw, ctx, key, admission, () => upperPriceEstimate(gw, plan, tenant, snap, ctx.start, () => ({ characters, requests: 1 })));

  const trace = newTrace(plan);
  let answer: SpeechAnswer | null = null;
  let failure: unknown = null;
  try {
    answer = await callUpstream<SpeechAnswer>(gw, ctx, plan, snap, trace, async (a) => {
      const { adapter, spec } = adapterAndSpec(a.model, a.provider);
      let r: SpeechRequest;
      try {
        r = a.model.id === plan.primary.id ? req : validateSpeechRequest(body, spec, a.model.name);
      } catch (err) {
        throw notForThisModel(a.model.name, err instanceof Error ? err.message : 'invalid request');
      }
      return { kind: 'stream', refusal: false, result: await adapter.synthesize(r, mediaContext(gw, ctx, a)) };
    });
  } catch (err) {
    failure = err;
  }

  let status: UsageStatus = 'success';
  let errorCode: string | null = null;
  let ttfb: number | null = null;
  let bytes = 0;
  if (answer) {
    answerHeaders(ctx, trace);
    const res = answer.result;
    ctx.sink.start(200, { 'content-type': res.contentType, 'cache-control': 'no-cache', ...ctx.headers });
    const onAbort = () => res.abort();
    ctx.req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const chunk of res.body) {
        if (ttfb === null) ttfb = Date.now() - ctx.start;
        bytes += (chunk as Buffer).length;
        if (!ctx.sink.write(chunk as Buffer)) await ctx.sink.drain();
        if (ctx.sink.closed) break;
      }
      ctx.sink.end();
    } catch {
      // The provider's stream broke (or the client left): the client got part of the audio.
      status = ctx.req.signal.aborted ? 'cancelled' : 'partial';
      errorCode = ctx.req.signal.aborted ? 'client_disconnected' : 'upstream_stream_error';
      if (!ctx.sink.closed) ctx.sink.end();
    } finally {
      ctx.req.signal.removeEventListener('abort', onAbort);
    }
    if (ctx.req.signal.aborted && status === 'success') {
      status = 'cancelled';
      errorCode = 'client_disconnected';
    }
  }
  const failed = answer ? null : failureFacts(ctx, failure);

  const o = new Outcome(answer !== null, { characters: answer ? answer.result.units.characters : 0, requests: 1 });
  o.ttfbMs = ttfb;
  if (failed) o.failed(failed, failure);
  else {
    o.status = status;
    o.errorCode = errorCode;
  }
  o.metadata = { voice: body.voice, responseFormat: req.responseFormat, audioBytes: bytes };
  o.requestBody = body;
  o.responseBody = answer ? { audio_bytes: bytes, content_type: answer.result.contentType, status } : { error: failed?.mapped.body.error };
  finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: 'audio.speech' }, o);
};
