/**
 * Kling AI's API (https://app.klingai.com/global/dev/document-api): every call carries
 * `Authorization: Bearer <JWT>`, a JWT signed HS256 with the secret key, `iss` = the access key,
 * valid 30 minutes (we sign a fresh one per call). RADIANT keeps both halves in the provider
 * credential as "<access key>:<secret key>" (KLING_API_KEY).
 * POST /v1/videos/text2video or /v1/videos/image2video `{ model_name, prompt, mode, duration,
 * aspect_ratio, image, callback_url }` -> `{ code: 0, data: { task_id, task_status } }`; GET
 * /v1/videos/<same>/{task_id} -> task_status submitted|processing|succeed|failed with
 * task_status_msg, and task_result.videos[].duration (seconds produced, as a string). Kling POSTs
 * the task object to callback_url on status changes. Kling offers no cancellation. Code 1301 (and
 * the 1300 family) is its content-security refusal.
 */
import crypto from 'node:crypto';
import {
  providerFailed,
  resultFile,
  completed,
  messageAndCode,
  ProviderTaskError,
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

const MODEL: Record<string, { name: string; mode: string }> = {
  'kling-v1.5-pro': { name: 'kling-v1-5', mode: 'pro' },
};
const DURATIONS = [5, 10] as const;
const SIZES: Record<string, string> = { '1280x720': '16:9', '720x1280': '9:16', '1024x1024': '1:1', '1920x1080': '16:9', '1080x1920': '9:16' };

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

/** The JWT Kling wants: HS256 over {iss: accessKey, exp: now+1800, nbf: now-5}. */
export function klingJwt(credential: string, nowSec = Math.floor(Date.now() / 1000)): string {
  const i = credential.indexOf(':');
  if (i <= 0) throw new ProviderTaskError('Kling credential must be "<access key>:<secret key>".', 'authentication', 0);
  const ak = credential.slice(0, i);
  const sk = credential.slice(i + 1);
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ iss: ak, exp: nowSec + 1800, nbf: nowSec - 5 }));
  const sig = crypto.createHmac('sha256', sk).update(`${head}.${payload}`).digest('base64url');
  return `${head}.${payload}.${sig}`;
}

function headers(ep: TaskEndpoint): Record<string, string> {
  return { authorization: `Bearer ${klingJwt(ep.apiKey)}` };
}
const messageOf = messageAndCode;

function path(req: TaskRequest): string {
  return req.inputReference ? 'image2video' : 'text2video';
}

export function klingState(d: Record<string, unknown>): TaskState {
  switch (d.task_status) {
    case 'submitted':
      return pending('queued', 0);
    case 'processing':
      return pending('in_progress', null);
    case 'succeed': {
      const videos = Array.isArray(rec(d.task_result).videos) ? (rec(d.task_result).videos as unknown[]).map(rec) : [];
      const v = videos[0];
      return completed([resultFile('video', v?.url, 'video/mp4')], v ? secondsString(v.duration) : null);
    }
    case 'failed':
      return providerFailed(str(d.task_status_msg), 'The provider could not generate this video.');
    default:
      return pending('in_progress', null);
  }
}

export const klingAdapter: TaskAdapter = {
  wireFormat: 'kling',
  kind: 'video',
  acceptsCallback: true,
  validate(req) {
    return oneOf(req.seconds ?? 5, DURATIONS, 'seconds', 'seconds') ?? oneOf(req.size ?? '1280x720', Object.keys(SIZES), 'size', 'size');
  },
  async create(ep, req) {
    const m = MODEL[req.providerModelId] ?? { name: req.providerModelId, mode: 'std' };
    const body: Record<string, unknown> = {
      model_name: m.name,
      mode: m.mode,
      prompt: req.prompt,
      duration: String(req.seconds ?? 5),
    };
    if (req.inputReference) {
      // Kling takes a URL or the bare base64 (no data: prefix).
      const comma = req.inputReference.startsWith('data:') ? req.inputReference.indexOf(',') : -1;
      body.image = comma >= 0 ? req.inputReference.slice(comma + 1) : req.inputReference;
    } else {
      body.aspect_ratio = SIZES[req.size ?? '1280x720'] ?? '16:9';
    }
    if (req.callbackUrl) body.callback_url = req.callbackUrl;
    let json: Record<string, unknown>;
    try {
      json = rec(await callJson(ep, 'POST', `${ep.baseUrl}/videos/${path(req)}`, headers(ep), body, 'Kling', messageOf));
    } catch (err) {
      if (err instanceof ProviderTaskError && err.providerCode?.startsWith('130')) {
        throw new ProviderTaskError(err.message, 'content_policy', err.upstreamStatus, err.providerCode);
      }
      throw err;
    }
    const id = str(rec(json.data).task_id);
    if (!id) throw new Error('Kling returned no task id');
    return { taskId: id };
  },
  async poll(ep, taskId, req) {
    const json = rec(await callJson(ep, 'GET', `${ep.baseUrl}/videos/${path(req)}/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Kling', messageOf));
    return klingState(rec(json.data));
  },
  async cancel() {
    return 'unsupported';
  },
  parseWebhook(body) {
    const d = rec(body);
    const id = str(d.task_id);
    return id && typeof d.task_status === 'string' ? { taskId: id, state: klingState(d) } : null;
  },
};
