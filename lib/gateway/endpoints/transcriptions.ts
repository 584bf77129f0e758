/**
 * POST /api/v1/audio/transcriptions (multipart, OpenAI's fields), as a composition of stages:
 *
 *   authenticate (scope `audio`) -> upload (busboy stream to a temp file under the data dir,
 *   <= 25 MB else 413, duration read from the file header, not audio -> 400 naming `file`)
 *   -> idempotency (key over the fields and the file's SHA-256) -> route (transcription models,
 *   fallbacks within the category) -> validate (response_format, temperature) -> admit (rate
 *   limits) -> admit (budget: the file's minutes at the dearest model of the chain) -> upstream
 *   (the provider's adapter streams the file from disk; retries, fallbacks, cooldown) -> respond
 *   (json, text, verbose_json, srt or vtt in OpenAI's shape, sent once metered) -> finish (audio
 *   minutes = the header duration / 60; stages/finish.ts). The temp file is deleted at the end.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { transcriptionAdapterFor } from '../adapters/media-adapters';
import {
  renderTranscription,
  TRANSCRIPTION_FORMATS,
  type TranscriptionAdapter,
  type TranscriptionFormat,
  type TranscriptionRequest,
  type TranscriptionResult,
} from '../adapters/media';
import type { KeyRecord } from '../auth';
import { GatewayError } from '../errors';
import { parseAudioUpload, type AudioUpload } from '../media/audio-upload';
import type { RequestContext } from '../pipeline/context';
import type { EndpointHandler } from '../pipeline/run';
import type { GatewayServices } from '../pipeline/services';
import type { GatewayModel, GatewayProvider } from '../state';
import { admitRate, reserveBudget, upperPriceEstimate } from '../stages/admit';
import { withIdempotency } from '../stages/idempotency';
import { failureFacts, finish, Outcome } from '../stages/finish';
import { answerHeaders } from '../stages/respond';
import { loadTenantView, routeStage } from '../stages/route';
import { callUpstream, newTrace } from '../stages/upstream';
import { authenticateMedia, mediaContext, requireModel } from './media-common';

const PATH = '/api/v1/audio/transcriptions';

function adapterFor(model: GatewayModel, provider: GatewayProvider): TranscriptionAdapter {
  const adapter = transcriptionAdapterFor(provider.wireFormat);
  if (!adapter || !adapter.supports(model.providerModelId)) {
    throw new GatewayError(400, 'model_not_supported', `The model '${model.name}' does not support transcription through this API.`, { param: 'model' });
  }
  return adapter;
}

const one = (f: Record<string, string[]>, k: string): string | null => f[k]?.[0] ?? null;

function requestFrom(upload: AudioUpload): TranscriptionRequest {
  const f = upload.fields;
  const rf = one(f, 'response_format') ?? 'json';
  if (!(TRANSCRIPTION_FORMATS as readonly string[]).includes(rf)) {
    throw new GatewayError(400, 'invalid_value', `'response_format' must be one of ${TRANSCRIPTION_FORMATS.join(', ')}.`, { param: 'response_format' });
  }
  let temperature: number | null = null;
  const t = one(f, 'temperature');
  if (t !== null && t !== '') {
    temperature = Number(t);
    if (!Number.isFinite(temperature) || temperature < 0 || temperature > 1)
      throw new GatewayError(400, 'invalid_value', "'temperature' must be a number between 0 and 1.", { param: 'temperature' });
  }
  const gran = [...(f['timestamp_granularities[]'] ?? []), ...(f.timestamp_granularities ?? [])];
  for (const g of gran) {
    if (g !== 'word' && g !== 'segment')
      throw new GatewayError(400, 'invalid_value', "'timestamp_granularities' takes 'word' and/or 'segment'.", { param: 'timestamp_granularities' });
  }
  return {
    file: upload.file,
    language: one(f, 'language') || null,
    prompt: one(f, 'prompt') || null,
    responseFormat: rf as TranscriptionFormat,
    temperature,
    timestampGranularities: gran as Array<'word' | 'segment'>,
  };
}

async function fileHash(p: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const c of fs.createReadStream(p)) h.update(c as Buffer);
  return h.digest('hex');
}

export const transcriptionsEndpoint: EndpointHandler = async (gw, ctx, respondError) => {
  const key = await authenticateMedia(gw, ctx, 'audio');
  const tmpDir = path.resolve(gw.options.env.RADIANT_DATA_DIR ?? '.radiant', 'uploads');
  const upload = await parseAudioUpload(ctx.req.bodyStream(), ctx.req.header('content-type'), { tmpDir, signal: ctx.req.signal });
  try {
    let identity = Buffer.alloc(0);
    if (ctx.req.header('idempotency-key')) {
      identity = Buffer.from(JSON.stringify({ fields: upload.fields, file: await fileHash(upload.file.path) }));
    }
    await withIdempotency(gw, ctx, key, PATH, identity, () => transcribe(gw, ctx, key, upload), respondError);
  } finally {
    await upload.cleanup();
  }
};

interface TranscriptionAnswer {
  kind: 'complete';
  refusal: false;
  result: TranscriptionResult;
}

async function transcribe(gw: GatewayServices, ctx: RequestContext, key: KeyRecord, upload: AudioUpload): Promise<void> {
  const body = { model: one(upload.fields, 'model') };
  requireModel(body);
  const req = requestFrom(upload);
  const seconds = upload.file.durationSeconds!;
  const { snap, tenant } = await loadTenantView(gw, key);
  const plan = routeStage(gw, ctx, { endpoint: 'transcriptions', key, snap, tenant, body, promptTokens: 0 });
  adapterFor(plan.primary, snap.providers.get(plan.primary.providerId)!);

  const admission = await admitRate(gw, ctx, key, tenant, plan, 0);
  await reserveBudget(gw, ctx, key, admission, () =>
    upperPriceEstimate(gw, plan, tenant, snap, ctx.start, () => ({ minutes: seconds / 60, seconds, requests: 1 })),
  );

  const trace = newTrace(plan);
  let answer: TranscriptionAnswer | null = null;
  let failure: unknown = null;
  try {
    answer = await callUpstream<TranscriptionAnswer>(gw, ctx, plan, snap, trace, async (a) => ({
      kind: 'complete',
      refusal: false,
      result: await adapterFor(a.model, a.provider).transcribe(req, mediaContext(gw, ctx, a)),
    }));
  } catch (err) {
    failure = err;
  }

  let rendered: { body: string; contentType: string } | null = null;
  if (answer) {
    const r = answer.result;
    rendered = renderTranscription(
      r.transcript,
      req.responseFormat,
      r.units.audioSeconds,
      req.timestampGranularities.length ? req.timestampGranularities : ['segment'],
    );
    answerHeaders(ctx, trace);
  }
  const failed = answer ? null : failureFacts(ctx, failure);
  const cancelled = answer !== null && ctx.req.signal.aborted;
  const units = answer?.result.units ?? null;
  const o = new Outcome(answer !== null, units ? { minutes: units.audioSeconds / 60, seconds: units.audioSeconds, requests: 1 } : { requests: 1 });
  if (failed) o.failed(failed, failure);
  else {
    o.ttfbMs = Date.now() - ctx.start;
    if (cancelled) o.status = 'cancelled';
    else if (rendered) {
      o.body = rendered.body;
      o.contentType = rendered.contentType;
    }
  }
  o.metadata = {
    audioSeconds: units?.audioSeconds ?? seconds,
    durationSource: units?.source ?? 'header',
    providerDurationSeconds: answer?.result.transcript.providerDurationSeconds ?? null,
    fileBytes: upload.file.size,
    responseFormat: req.responseFormat,
  };
  o.requestBody = { ...upload.fields, file: { filename: upload.file.filename, bytes: upload.file.size } };
  o.responseBody = answer ? { text: answer.result.transcript.text, response_format: req.responseFormat } : { error: failed?.mapped.body.error };
  finish(gw, ctx, { key, tenant, snap, plan, trace, admission, endpoint: 'audio.transcriptions' }, o);
}
