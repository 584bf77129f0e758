import { afterEach, describe, expect, it } from 'vitest';
import { buildTranslatedError } from '../adapters/shared';
import { GatewayError, TranslatedUpstreamError } from '../errors';
import type { Gateway } from '../gateway';
import type { RoutePlan } from '../router';
import { callUpstream, newTrace, type Attempt } from './upstream';
import { testContext, testGateway, testSnapshot } from './testing';

const snap = testSnapshot();
const plan = (names: string[], chainFromRule = false): RoutePlan => {
  const chain = names.map((n) => snap.find(n)!);
  return { requested: names[0]!, primary: chain[0]!, chain, chainFromRule, rateRules: [], auto: null };
};
const upstreamError = (status: number, kind: Parameters<typeof buildTranslatedError>[1], retryAfterMs: number | null = null) =>
  new TranslatedUpstreamError(buildTranslatedError(status, kind, `upstream said ${status}`, 'Fake'), retryAfterMs);
const ok = { kind: 'complete', refusal: false };

let gw: Gateway;
afterEach(async () => {
  await gw.shutdown();
});

describe('upstream stage', () => {
  it('retries a retryable failure on the same model, then answers', async () => {
    gw = testGateway();
    const seen: string[] = [];
    const p = plan(['gpt-4.1-mini']);
    const trace = newTrace(p);
    const answer = await callUpstream(gw, testContext(), p, snap, trace, async (a: Attempt) => {
      seen.push(a.model.name);
      if (seen.length < 3) throw upstreamError(500, 'server');
      return ok;
    });
    expect(answer).toBe(ok);
    expect(seen).toEqual(['gpt-4.1-mini', 'gpt-4.1-mini', 'gpt-4.1-mini']);
    expect(trace.attempts).toBe(3);
    expect(trace.fallbackFrom).toBeNull();
  });

  it('moves to the next model of the chain when one is not retryable, and records the fallback', async () => {
    gw = testGateway();
    const p = plan(['gpt-4.1-mini', 'claude-sonnet-4-5']);
    const trace = newTrace(p);
    const answer = await callUpstream(gw, testContext(), p, snap, trace, async (a) => {
      if (a.model === p.primary) throw upstreamError(404, 'not_found');
      return { ...ok, model: a.model.name };
    });
    expect(p.chain[1]).toBeDefined();
    expect(answer).toMatchObject({ model: p.chain[1]!.name });
    expect(trace.model).toBe(p.chain[1]);
    expect(trace.fallbackFrom).toBe(p.primary.id);
  });

  it('gives a client error back at once, without retrying or falling back', async () => {
    gw = testGateway();
    let calls = 0;
    const p = plan(['gpt-4.1-mini', 'claude-sonnet-4-5']);
    const err = await callUpstream(gw, testContext(), p, snap, newTrace(p), async () => {
      calls++;
      throw upstreamError(400, 'invalid_request');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranslatedUpstreamError);
    expect(calls).toBe(1);
  });

  it('opens the breaker after repeated failures and then answers 503 with Retry-After without calling', async () => {
    gw = testGateway({ cooldownFailures: 2, maxRetries: 5 });
    let calls = 0;
    const p = plan(['gpt-4.1-mini']);
    await callUpstream(gw, testContext(), p, snap, newTrace(p), async () => {
      calls++;
      throw upstreamError(503, 'overloaded');
    }).catch(() => {});
    expect(calls).toBe(2);
    const err = await callUpstream(gw, testContext(), p, snap, newTrace(p), async () => {
      calls++;
      return ok;
    }).catch((e: unknown) => e);
    expect(calls).toBe(2);
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).httpStatus).toBe(503);
    expect(Number((err as GatewayError).headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a content-policy refusal falls back only along a routing rule chain', async () => {
    gw = testGateway();
    const refuse = async (a: Attempt) => {
      if (a.model.providerId === 'openai') throw upstreamError(400, 'content_policy');
      return ok;
    };
    const plain = plan(['gpt-4.1-mini', 'claude-sonnet-4-5']);
    await expect(callUpstream(gw, testContext(), plain, snap, newTrace(plain), refuse)).rejects.toBeInstanceOf(TranslatedUpstreamError);
    const ruled = plan(['gpt-4.1-mini', 'claude-sonnet-4-5'], true);
    const trace = newTrace(ruled);
    await expect(callUpstream(gw, testContext(), ruled, snap, trace, refuse)).resolves.toBe(ok);
    expect(trace.refusals.map((r) => r.model)).toEqual([ruled.primary]);
  });
});
