/**
 * Fake Meshy API (base /openapi): Bearer key, POST /openapi/v2/text-to-3d and
 * /openapi/v1/image-to-3d -> 202 { result: id }, GET <same>/{id} -> task object (PENDING,
 * IN_PROGRESS with progress, SUCCEEDED with model_urls.glb + thumbnail_url, FAILED with
 * task_error.message). Errors: { message }.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeTaskProvider, bearer } from './common';

export class FakeMeshy extends FakeTaskProvider {
  constructor(readonly apiKey = 'msy-test-key') {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/openapi`;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    if (bearer(req) !== this.apiKey) return this.json(res, 401, { message: 'Invalid API key' });
    const create = /^\/openapi\/(v2\/text-to-3d|v1\/image-to-3d)$/.exec(path);
    if (req.method === 'POST' && create) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (create[1] === 'v2/text-to-3d' && (b.mode !== 'preview' || typeof b.prompt !== 'string'))
        return this.json(res, 400, { message: 'Invalid request: mode and prompt are required' });
      if (create[1] === 'v1/image-to-3d' && typeof b.image_url !== 'string') return this.json(res, 400, { message: 'Invalid request: image_url is required' });
      const t = this.newTask(create[1]!, b, crypto.randomUUID());
      return this.json(res, 202, { result: t.id });
    }
    const get = /^\/openapi\/(v2\/text-to-3d|v1\/image-to-3d)\/([^/]+)$/.exec(path);
    const t = get ? this.tasks.get(decodeURIComponent(get[2]!)) : undefined;
    if (get && (!t || t.kind !== get[1])) return this.json(res, 404, { message: 'Task not found' });
    if (t && req.method === 'GET') {
      const base = {
        id: t.id,
        created_at: t.createdAt,
        started_at: t.createdAt,
        finished_at: 0,
        model_urls: {},
        thumbnail_url: '',
        task_error: { message: '' },
        progress: 0,
      };
      switch (this.advance(t)) {
        case 'queued':
          return this.json(res, 200, { ...base, status: 'PENDING' });
        case 'running':
          return this.json(res, 200, { ...base, status: 'IN_PROGRESS', progress: 60 });
        case 'succeed':
          return this.json(res, 200, {
            ...base,
            status: 'SUCCEEDED',
            progress: 100,
            finished_at: Date.now(),
            model_urls: { glb: this.fileUrl(`${t.id}.glb`), fbx: this.fileUrl(`${t.id}.fbx`) },
            thumbnail_url: this.fileUrl(`${t.id}.png`),
          });
        case 'policy':
          return this.json(res, 200, { ...base, status: 'FAILED', task_error: { message: 'The input was rejected by our content moderation policy.' } });
        default:
          return this.json(res, 200, { ...base, status: 'FAILED', task_error: { message: 'Internal server error.' } });
      }
    }
    this.json(res, 404, { message: 'Not found' });
  }
}
