/**
 * Google Veo through the Gemini API (the google genai SDK's generateVideos): POST
 * /v1beta/models/{model}:predictLongRunning with `x-goog-api-key`, body `{ instances: [{ prompt,
 * image? { bytesBase64Encoded, mimeType } }], parameters: { aspectRatio, durationSeconds,
 * sampleCount } }` -> a long-running operation `{ name }`; GET /v1beta/{name} until `done`, then
 * `response.generateVideoResponse.generatedSamples[].video.uri` (a file URL that needs the API
 * key to download) or `error { code, message }`; videos withheld by the safety filters come back
 * as `raiMediaFilteredCount` / `raiMediaFilteredReasons`. The Gemini API offers no cancellation
 * of a Veo operation. Veo 2 makes 5-8 s at 16:9 or 9:16; the operation does not report the
 * duration, so a finished operation produced what was asked.
 */
import { completed, callJson, failed, oneOf, pending, rec, str, type TaskAdapter, type TaskEndpoint, type TaskState } from '../jobs/task-types';

const MODEL: Record<string, string> = { 'veo-2.0': 'veo-2.0-generate-001' };
const DURATIONS = [5, 6, 7, 8] as const;
const SIZES: Record<string, string> = { '1280x720': '16:9', '720x1280': '9:16' };

function headers(ep: TaskEndpoint): Record<string, string> {
  return { 'x-goog-api-key': ep.apiKey };
}
const messageOf = (json: unknown, text: string) => {
  const e = rec(rec(json).error);
  return { message: str(e.message) ?? text.slice(0, 300), code: str(e.status) };
};

export const veoAdapter: TaskAdapter = {
  wireFormat: 'veo',
  kind: 'video',
  acceptsCallback: false,
  validate(req) {
    if (req.inputReference && !/^data:image\/(png|jpeg|webp);base64,/.test(req.inputReference)) {
      return { param: 'input_reference', message: 'input_reference must be a PNG, JPEG or WebP image for this model.' };
    }
    return oneOf(req.seconds ?? 8, DURATIONS, 'seconds', 'seconds') ?? oneOf(req.size ?? '1280x720', Object.keys(SIZES), 'size', 'size');
  },
  async create(ep, req) {
    const model = MODEL[req.providerModelId] ?? req.providerModelId;
    const instance: Record<string, unknown> = { prompt: req.prompt };
    if (req.inputReference) {
      const m = /^data:([^;]+);base64,(.*)$/s.exec(req.inputReference);
      if (m) instance.image = { bytesBase64Encoded: m[2], mimeType: m[1] };
    }
    const body = {
      instances: [instance],
      parameters: { aspectRatio: SIZES[req.size ?? '1280x720'] ?? '16:9', durationSeconds: req.seconds ?? 8, sampleCount: 1 },
    };
    const op = rec(await callJson(ep, 'POST', `${ep.baseUrl}/models/${model}:predictLongRunning`, headers(ep), body, 'Google Veo', messageOf));
    const name = str(op.name);
    if (!name) throw new Error('Veo returned no operation name');
    return { taskId: name };
  },
  async poll(ep, taskId, req): Promise<TaskState> {
    const op = rec(await callJson(ep, 'GET', `${ep.baseUrl}/${taskId}`, headers(ep), undefined, 'Google Veo', messageOf));
    if (op.done !== true) return pending('in_progress', null);
    const err = rec(op.error);
    if (Object.keys(err).length > 0) {
      const msg = str(err.message) ?? 'The provider could not generate this video.';
      return failed(String(err.code ?? 'provider_failed'), msg, /safety|policy|responsible ai/i.test(msg));
    }
    const gvr = rec(rec(op.response).generateVideoResponse);
    const samples = Array.isArray(gvr.generatedSamples) ? (gvr.generatedSamples as unknown[]).map(rec) : [];
    const uri = samples.map((s) => str(rec(s.video).uri)).find((u): u is string => !!u);
    if (!uri) {
      const reasons = Array.isArray(gvr.raiMediaFilteredReasons) ? gvr.raiMediaFilteredReasons.filter((r): r is string => typeof r === 'string') : [];
      if (reasons.length > 0 || Number(gvr.raiMediaFilteredCount ?? 0) > 0)
        return failed('content_policy', reasons[0] ?? "The video was blocked by the provider's safety filters.", true);
      return failed('no_output', 'The provider finished without a video.');
    }
    return completed([{ role: 'video', url: uri, headers: headers(ep), contentType: 'video/mp4' }], String(req.seconds ?? 8));
  },
  async cancel() {
    return 'unsupported';
  },
};
