/**
 * Meshy's API (https://docs.meshy.ai, base https://api.meshy.ai/openapi): text to 3D is POST
 * /v2/text-to-3d `{ mode: "preview", prompt, ai_model }`, image to 3D POST /v1/image-to-3d
 * `{ image_url, ai_model }`; both answer `{ result: <task id> }` and are polled at
 * GET <same path>/{id}: `{ status: PENDING|IN_PROGRESS|SUCCEEDED|FAILED|CANCELED|EXPIRED,
 * progress, model_urls: { glb, ... }, thumbnail_url, task_error: { message } }`. Meshy's
 * webhooks are set per account in its dashboard (same task object); there is no cancellation
 * (DELETE removes a task's files). Failed tasks are refunded by Meshy.
 */
import {
  providerFailed,
  cancelledState,
  resultFile,
  completed,
  bearerHeaders,
  callJson,
  failed,
  pending,
  rec,
  str,
  type TaskAdapter,
  type TaskRequest,
  type TaskState,
} from '../jobs/task-types';

const MODEL: Record<string, { aiModel: string; image: boolean }> = {
  'meshy-v3': { aiModel: 'meshy-3', image: true },
  'meshy-v3-turbo': { aiModel: 'meshy-3-turbo', image: false },
};

const headers = bearerHeaders;
const messageOf = (json: unknown, text: string) => ({ message: str(rec(json).message) ?? text.slice(0, 300), code: null });

function path(req: TaskRequest): string {
  return req.inputReference ? '/v1/image-to-3d' : '/v2/text-to-3d';
}

export function meshyState(t: Record<string, unknown>): TaskState {
  const progress = typeof t.progress === 'number' ? t.progress : null;
  switch (t.status) {
    case 'PENDING':
      return pending('queued', 0);
    case 'IN_PROGRESS':
      return pending('in_progress', progress);
    case 'SUCCEEDED': {
      return completed([resultFile('model', rec(t.model_urls).glb, 'model/gltf-binary'), resultFile('preview', t.thumbnail_url, 'image/png')]);
    }
    case 'CANCELED':
      return cancelledState();
    case 'EXPIRED':
      return failed('expired', 'The provider expired this task.');
    case 'FAILED':
      return providerFailed(str(rec(t.task_error).message), 'The provider could not generate this model.');
    default:
      return pending('in_progress', progress);
  }
}

export const meshyAdapter: TaskAdapter = {
  wireFormat: 'meshy',
  kind: '3d',
  acceptsCallback: false,
  validate(req) {
    const m = MODEL[req.providerModelId];
    if (req.inputReference && m && !m.image) return { param: 'input_reference', message: 'This model generates from text only: remove input_reference.' };
    return null;
  },
  async create(ep, req) {
    const m = MODEL[req.providerModelId] ?? { aiModel: req.providerModelId, image: true };
    const body = req.inputReference ? { image_url: req.inputReference, ai_model: m.aiModel } : { mode: 'preview', prompt: req.prompt, ai_model: m.aiModel };
    const json = rec(await callJson(ep, 'POST', `${ep.baseUrl}${path(req)}`, headers(ep), body, 'Meshy', messageOf));
    const id = str(json.result);
    if (!id) throw new Error('Meshy returned no task id');
    return { taskId: id };
  },
  async poll(ep, taskId, req) {
    return meshyState(rec(await callJson(ep, 'GET', `${ep.baseUrl}${path(req)}/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Meshy', messageOf)));
  },
  async cancel() {
    return 'unsupported';
  },
  parseWebhook(body) {
    const t = rec(body);
    const id = str(t.id);
    return id && typeof t.status === 'string' ? { taskId: id, state: meshyState(t) } : null;
  },
};
