/**
 * Fake Tripo API (base /v2/openapi): Bearer key (401 { code: 1002, message, suggestion }),
 * POST /v2/openapi/task -> { code: 0, data: { task_id } }, GET /v2/openapi/task/{id} ->
 * { code: 0, data: { status: queued|running|success|failed|banned, progress, output } }.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeTaskProvider, bearer } from './common';

export class FakeTripo extends FakeTaskProvider {
  constructor(readonly apiKey = 'tsk_test_key') {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/v2/openapi`;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    if (bearer(req) !== this.apiKey) {
      return this.json(res, 401, { code: 1002, message: 'Authentication failed: the API key is invalid.', suggestion: 'Check your API key.' });
    }
    if (req.method === 'POST' && path === '/v2/openapi/task') {
      const b = (body ?? {}) as Record<string, unknown>;
      if (b.type === 'text_to_model' && typeof b.prompt !== 'string') return this.json(res, 400, { code: 2002, message: 'prompt is required', suggestion: '' });
      if (b.type === 'image_to_model' && typeof (b.file as Record<string, unknown> | undefined)?.url !== 'string')
        return this.json(res, 400, { code: 2002, message: 'file is required', suggestion: '' });
      if (b.type !== 'text_to_model' && b.type !== 'image_to_model')
        return this.json(res, 400, { code: 2002, message: 'Unsupported task type', suggestion: '' });
      const t = this.newTask('tripo', b, crypto.randomUUID());
      return this.json(res, 200, { code: 0, data: { task_id: t.id } });
    }
    const get = /^\/v2\/openapi\/task\/([^/]+)$/.exec(path);
    const t = get ? this.tasks.get(decodeURIComponent(get[1]!)) : undefined;
    if (get && !t) return this.json(res, 404, { code: 2001, message: 'Task not found', suggestion: '' });
    if (t && req.method === 'GET') {
      const base = { task_id: t.id, type: t.body.type, input: {}, create_time: Math.floor(t.createdAt / 1000), output: {}, progress: 0 };
      switch (this.advance(t)) {
        case 'queued':
          return this.json(res, 200, { code: 0, data: { ...base, status: 'queued' } });
        case 'running':
          return this.json(res, 200, { code: 0, data: { ...base, status: 'running', progress: 40 } });
        case 'succeed':
          return this.json(res, 200, {
            code: 0,
            data: {
              ...base,
              status: 'success',
              progress: 100,
              output: { pbr_model: this.fileUrl(`${t.id}.glb`), rendered_image: this.fileUrl(`${t.id}.webp`) },
            },
          });
        case 'policy':
          return this.json(res, 200, { code: 0, data: { ...base, status: 'banned' } });
        default:
          return this.json(res, 200, { code: 0, data: { ...base, status: 'failed' } });
      }
    }
    this.json(res, 404, { code: 2001, message: 'Not found', suggestion: '' });
  }
}
