/**
 * Luma Dream Machine API (https://docs.lumalabs.ai, SDK lumalabs/lumaai-node): POST
 * /generations `{ prompt, model, aspect_ratio, resolution, duration, keyframes, callback_url }`
 * answers a Generation `{ id, state: queued|dreaming|completed|failed, failure_reason, assets:
 * { video, image } }`; GET /generations/{id} polls it; Luma POSTs the same Generation object to
 * `callback_url` on every state change. Luma offers no cancellation (DELETE removes a finished
 * generation), so a running Luma job runs to its end. `dream-machine` is Luma's `ray-1-6`.
 * The generation echoes the requested duration ("5s"): that is what it produced.
 */
import {
  providerFailed,
  resultFile,
  completed,
  callJson,
  oneOf,
  pending,
  rec,
  secondsString,
  str,
  type TaskAdapter,
  type TaskEndpoint,
  type TaskRequest,
  type TaskState,
} from '../jobs/task-types';

const MODEL: Record<string, string> = { 'dream-machine': 'ray-1-6', 'ray-2': 'ray-2' };
const SIZES: Record<string, { aspect: string; resolution: string }> = {
  '1280x720': { aspect: '16:9', resolution: '720p' },
  '720x1280': { aspect: '9:16', resolution: '720p' },
  '1920x1080': { aspect: '16:9', resolution: '1080p' },
  '1080x1920': { aspect: '9:16', resolution: '1080p' },
  '1024x1024': { aspect: '1:1', resolution: '720p' },
};
const DURATIONS: Record<string, readonly number[]> = { 'ray-1-6': [5], 'ray-2': [5, 9] };

function headers(ep: TaskEndpoint): Record<string, string> {
  return { authorization: `Bearer ${ep.apiKey}`, accept: 'application/json' };
}
const messageOf = (json: unknown, text: string) => {
  const d = rec(json).detail;
  return { message: typeof d === 'string' ? d : Array.isArray(d) ? JSON.stringify(d).slice(0, 300) : text.slice(0, 300), code: null };
};

function lumaModel(id: string): string {
  return MODEL[id] ?? id;
}

export function lumaState(g: Record<string, unknown>): TaskState {
  switch (g.state) {
    case 'queued':
      return pending('queued', 0);
    case 'dreaming':
      return pending('in_progress', null);
    case 'completed': {
      const assets = rec(g.assets);
      return completed(
        [resultFile('video', assets.video, 'video/mp4'), resultFile('preview', assets.image, 'image/jpeg')],
        secondsString(rec(g.request).duration) ?? '5',
      );
    }
    case 'failed':
      return providerFailed(str(g.failure_reason), 'The provider could not generate this video.');
    default:
      return pending('in_progress', null);
  }
}

export const lumaAdapter: TaskAdapter = {
  wireFormat: 'luma',
  kind: 'video',
  acceptsCallback: true,
  validate(req) {
    const m = lumaModel(req.providerModelId);
    return oneOf(req.seconds ?? 5, DURATIONS[m] ?? [5], 'seconds', 'seconds') ?? oneOf(req.size ?? '1280x720', Object.keys(SIZES), 'size', 'size');
  },
  async create(ep, req: TaskRequest) {
    const m = lumaModel(req.providerModelId);
    const size = SIZES[req.size ?? '1280x720'] ?? SIZES['1280x720']!;
    const body: Record<string, unknown> = {
      prompt: req.prompt,
      model: m,
      aspect_ratio: size.aspect,
      duration: `${req.seconds ?? 5}s`,
    };
    if (m !== 'ray-1-6') body.resolution = size.resolution;
    if (req.inputReference) body.keyframes = { frame0: { type: 'image', url: req.inputReference } };
    if (req.callbackUrl) body.callback_url = req.callbackUrl;
    const g = rec(await callJson(ep, 'POST', `${ep.baseUrl}/generations`, headers(ep), body, 'Luma', messageOf));
    const id = str(g.id);
    if (!id) throw new Error('Luma returned no generation id');
    return { taskId: id };
  },
  async poll(ep, taskId) {
    return lumaState(rec(await callJson(ep, 'GET', `${ep.baseUrl}/generations/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Luma', messageOf)));
  },
  async cancel() {
    return 'unsupported';
  },
  parseWebhook(body) {
    const g = rec(body);
    const id = str(g.id);
    return id && typeof g.state === 'string' ? { taskId: id, state: lumaState(g) } : null;
  },
};
