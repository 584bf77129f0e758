/** Logs: JSON lines with the request fields; prompts, completions, keys, passwords and secrets
 * are censored wherever they sit in the logged object. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logRequest, REDACTED, requestLogger, scrub, setLogger } from '../../lib/observability/logger';

function memory() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const SECRETS = {
  prompt: 'PROMPT-tell-me-a-secret',
  completion: 'COMPLETION-here-it-is',
  apiKey: 'rk_live_SECRETKEY0123456789',
  bearer: 'Bearer rk_live_BEARER0123456789',
  password: 'hunter2-PASSWORD',
  secret: 'TOTP-SECRET-BASE32',
  webhook: 'https://hooks.slack.com/services/T000/B000/XXXXSECRET',
};

afterEach(() => setLogger(null));

describe('logger redaction', () => {
  it('censors prompts, completions, API keys, passwords and secrets at any depth', () => {
    const m = memory();
    const log = createLogger({ level: 'info' }, m.stream);
    log.info(
      {
        messages: [{ role: 'user', content: SECRETS.prompt }],
        input: SECRETS.prompt,
        choices: [{ message: { content: SECRETS.completion } }],
        req: {
          method: 'POST',
          url: '/api/v1/chat/completions',
          headers: { authorization: SECRETS.bearer, 'x-api-key': SECRETS.apiKey, 'content-type': 'application/json' },
        },
        apiKey: SECRETS.apiKey,
        user: { email: 'a@b.test', password: SECRETS.password, passwordHash: '$argon2id$...' },
        body: { model: 'gpt-4o', messages: [{ role: 'system', content: SECRETS.prompt }] },
        deep: { a: { b: { c: { d: { content: SECRETS.completion, key: SECRETS.apiKey, secret: SECRETS.secret } } } } },
        admin: { slackWebhookUrl: SECRETS.webhook },
        model: 'gpt-4o',
      },
      'request received',
    );
    log.warn({ headers: { Authorization: SECRETS.bearer }, token: SECRETS.apiKey }, 'upper-case header');
    const text = m.lines.join('\n');
    for (const [name, value] of Object.entries(SECRETS)) expect(text, name).not.toContain(value);
    expect(text).not.toContain('rk_live_');
    const [first, second] = m.json();
    expect(first).toMatchObject({ level: 'info', msg: 'request received', model: 'gpt-4o', messages: REDACTED, apiKey: REDACTED });
    expect((first!.req as { headers: Record<string, string> }).headers).toMatchObject({
      authorization: REDACTED,
      'x-api-key': REDACTED,
      'content-type': 'application/json',
    });
    expect((first!.user as Record<string, unknown>).email).toBe('a@b.test');
    expect(JSON.stringify(first!.deep)).toContain(REDACTED);
    expect((second!.headers as Record<string, string>).Authorization).toBe(REDACTED);
    expect(typeof first!.time).toBe('string'); // ISO time
  });

  it('scrub() leaves non-sensitive values and non-plain objects alone', () => {
    const d = new Date('2026-01-01T00:00:00Z');
    expect(scrub({ a: 1, when: d, list: [{ password: 'x' }], nested: { ok: true } })).toEqual({
      a: 1,
      when: d,
      list: [{ password: REDACTED }],
      nested: { ok: true },
    });
  });
});

describe('request logging', () => {
  it('child loggers carry requestId, tenantId and route; logRequest writes one access line', () => {
    const m = memory();
    setLogger(createLogger({ level: 'info' }, m.stream));
    requestLogger({ requestId: 'req-1', tenantId: 't-1', route: '/api/v1/chat/completions' }).info({ attempt: 2 }, 'upstream retry');
    logRequest({
      requestId: 'req-1',
      tenantId: 't-1',
      route: '/api/v1/chat/completions',
      method: 'POST',
      status: 200,
      latencyMs: 12.3456,
      model: 'gpt-4o',
      provider: 'openai',
    });
    logRequest({ requestId: 'req-2', route: '/api/admin/approvals', status: 503, latencyMs: 1 });
    const [child, access, failed] = m.json();
    expect(child).toMatchObject({ requestId: 'req-1', tenantId: 't-1', route: '/api/v1/chat/completions', attempt: 2, msg: 'upstream retry' });
    expect(access).toMatchObject({
      level: 'info',
      msg: 'request',
      requestId: 'req-1',
      tenantId: 't-1',
      route: '/api/v1/chat/completions',
      method: 'POST',
      status: 200,
      latencyMs: 12.35,
      model: 'gpt-4o',
      provider: 'openai',
    });
    expect(failed).toMatchObject({ level: 'warn', status: 503, tenantId: null });
  });

  it('respects LOG_LEVEL', () => {
    const m = memory();
    const log = createLogger({ level: 'warn' }, m.stream);
    log.info('hidden');
    log.warn('shown');
    expect(m.json().map((l) => l.msg)).toEqual(['shown']);
  });
});
