import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../gateway';
import { runRequest } from './run';
import { newRequestId } from './context';
import { recordingSink, testGateway, testRequest } from '../stages/testing';

let gw: Gateway;
afterEach(async () => {
  await gw.shutdown();
});

async function run(method: string, path: string, headers: Record<string, string> = {}) {
  gw = testGateway();
  const sink = recordingSink();
  await runRequest(gw, testRequest(method, path, '', headers), sink);
  return { status: sink.sentStatus, headers: sink.sentHeaders, body: JSON.parse(sink.body) as { error: { code: string; type: string; message: string } } };
}

describe('pipeline runner', () => {
  it('answers an unknown URL with an OpenAI-shaped 404 and a request id', async () => {
    const r = await run('POST', '/api/v1/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('unknown_url');
    expect(r.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('answers the wrong method with 405 and Allow', async () => {
    const r = await run('GET', '/api/v1/chat/completions');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });

  it('answers a malformed percent-encoding in the path with 400, not 500', async () => {
    const r = await run('GET', '/api/v1/models/%E0%A4%A');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_url');
  });

  it('authenticates before anything else: no key is a 401', async () => {
    const r = await run('POST', '/api/v1/chat/completions/');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('missing_api_key');
  });

  it('request ids are 128 random bits in hex, distinct across refills of the random pool', () => {
    const ids = Array.from({ length: 2000 }, () => newRequestId()); // 256 ids per 4 KiB pool
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
