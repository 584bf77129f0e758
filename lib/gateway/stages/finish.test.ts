import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../gateway';
import { UpstreamError } from '../../errors';
import type { PendingUsage } from '../metering/writer';
import type { RoutePlan } from '../router';
import { admitRate } from './admit';
import { failureFacts, finish, Outcome, type RequestFacts } from './finish';
import { testContext, testGateway, testKey, testSnapshot, testTenant } from './testing';
import { newTrace } from './upstream';

const snap = testSnapshot();
const model = snap.find('gpt-4.1-mini')!;
const plan: RoutePlan = { requested: 'gpt-4.1-mini', primary: model, chain: [model], chainFromRule: false, rateRules: [], auto: null };

let gw: Gateway;
afterEach(async () => {
  await gw.shutdown(0);
});

/** What the writer was handed, in order (the journal append happens inside enqueue). */
function recordEnqueued(g: Gateway): Array<{ kind: string; item: unknown }> {
  const seen: Array<{ kind: string; item: unknown }> = [];
  const enqueue = g.writer.enqueue.bind(g.writer);
  g.writer.enqueue = (item) => {
    seen.push({ kind: item.kind, item });
    enqueue(item);
  };
  return seen;
}

function facts(over: Partial<RequestFacts> = {}): RequestFacts {
  const trace = newTrace(plan);
  trace.attempts = 1;
  return {
    key: testKey({}, { requestLoggingEnabled: true }),
    tenant: testTenant(),
    snap,
    plan,
    trace,
    admission: null,
    endpoint: 'chat.completions',
    ...over,
  };
}

/** An answered request's outcome (10 in, 5 out), changed by `edit`. */
function outcome(edit: (o: Outcome) => void = () => {}, answered = true): Outcome {
  const o = new Outcome(answered, { inputTokens: 10, outputTokens: 5, requests: 1 });
  o.ttfbMs = 3;
  o.requestBody = { q: 1 };
  o.responseBody = { a: 1 };
  edit(o);
  return o;
}

describe('finish stage', () => {
  it('sends the complete answer only after its usage event is journaled, then logs', () => {
    gw = testGateway();
    const seen = recordEnqueued(gw);
    const ctx = testContext();
    let atSend: string[] = [];
    const start = ctx.sink.start.bind(ctx.sink);
    ctx.sink.start = (status, headers) => {
      atSend = seen.map((s) => s.kind);
      start(status, headers);
    };
    finish(
      gw,
      ctx,
      facts(),
      outcome((o) => (o.body = '{}')),
    );
    expect(atSend).toEqual(['usage']);
    expect(seen.map((s) => s.kind)).toEqual(['usage', 'log']);
    expect(ctx.sink.body).toBe('{}');
    const ev = seen[0]!.item as PendingUsage;
    expect(ev).toMatchObject({ requestId: ctx.requestId, endpoint: 'chat.completions', free: false, attemptCount: 1, status: 'success' });
    expect(ctx.model).toBe('gpt-4.1-mini');
  });

  it('settles the token limits on what was used, or gives them all back without an answer', async () => {
    gw = testGateway();
    const key = testKey({ tpm: 1000 });
    const a = await admitRate(gw, testContext(), key, testTenant(), plan, 900);
    finish(
      gw,
      testContext(),
      facts({ key, admission: a }),
      outcome((o) => (o.tokensUsed = 100)),
    );
    // 100 of 1000 used: 900 more fit.
    const b = await admitRate(gw, testContext(), key, testTenant(), plan, 900);
    // No answer: all 900 come back, so another 900 fits after the 100.
    expect(() =>
      finish(
        gw,
        testContext(),
        facts({ key, admission: b }),
        outcome((o) => (o.tokensUsed = 900), false),
      ),
    ).not.toThrow();
    await expect(admitRate(gw, testContext(), key, testTenant(), plan, 900)).resolves.toBeDefined();
  });

  it('meters a failure as free, logs the error, then rethrows it for the runner to answer', () => {
    gw = testGateway();
    const seen = recordEnqueued(gw);
    const ctx = testContext();
    const failure = new UpstreamError('boom', 502);
    const f = failureFacts(ctx, failure);
    expect(f.status).toBe('error');
    expect(() =>
      finish(
        gw,
        ctx,
        facts(),
        outcome((o) => {
          o.failed(f, failure);
          o.requestBody = {};
          o.responseBody = { error: f.mapped.body.error };
        }, false),
      ),
    ).toThrow(failure);
    expect(seen.map((s) => s.kind)).toEqual(['usage', 'log']);
    expect((seen[0]!.item as PendingUsage).free).toBe(true);
    expect(ctx.sink.headersSent).toBe(false);
  });

  it('a completion names auto and the models that refused in the event metadata', () => {
    gw = testGateway();
    const seen = recordEnqueued(gw);
    const trace = newTrace(plan);
    trace.refusals.push({ model, code: 'content_filter', message: 'no' });
    finish(
      gw,
      testContext(),
      facts({ trace, plan: { requested: 'auto', auto: { reason: 'x' } as unknown as RoutePlan['auto'] } }),
      outcome((o) => (o.completion = true)),
    );
    const ev = seen.find((s) => s.kind === 'usage')!.item as PendingUsage;
    expect(ev.metadata).toEqual({ auto: true, refusedBy: ['gpt-4.1-mini'] });
    expect(seen.map((s) => s.kind)).toEqual(['usage', 'rejection', 'log']);
  });
});
