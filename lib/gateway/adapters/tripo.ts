/**
 * Tripo's API (https://platform.tripo3d.ai/docs, base https://api.tripo3d.ai/v2/openapi):
 * POST /task `{ type: "text_to_model", prompt, model_version }` or `{ type: "image_to_model",
 * file: { type, url } }` -> `{ code: 0, data: { task_id } }`; GET /task/{id} -> `{ code: 0,
 * data: { status: queued|running|success|failed|banned|expired|cancelled|unknown, progress,
 * output: { model | pbr_model, rendered_image } } }`. Errors: `{ code, message, suggestion }`
 * (e.g. 1002 authentication). `banned` is a content-policy refusal. No cancellation; Tripo's
 * webhooks are per account.
 */
import {
  cancelledState,
  resultFile,
  completed,
  messageAndCode,
  bearerHeaders,
  callJson,
  failed,
  pending,
  rec,
  str,
  type TaskAdapter,
  type TaskState,
} from '../jobs/task-types';

const MODEL: Record<string, string> = { 'tripo-v2': 'v2.0-20240919' };

const headers = bearerHeaders;
const messageOf = messageAndCode;

export function tripoState(d: Record<string, unknown>): TaskState {
  const progress = typeof d.progress === 'number' ? d.progress : null;
  switch (d.status) {
    case 'queued':
      return pending('queued', 0);
    case 'running':
      return pending('in_progress', progress);
    case 'success': {
      const out = rec(d.output);
      const model = str(out.pbr_model) ?? str(out.model) ?? str(out.base_model);
      return completed([resultFile('model', model, 'model/gltf-binary'), resultFile('preview', out.rendered_image, 'image/webp')]);
    }
    case 'banned':
      return failed('banned', 'The provider refused this input under its content policy.', true);
    case 'cancelled':
      return cancelledState();
    case 'expired':
      return failed('expired', 'The provider expired this task.');
    case 'failed':
    case 'unknown':
      return failed('provider_failed', 'The provider could not generate this model.');
    default:
      return pending('in_progress', progress);
  }
}

function imageType(ref: string): string {
  const m = /^data:image\/(png|jpeg|jpg|webp)/.exec(ref) ?? /\.(png|jpe?g|webp)(\?|$)/i.exec(ref);
  const t = (m?.[1] ?? 'jpg').toLowerCase();
  return t === 'jpeg' ? 'jpg' : t;
}

export const tripoAdapter: TaskAdapter = {
  wireFormat: 'tripo',
  kind: '3d',
  acceptsCallback: false,
  validate(req) {
    if (req.inputReference && !/^https?:\/\//.test(req.inputReference)) {
      return { param: 'input_reference', message: 'input_reference must be an image URL (http or https) for this model.' };
    }
    return null;
  },
  async create(ep, req) {
    const model_version = MODEL[req.providerModelId] ?? req.providerModelId;
    const body = req.inputReference
      ? { type: 'image_to_model', model_version, file: { type: imageType(req.inputReference), url: req.inputReference } }
      : { type: 'text_to_model', model_version, prompt: req.prompt };
    const json = rec(await callJson(ep, 'POST', `${ep.baseUrl}/task`, headers(ep), body, 'Tripo', messageOf));
    const id = str(rec(json.data).task_id);
    if (!id) throw new Error('Tripo returned no task id');
    return { taskId: id };
  },
  async poll(ep, taskId) {
    const json = rec(await callJson(ep, 'GET', `${ep.baseUrl}/task/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Tripo', messageOf));
    return tripoState(rec(json.data));
  },
  async cancel() {
    return 'unsupported';
  },
};
