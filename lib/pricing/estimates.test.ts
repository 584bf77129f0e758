import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { EstimateUnavailableError, InvalidAlertTransitionError } from './errors';
import {
  alertRecommendation,
  alertSeverity,
  canTransitionAlert,
  createEstimatedCostAlert,
  estimateCost,
  jaccard,
  similarity,
  transitionAlert,
  type AlertStatus,
  type EstimatedCostAlert,
} from './estimates';
import { makeModel } from './test-fixtures';

const TARGET = makeModel({
  id: 'acme-pro-2',
  providerId: 'acme',
  family: 'acme-pro',
  capabilities: ['chat', 'vision'],
  contextWindow: 100_000,
  costIsEstimated: true,
  cost: { inputPer1k: null, outputPer1k: null },
});
// similarity 1.0: same provider, family, capabilities, context window
const TWIN = makeModel({
  id: 'acme-pro-1',
  providerId: 'acme',
  family: 'acme-pro',
  capabilities: ['chat', 'vision'],
  contextWindow: 100_000,
  cost: { inputPer1k: '0.003', outputPer1k: '0.015', cachedInputPer1k: '0.0003' },
});
// similarity 0.55: other provider and family; same capabilities and context window
const COUSIN = makeModel({
  id: 'other-x',
  providerId: 'other',
  family: 'x',
  capabilities: ['vision', 'chat'],
  contextWindow: 100_000,
  cost: { inputPer1k: '0.001', outputPer1k: '0.002' },
});

describe('similarity', () => {
  it('scores the documented factors', () => {
    expect(similarity(TARGET, TWIN)?.toFixed()).toBe('1');
    expect(similarity(TARGET, COUSIN)?.toFixed()).toBe('0.55');
    const half = makeModel({ id: 'h', providerId: 'other', capabilities: ['chat'], contextWindow: 50_000, cost: {} });
    // 0.10 + 0.25 x 1/2 + 0.20 x 1/2
    expect(similarity(TARGET, half)?.toFixed()).toBe('0.325');
    expect(similarity(TARGET, makeModel({ id: 'img', category: 'image_generation', cost: {} }))).toBeNull();
    expect(similarity(TARGET, makeModel({ id: 'pr', cost: { pricingType: 'per_request' } }))).toBeNull();
    expect(jaccard([], []).toFixed()).toBe('1');
    expect(jaccard(['a', 'b', 'c'], ['a']).toFixed(4)).toBe('0.3333');
  });
});

describe('estimateCost', () => {
  it('is the similarity-weighted average, exact up to the documented 10-place rounding', () => {
    const e = estimateCost(TARGET, [COUSIN, TWIN, TARGET]);
    // input: (1 x 0.003 + 0.55 x 0.001) / 1.55 = 0.00355 / 1.55 = 0.00229032258064516...
    expect(e.cost.inputPer1k).toBe('0.0022903226');
    // output: (1 x 0.015 + 0.55 x 0.002) / 1.55 = 0.0161 / 1.55 = 0.0103870967741935...
    expect(e.cost.outputPer1k).toBe('0.0103870968');
    // cached: only TWIN has it, and it carries 1/1.55 >= half of the weight
    expect(e.cost.cachedInputPer1k).toBe('0.0003');
    expect(e.method).toBe('weighted_average');
    expect(e.sourceModels.map((s) => [s.modelId, s.similarity, s.weight])).toEqual([
      ['acme-pro-1', 1, 0.6452],
      ['other-x', 0.55, 0.3548],
    ]);
    // two sources: mean(1, 0.55) x 0.85 = 0.65875 -> 0.6588
    expect(e.confidence).toBe(0.6588);
    expect(alertSeverity(e.confidence)).toBe('warning');
    expect(e.similarityFactors[0]).toMatch(/same category/);
  });

  it('equal weights reproduce the plain average exactly', () => {
    const a = makeModel({ id: 'a', providerId: 'p', cost: { inputPer1k: '0.001', outputPer1k: '0.004' } });
    const b = makeModel({ id: 'b', providerId: 'p', cost: { inputPer1k: '0.002', outputPer1k: '0.006' } });
    const t = makeModel({ id: 't', providerId: 'p', costIsEstimated: true, cost: {} });
    const e = estimateCost(t, [a, b]);
    expect(e.cost.inputPer1k).toBe('0.0015');
    expect(e.cost.outputPer1k).toBe('0.005');
  });

  it('drops a unit that only a minority (by weight) of sources charge', () => {
    const withTool = makeModel({
      id: 'wt',
      providerId: 'other',
      family: 'x',
      capabilities: [],
      contextWindow: null,
      cost: { inputPer1k: '0.001', perToolCall: '0.01' },
    });
    const e = estimateCost(TARGET, [TWIN, withTool]);
    expect(e.cost.perToolCall).toBeNull();
  });

  it('ignores estimated, other-category and other-pricing-type models; none left -> typed error', () => {
    const estimated = makeModel({ id: 'est', costIsEstimated: true, cost: { inputPer1k: '1' } });
    const image = makeModel({ id: 'img', category: 'image_generation', cost: { pricingType: 'per_image', perImage: '0.04' } });
    expect(() => estimateCost(TARGET, [])).toThrow(EstimateUnavailableError);
    expect(() => estimateCost(TARGET, [estimated, image, TARGET])).toThrow(EstimateUnavailableError);
  });

  it('confidence grows with similarity and source count', () => {
    const one = estimateCost(TARGET, [TWIN]);
    expect(one.confidence).toBe(0.7);
    const twins = [1, 2, 3].map((i) => ({ ...TWIN, id: `acme-pro-1-${i}` }));
    const three = estimateCost(TARGET, twins);
    expect(three.confidence).toBe(1);
    expect(alertSeverity(three.confidence)).toBe('info');
  });
});

