/**
 * Fake Runway API (docs.dev.runwayml.com): Bearer key + X-Runway-Version header, POST
 * /v1/image_to_video -> { id }, GET /v1/tasks/{id} (PENDING, RUNNING with progress 0-1,
 * SUCCEEDED with output URLs, FAILED with failure + failureCode, CANCELLED), DELETE
 * /v1/tasks/{id} -> 204.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeTaskProvider, bearer } from './common';

export class FakeRunway extends FakeTaskProvider {
  constructor(readonly apiKey = 'rw-test-key') {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    if (bearer(req) !== this.apiKey) return this.json(res, 401, { error: 'Incorrect API key provided.' });
    if (req.headers['x-runway-version'] !== '2024-11-06') return this.json(res, 400, { error: 'Invalid API version specified in X-Runway-Version header.' });
    if (req.method === 'POST' && path === '/v1/image_to_video') {
      const b = (body ?? {}) as Record<string, unknown>;
      const issues: string[] = [];
      if (typeof b.promptImage !== 'string') issues.push('promptImage: Required');
      if (![5, 10].includes(b.duration as number)) issues.push('duration: Invalid enum value. Expected 5 | 10');
      if (!['1280:768', '768:1280'].includes(b.ratio as string)) issues.push("ratio: Invalid enum value. Expected '1280:768' | '768:1280'");
      if (!['gen3a_turbo', 'gen3a'].includes(b.model as string)) issues.push('model: Invalid enum value');
      if (issues.length) return this.json(res, 400, { error: 'Validation of body failed', issues: issues.map((message) => ({ message })) });
      const t = this.newTask('runway', b, crypto.randomUUID());
      return this.json(res, 200, { id: t.id });
    }
    const m = /^\/v1\/tasks\/([^/]+)$/.exec(path);
    const t = m ? this.tasks.get(decodeURIComponent(m[1]!)) : undefined;
    if (m && !t) return this.json(res, 404, { error: 'Task not found.' });
    if (t && req.method === 'DELETE') {
      t.cancelled = true;
      res.writeHead(204).end();
      return;
    }
    if (t && req.method === 'GET') {
      const base = { id: t.id, createdAt: new Date(t.createdAt).toISOString() };
      switch (this.advance(t)) {
        case 'queued':
          return this.json(res, 200, { ...base, status: 'PENDING' });
        case 'running':
          return this.json(res, 200, { ...base, status: 'RUNNING', progress: 0.5 });
        case 'succeed':
          return this.json(res, 200, { ...base, status: 'SUCCEEDED', output: [this.fileUrl(`${t.id}.mp4`)] });
        case 'fail':
          return this.json(res, 200, { ...base, status: 'FAILED', failure: 'An unexpected error occurred.', failureCode: 'INTERNAL.BAD_OUTPUT.CODE01' });
        case 'policy':
          return this.json(res, 200, {
            ...base,
            status: 'FAILED',
            failure: 'Your input was flagged by our content moderation system.',
            failureCode: 'SAFETY.INPUT.TEXT',
          });
        case 'cancelled':
          return this.json(res, 200, { ...base, status: 'CANCELLED' });
      }
    }
    this.json(res, 404, { error: 'Not found.' });
  }
}
