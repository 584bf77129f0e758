import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../gateway';
import { UpstreamError } from '../../errors';
import type { PendingUsage } from '../metering/writer';
import type { RoutePlan } from '../router';
import { admitRate } from './admit';
import { failureFacts, finish as finishStage, type FinishInput } from './finish';
import { testContext, testGateway, testKey, testSnapshot, testTenant } from './testing';
import { newTrace } from './upstream';

const snap = testSnapshot();
const model = snap.find('gpt-4.1-mini')!;
const plan: RoutePlan = { requested: 'gpt-4.1-mini', primary: model, chain: [model], chainFromRule: false, rateRules: [], auto: null };

let gw: Gateway;
/** The stage with facts and outcome given as one object (it reads each from its own argument). */
const finish = (g: Gateway, ctx: Parameters<typeof finishStage>[1], i: FinishInput) => finishStage(g, ctx, i, i);
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

function input(over: Partial<FinishInput>): FinishInput {
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
    answered: true,
    usage: { inputTokens: 10, outputTokens: 5, requests: 1 },
    ttfbMs: 3,
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    log: { requestBody: { q: 1 }, responseBody: { a: 1 } },
    ...over,
  };
}

describe('finish stage', () => {
  it('sends the complete answer only after its usage event is journaled, then logs', () => {
    gw = testGateway();
    const seen = recordEnqueued(gw);
    const ctx = testContext();
    let atSend: string[] = [];
    finish(
      gw,
      ctx,
      input({
        send: () => {
          atSend = seen.map((s) => s.kind);
          ctx.sink.start(200, {});
          ctx.sink.end('{}');
        },
      }),
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
    finish(gw, testContext(), input({ key, admission: a, tokensUsed: 100 }));
    // 100 of 1000 used: 900 more fit.
    const b = await admitRate(gw, testContext(), key, testTenant(), plan, 900);
    // No answer: all 900 come back, so another 900 fits after the 100.
    expect(() => finish(gw, testContext(), input({ key, admission: b, answered: false, tokensUsed: 900 }))).not.toThrow();
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
        input({
          answered: false,
          status: f.status,
          httpStatus: f.httpStatus,
          errorCode: f.errorCode,
          log: { requestBody: {}, responseBody: { error: f.mapped.body.error } },
          failure,
        }),
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
    finish(gw, testContext(), input({ trace, completion: true, plan: { requested: 'auto', auto: { reason: 'x' } as unknown as RoutePlan['auto'] } }));
    const ev = seen.find((s) => s.kind === 'usage')!.item as PendingUsage;
    expect(ev.metadata).toEqual({ auto: true, refusedBy: ['gpt-4.1-mini'] });
    expect(seen.map((s) => s.kind)).toEqual(['usage', 'rejection', 'log']);
  });
});
