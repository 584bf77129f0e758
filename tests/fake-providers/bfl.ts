/**
 * Fake Black Forest Labs API (base URL = API root), from BFL's API reference / OpenAPI:
 *   POST /v1/flux-pro-1.1        JSON { prompt, width, height, ... } (multiples of 32, 256-1440)
 *   POST /v1/flux-pro-1.1-ultra  JSON { prompt, aspect_ratio, raw, ... }
 *        -> { id, polling_url } (polling_url on this fake: /v1/get_result?id=<id>)
 *   GET  /v1/get_result?id=      -> { id, status: Pending | Ready | "Request Moderated" | Error |
 *        "Task not found", result: { sample, prompt, seed } | null, progress }
 *   A task is Pending for `pendingPolls` polls (default 2), then Ready; result.sample is a signed
 *   delivery URL on this fake (GET /delivery/<id>/sample.png?se=..&sig=.., no key needed).
 * Auth header `x-key`; missing or `bad-key` -> 403 { detail: "Not authenticated" }. Validation
 * errors 422 { detail: [{ loc, msg, type }] }. Content policy -> the task ends "Request Moderated".
 */
import { randomUUID } from 'node:crypto';
import { sendJson, startFake, type FakeProvider } from './media-common';
import { png } from './media-fixtures';

export interface FakeBfl extends FakeProvider {
  pendingPolls: number;
}

export async function startFakeBfl(): Promise<FakeBfl> {
  const tasks = new Map<string, { polls: number; moderated: boolean; prompt: string }>();
  const self = { pendingPolls: 2 } as FakeBfl;
  const fake = await startFake({
    name: 'bfl',
    authFailure(h, path) {
      if (path.startsWith('/delivery/')) return null;
      const k = h['x-key'];
      return typeof k === 'string' && k && k !== 'bad-key' ? null : { status: 403, body: { detail: 'Not authenticated' } };
    },
    errorBody: (status, message) => ({ detail: message }),
    handle(c) {
      const m = /^\/v1\/(flux-pro-1\.1|flux-pro-1\.1-ultra|flux-pro|flux-dev)$/.exec(c.path);
      if (c.method === 'POST' && m) {
        const b = c.json() as Record<string, unknown>;
        if (typeof b.prompt !== 'string' || !b.prompt)
          return (sendJson(c.res, 422, { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }] }), true);
        if (m[1] !== 'flux-pro-1.1-ultra') {
          for (const k of ['width', 'height'] as const) {
            const v = b[k];
            if (v !== undefined && (typeof v !== 'number' || v % 32 !== 0 || v < 256 || v > 1440)) {
              return (
                sendJson(c.res, 422, { detail: [{ loc: ['body', k], msg: 'Input should be a multiple of 32 between 256 and 1440', type: 'value_error' }] }),
                true
              );
            }
          }
        }
        const id = randomUUID();
        tasks.set(id, { polls: 0, moderated: c.contentPolicy, prompt: b.prompt });
        return (sendJson(c.res, 200, { id, polling_url: `${c.base}/v1/get_result?id=${id}` }), true);
      }
      if (c.method === 'GET' && c.path === '/v1/get_result') {
        const id = c.query.get('id') ?? '';
        const t = tasks.get(id);
        if (!t) return (sendJson(c.res, 200, { id, status: 'Task not found', result: null }), true);
        t.polls++;
        if (t.moderated)
          return (
            sendJson(c.res, 200, { id, status: 'Request Moderated', result: null, details: { 'Moderation Reasons': ['Derivative Works Filter'] } }),
            true
          );
        if (t.polls <= self.pendingPolls)
          return (sendJson(c.res, 200, { id, status: 'Pending', result: null, progress: t.polls / (self.pendingPolls + 1) }), true);
        return (
          sendJson(c.res, 200, {
            id,
            status: 'Ready',
            result: { sample: `${c.base}/delivery/${id}/sample.png?se=2099-01-01&sig=fakesig`, prompt: t.prompt, seed: 7 },
          }),
          true
        );
      }
      if (c.method === 'GET' && c.path.startsWith('/delivery/')) {
        if (!c.query.get('sig')) return (sendJson(c.res, 403, { error: 'AuthenticationFailed' }), true);
        const img = png(4, 4);
        c.res.writeHead(200, { 'content-type': 'image/png', 'content-length': img.length });
        c.res.end(img);
        return true;
      }
      return false;
    },
  });
  return Object.assign(self, fake, { pendingPolls: self.pendingPolls });
}