describe('alert severity and workflow', () => {
  it('maps confidence to severity (> 0.8 info, > 0.5 warning, else critical)', () => {
    expect(alertSeverity(1)).toBe('info');
    expect(alertSeverity(0.8001)).toBe('info');
    expect(alertSeverity(0.8)).toBe('warning');
    expect(alertSeverity(0.5001)).toBe('warning');
    expect(alertSeverity(0.5)).toBe('critical');
    expect(alertSeverity(0)).toBe('critical');
    expect(() => alertSeverity(1.2)).toThrow(ValidationError);
    expect(alertRecommendation('critical')).toMatch(/verify/i);
  });

  const at = new Date('2025-06-15T00:00:00Z');
  const alert: EstimatedCostAlert = createEstimatedCostAlert({ id: 'al-1', modelId: TARGET.id, estimate: estimateCost(TARGET, [COUSIN]), at });

  it('creates a pending alert with severity from confidence', () => {
    expect(alert.status).toBe('pending');
    expect(alert.confidence).toBe(0.385); // 0.55 x 0.7
    expect(alert.severity).toBe('critical');
    expect(alert.sourceModelIds).toEqual(['other-x']);
  });

  it('moves pending -> acknowledged -> adjusted -> resolved', () => {
    const ack = transitionAlert(alert, { to: 'acknowledged', by: 'admin-1', at });
    const adj = transitionAlert(ack, { to: 'adjusted', by: 'admin-2', at, adjustedCost: { ...TARGET.cost, inputPer1k: '0.002' } });
    const res = transitionAlert(adj, { to: 'resolved', by: 'system', at, source: 'provider_documentation' });
    expect([ack.status, adj.status, res.status]).toEqual(['acknowledged', 'adjusted', 'resolved']);
    expect(res.acknowledgedBy).toBe('admin-1');
    expect(res.adjustedCost?.inputPer1k).toBe('0.002');
    expect(res.resolutionSource).toBe('provider_documentation');
    expect(alert.status).toBe('pending'); // not mutated
  });

  it('allows the short-cuts pending -> resolved and acknowledged -> resolved', () => {
    expect(transitionAlert(alert, { to: 'resolved', by: 'x', at }).status).toBe('resolved');
    const ack = transitionAlert(alert, { to: 'acknowledged', by: 'x', at });
    expect(transitionAlert(ack, { to: 'resolved', by: 'x', at }).status).toBe('resolved');
  });

  it('refuses every other transition with a typed error', () => {
    const statuses: AlertStatus[] = ['pending', 'acknowledged', 'adjusted', 'resolved'];
    const allowed = new Set(['pending>acknowledged', 'pending>resolved', 'acknowledged>adjusted', 'acknowledged>resolved', 'adjusted>resolved']);
    for (const from of statuses) {
      for (const to of statuses) {
        expect(canTransitionAlert(from, to)).toBe(allowed.has(`${from}>${to}`));
      }
    }
    expect(() => transitionAlert(alert, { to: 'adjusted', by: 'x', at, adjustedCost: TARGET.cost })).toThrow(InvalidAlertTransitionError);
    const resolved = transitionAlert(alert, { to: 'resolved', by: 'x', at });
    const err = (() => {
      try {
        transitionAlert(resolved, { to: 'acknowledged', by: 'x', at });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidAlertTransitionError);
    expect((err as InvalidAlertTransitionError).httpStatus).toBe(409);
    expect((err as InvalidAlertTransitionError).code).toBe('invalid_alert_transition');
  });
});
