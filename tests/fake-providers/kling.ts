/**
 * Fake Kling AI API: checks the HS256 JWT (iss = access key, exp/nbf, signed with the secret
 * key) on every call; POST /v1/videos/{text2video|image2video} -> { code: 0, data: { task_id,
 * task_status: submitted } }; GET /v1/videos/<same>/{id} (submitted, processing, succeed with
 * task_result.videos[].url / duration, failed with task_status_msg); content-security refusals
 * at creation answer 400 code 1301. Callbacks POST the task object to callback_url.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { FakeTaskProvider, bearer, type FakeTask, type Stage } from './common';

export class FakeKling extends FakeTaskProvider {
  /** Prompts containing this word are refused at creation (code 1301). */
  refuseWord = 'forbidden';
  constructor(
    readonly accessKey = 'kling-ak',
    readonly secretKey = 'kling-sk',
  ) {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/v1`;
  }
  get credential(): string {
    return `${this.accessKey}:${this.secretKey}`;
  }
  private authOk(req: http.IncomingMessage): boolean {
    const tok = bearer(req);
    const parts = tok?.split('.') ?? [];
    if (parts.length !== 3) return false;
    const sig = crypto.createHmac('sha256', this.secretKey).update(`${parts[0]}.${parts[1]}`).digest('base64url');
    if (sig !== parts[2]) return false;
    const p = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { iss?: string; exp?: number; nbf?: number };
    const now = Math.floor(Date.now() / 1000);
    return p.iss === this.accessKey && (p.exp ?? 0) > now && (p.nbf ?? Infinity) <= now;
  }
  private task(t: FakeTask, stage: Stage): Record<string, unknown> {
    const d: Record<string, unknown> = { task_id: t.id, created_at: t.createdAt, updated_at: Date.now(), task_status_msg: '' };
    if (stage === 'queued') d.task_status = 'submitted';
    else if (stage === 'running') d.task_status = 'processing';
    else if (stage === 'succeed') {
      d.task_status = 'succeed';
      const dur = String(t.body.duration) === '10' ? '10.1' : '5.1';
      d.task_result = { videos: [{ id: `${t.id}-v`, url: this.fileUrl(`${t.id}.mp4`), duration: dur }] };
    } else {
      d.task_status = 'failed';
      d.task_status_msg = stage === 'policy' ? 'Failure to pass the risk control system' : 'Internal error';
    }
    return d;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    const rid = crypto.randomUUID();
    if (!this.authOk(req)) return this.json(res, 401, { code: 1004, message: 'Auth failed: signature is invalid', request_id: rid });
    const create = /^\/v1\/videos\/(text2video|image2video)$/.exec(path);
    if (req.method === 'POST' && create) {
      const b = (body ?? {}) as Record<string, unknown>;
      if (create[1] === 'image2video' && typeof b.image !== 'string') return this.json(res, 400, { code: 1201, message: 'image is required', request_id: rid });
      if (!['5', '10'].includes(b.duration as string)) return this.json(res, 400, { code: 1201, message: 'duration must be 5 or 10', request_id: rid });
      if (typeof b.prompt === 'string' && b.prompt.includes(this.refuseWord)) {
        return this.json(res, 400, { code: 1301, message: 'Trigger the content security policy of the platform', request_id: rid });
      }
      const t = this.newTask(create[1]!, b, String(Date.now()) + Math.floor(Math.random() * 1e6));
      return this.json(res, 200, { code: 0, message: 'SUCCEED', request_id: rid, data: this.task(t, 'queued') });
    }
    const get = /^\/v1\/videos\/(text2video|image2video)\/([^/]+)$/.exec(path);
    const t = get ? this.tasks.get(decodeURIComponent(get[2]!)) : undefined;
    if (get && (!t || t.kind !== get[1])) return this.json(res, 404, { code: 1203, message: 'task not found', request_id: rid });
    if (t && req.method === 'GET') {
      const before = this.stageOf(t);
      const stage = this.advance(t);
      const d = this.task(t, stage);
      if (stage !== before && typeof t.body.callback_url === 'string') void this.callback(t.body.callback_url, d);
      return this.json(res, 200, { code: 0, message: 'SUCCEED', request_id: rid, data: d });
    }
    this.json(res, 404, { code: 1200, message: 'not found', request_id: rid });
  }
}
