/**
 * Runway's task API (https://docs.dev.runwayml.com/api): POST /v1/image_to_video with
 * `X-Runway-Version: 2024-11-06`, then GET /v1/tasks/{id} until SUCCEEDED / FAILED / CANCELLED;
 * DELETE /v1/tasks/{id} cancels a running task (Runway does not charge a cancelled task).
 * Gen-3 Alpha (Turbo) is image-to-video: `input_reference` is required. Durations 5 or 10 s,
 * ratios 1280:768 / 768:1280. Runway reports no duration on the task: a SUCCEEDED task produced
 * the duration it was asked for. Failure codes starting with SAFETY are content-policy refusals.
 */
import {
  cancelledState,
  resultFile,
  completed,
  callJson,
  failed,
  oneOf,
  parseSize,
  pending,
  rec,
  str,
  type TaskAdapter,
  type TaskEndpoint,
  type TaskRequest,
  type TaskState,
} from '../jobs/task-types';

export const RUNWAY_VERSION = '2024-11-06';
const DURATIONS = [5, 10] as const;
const SIZES = ['1280x768', '768x1280'] as const;

function headers(ep: TaskEndpoint): Record<string, string> {
  return { authorization: `Bearer ${ep.apiKey}`, 'x-runway-version': RUNWAY_VERSION };
}

const messageOf = (json: unknown, text: string) => ({ message: str(rec(json).error) ?? text.slice(0, 300), code: null });

export const runwayAdapter: TaskAdapter = {
  wireFormat: 'runway',
  kind: 'video',
  acceptsCallback: false,
  validate(req) {
    if (!req.inputReference) return { param: 'input_reference', message: 'This model generates video from an image: input_reference is required.' };
    return oneOf(req.seconds ?? 5, DURATIONS, 'seconds', 'seconds') ?? oneOf(req.size ?? SIZES[0], SIZES, 'size', 'size');
  },
  async create(ep, req: TaskRequest) {
    const [w, h] = parseSize(req.size ?? SIZES[0]) ?? [1280, 768];
    const body = {
      model: req.providerModelId,
      promptImage: req.inputReference,
      promptText: req.prompt,
      duration: req.seconds ?? 5,
      ratio: `${w}:${h}`,
    };
    const json = rec(await callJson(ep, 'POST', `${ep.baseUrl}/image_to_video`, headers(ep), body, 'Runway', messageOf));
    const id = str(json.id);
    if (!id) throw new Error('Runway returned no task id');
    return { taskId: id };
  },
  async poll(ep, taskId, req): Promise<TaskState> {
    const t = rec(await callJson(ep, 'GET', `${ep.baseUrl}/tasks/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Runway', messageOf));
    const progress = typeof t.progress === 'number' ? Math.round(t.progress * 100) : null;
    switch (t.status) {
      case 'PENDING':
      case 'THROTTLED':
        return pending('queued', 0);
      case 'RUNNING':
        return pending('in_progress', progress);
      case 'SUCCEEDED': {
        const out = Array.isArray(t.output) ? t.output : [];
        return completed([resultFile('video', out[0], 'video/mp4')], String(req.seconds ?? 5));
      }
      case 'CANCELLED':
        return cancelledState();
      case 'FAILED': {
        const code = str(t.failureCode) ?? 'provider_failed';
        return failed(code, str(t.failure) ?? 'The provider could not generate this video.', code.startsWith('SAFETY'));
      }
      default:
        return pending('in_progress', progress);
    }
  },
  async cancel(ep, taskId) {
    await callJson(ep, 'DELETE', `${ep.baseUrl}/tasks/${encodeURIComponent(taskId)}`, headers(ep), undefined, 'Runway', messageOf);
    return 'cancelled';
  },
};
