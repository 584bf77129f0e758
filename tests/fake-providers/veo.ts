/**
 * Fake Gemini API for Veo: `x-goog-api-key` on every call (400 API_KEY_INVALID otherwise, as
 * Google answers), POST /v1beta/models/{model}:predictLongRunning -> { name:
 * "models/<model>/operations/<id>" }, GET /v1beta/<name> -> { name, done?, response: {
 * generateVideoResponse: { generatedSamples: [{ video: { uri } }] } } } or done with `error`, or
 * done with raiMediaFilteredReasons for safety-filtered output. The video file needs the key too.
 */
import type http from 'node:http';
import { FakeTaskProvider } from './common';

export class FakeVeo extends FakeTaskProvider {
  constructor(readonly apiKey = 'veo-test-key') {
    super();
  }
  get baseUrl(): string {
    return `${this.origin}/v1beta`;
  }
  override fileUrl(name: string): string {
    return `${super.fileUrl(name)}&alt=media`;
  }
  protected route(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: unknown): void {
    if (req.headers['x-goog-api-key'] !== this.apiKey) {
      return this.json(res, 400, {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }],
        },
      });
    }
    const create = /^\/v1beta\/models\/([^/:]+):predictLongRunning$/.exec(path);
    if (req.method === 'POST' && create) {
      const b = (body ?? {}) as { instances?: Array<{ prompt?: string }>; parameters?: { durationSeconds?: number; aspectRatio?: string } };
      const d = b.parameters?.durationSeconds ?? 8;
      if (!b.instances?.[0]?.prompt)
        return this.json(res, 400, { error: { code: 400, message: '* GenerateVideoRequest.prompt: prompt is required', status: 'INVALID_ARGUMENT' } });
      if (d < 5 || d > 8)
        return this.json(res, 400, {
          error: {
            code: 400,
            message: 'The number value for `durationSeconds` is out of bound. Please provide a value between 5 and 8, inclusive.',
            status: 'INVALID_ARGUMENT',
          },
        });
      const t = this.newTask('veo', b as Record<string, unknown>);
      return this.json(res, 200, { name: `models/${create[1]}/operations/${t.id}` });
    }
    const get = /^\/v1beta\/models\/[^/]+\/operations\/([^/:]+)$/.exec(path);
    const t = get ? this.tasks.get(get[1]!) : undefined;
    if (get && !t) return this.json(res, 404, { error: { code: 404, message: 'Operation not found', status: 'NOT_FOUND' } });
    if (t && req.method === 'GET') {
      const name = path.slice('/v1beta/'.length);
      switch (this.advance(t)) {
        case 'queued':
        case 'running':
          return this.json(res, 200, { name });
        case 'succeed':
          return this.json(res, 200, {
            name,
            done: true,
            response: {
              '@type': 'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse',
              generateVideoResponse: { generatedSamples: [{ video: { uri: this.fileUrl(`${t.id}.mp4`) } }] },
            },
          });
        case 'policy':
          return this.json(res, 200, {
            name,
            done: true,
            response: {
              generateVideoResponse: {
                raiMediaFilteredCount: 1,
                raiMediaFilteredReasons: ['Your video was blocked because it may violate our usage guidelines.'],
              },
            },
          });
        default:
          return this.json(res, 200, { name, done: true, error: { code: 13, message: 'Video generation failed due to an internal error.' } });
      }
    }
    this.json(res, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
  }
}
