import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../gateway';
import { priceOf } from '../metering/writer';
import { buildUsageEvent, meter } from './meter';
import { testContext, testGateway, testKey, testSnapshot, testTenant } from './testing';

let gw: Gateway;
afterEach(async () => {
  // The test gateway has no database: what was queued goes to its temporary journal at once.
  await gw.shutdown(0);
});

describe('meter stage', () => {
  it('builds one usage event with the rates and markup in force when the request arrived', () => {
    gw = testGateway();
    const snap = testSnapshot();
    const model = snap.find('dall-e-3')!;
    const ctx = testContext();
    const ev = buildUsageEvent(ctx, {
      key: testKey(),
      tenant: testTenant(),
      snap,
      model,
      requested: 'dall-e-3',
      endpoint: 'images.generations',
      usage: { images: 2, requests: 1 },
      free: false,
      ttfbMs: 5,
      status: 'success',
      httpStatus: 200,
      errorCode: null,
      attemptCount: 1,
      fallbackFrom: null,
    });
    expect(ev).toMatchObject({
      kind: 'usage',
      requestId: ctx.requestId,
      modelId: model.id,
      endpoint: 'images.generations',
      markupPercent: '40',
      cacheHit: false,
      createdAt: ctx.start,
    });
    // price = 2 images x per-image cost x 1.40, exactly
    const { cost, price } = priceOf(ev);
    expect(model.cost.perImage).toBe('0.04');
    expect(cost).toBe('0.08');
    expect(price).toBe('0.112');
  });

  it('queues the event and settles nothing when there is no reservation', () => {
    gw = testGateway();
    const snap = testSnapshot();
    const ev = buildUsageEvent(testContext(), {
      key: testKey(),
      tenant: testTenant(),
      snap,
      model: snap.find('gpt-4.1-mini')!,
      requested: null,
      endpoint: 'chat.completions',
      usage: { inputTokens: 10, outputTokens: 5, requests: 1 },
      free: true,
      ttfbMs: null,
      status: 'error',
      httpStatus: 502,
      errorCode: 'x',
      attemptCount: 1,
      fallbackFrom: null,
    });
    meter(gw, ev, null);
    expect(gw.writer.depth).toBe(1);
    expect(priceOf(ev)).toEqual({ cost: '0', price: '0' });
  });
});
