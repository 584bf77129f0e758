/**
 * Fake Luma Dream Machine API: Bearer key, POST /dream-machine/v1/generations -> 201 Generation
 * (state queued), GET /dream-machine/v1/generations/{id} (queued, dreaming, completed with
 * assets.video / assets.image, failed with failure_reason); on each state change it POSTs the
 * Generation to `callback_url` when one was given. Errors: `{ detail }`.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeTaskProvider, bearer, type FakeTask, type Stage } from './common';

export class FakeLuma extends FakeTaskProvider {
  constructor(readonly apiKey = 'luma-test-key') {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/dream-machine/v1`;
  }
  private generation(t: FakeTask, stage: Stage): Record<string, unknown> {
    const b = t.body;
    const g: Record<string, unknown> = {
      id: t.id,
      generation_type: 'video',
      created_at: new Date(t.createdAt).toISOString(),
      model: b.model,
      request: { prompt: b.prompt, model: b.model, aspect_ratio: b.aspect_ratio, duration: b.duration, resolution: b.resolution ?? null },
      assets: null,
      failure_reason: null,
    };
    if (stage === 'queued') g.state = 'queued';
    else if (stage === 'running') g.state = 'dreaming';
    else if (stage === 'succeed') {
      g.state = 'completed';
      g.assets = { video: this.fileUrl(`${t.id}.mp4`), image: this.fileUrl(`${t.id}.jpg`) };
    } else if (stage === 'policy') {
      g.state = 'failed';
      g.failure_reason = 'Prompt not allowed because advanced moderation failed';
    } else {
      g.state = 'failed';
      g.failure_reason = 'Internal error while generating';
    }
    return g;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    if (bearer(req) !== this.apiKey) return this.json(res, 401, { detail: 'Invalid authentication credentials' });
    if (req.method === 'POST' && path === '/dream-machine/v1/generations') {
      const b = (body ?? {}) as Record<string, unknown>;
      if (typeof b.prompt !== 'string' || !b.prompt) return this.json(res, 400, { detail: 'prompt is required' });
      if (!['ray-1-6', 'ray-2', 'ray-flash-2'].includes(b.model as string)) return this.json(res, 400, { detail: `Invalid model: ${String(b.model)}` });
      if (!['5s', '9s'].includes(b.duration as string)) return this.json(res, 400, { detail: 'Invalid duration' });
      const t = this.newTask('luma', b, crypto.randomUUID());
      return this.json(res, 201, this.generation(t, 'queued'));
    }
    const m = /^\/dream-machine\/v1\/generations\/([^/]+)$/.exec(path);
    const t = m ? this.tasks.get(decodeURIComponent(m[1]!)) : undefined;
    if (m && !t) return this.json(res, 404, { detail: 'Generation not found' });
    if (t && req.method === 'GET') {
      const before = this.stageOf(t);
      const stage = this.advance(t);
      const g = this.generation(t, stage);
      if (stage !== before && typeof t.body.callback_url === 'string') void this.callback(t.body.callback_url, g);
      return this.json(res, 200, g);
    }
    if (t && req.method === 'DELETE') {
      this.tasks.delete(t.id);
      res.writeHead(204).end();
      return;
    }
    this.json(res, 404, { detail: 'Not Found' });
  }
}
