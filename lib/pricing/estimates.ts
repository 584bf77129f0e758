/**
 * Estimated costs: a model whose provider has not published a cost is priced from similar
 * models with known costs, and admins get an alert whose severity follows the confidence.
 *
 * Method (docs/pricing.md, "Estimated costs"):
 *  - Eligible sources: other models with a KNOWN cost (costIsEstimated = false) in the SAME
 *    category and with the SAME pricing type (averaging per-image with per-request rates is
 *    meaningless). None -> EstimateUnavailableError.
 *  - Similarity in [0.1, 1], a sum of factors:
 *      0.10 same category (always, it is required)
 *      0.20 same provider
 *      0.25 same family (both non-null and equal)
 *      0.25 x Jaccard(capabilities)            (both empty -> 1)
 *      0.20 x min(ctx)/max(ctx) context window (both null -> 1, one null -> 0)
 *    rounded to 4 decimals. Sources: the 5 most similar (ties by model id).
 *  - Each rate is the similarity-weighted average over the sources that charge that unit:
 *      sum(sim_i x rate_i) / sum(sim_i)
 *    exact Decimal arithmetic up to that one division, then ROUND_HALF_EVEN to 10 decimal
 *    places (a rate per 1K tokens needs far fewer). A unit is charged by the estimate when the
 *    sources charging it carry at least half of the total similarity. Batch discount percent is
 *    averaged the same way (4 decimals). Long-context threshold and warm-up seconds are taken
 *    from the most similar source that has them.
 *  - Confidence = mean of the top 3 similarities x source-count factor (1 source 0.70, 2 sources
 *    0.85, 3+ sources 1.00), rounded to 4 decimals.
 *  - Severity: confidence > 0.8 info, > 0.5 warning, else critical.
 *
 * Alert workflow (pure state machine):
 *    pending -> acknowledged -> adjusted -> resolved
 *    pending -> resolved, acknowledged -> resolved
 *  anything else -> InvalidAlertTransitionError.
 */
import { COST_RATE_FIELDS, type CatalogModel, type CostRateField, type CostSource, type ModelCost } from '@/lib/catalog/types';
import { ValidationError } from '@/lib/errors';
import { Decimal, ZERO, dec, toDisplayNumber } from './money';
import { EstimateUnavailableError, InvalidAlertTransitionError } from './errors';

export const ESTIMATED_COST_REASONS = [
  'model_temporarily_unavailable',
  'cost_not_published',
  'new_model_pending',
  'provider_api_error',
  'provider_rate_limited',
  'deprecated_model',
  'preview_beta_model',
] as const;
export type EstimatedCostReason = (typeof ESTIMATED_COST_REASONS)[number];

export const SIMILARITY_WEIGHTS = {
  category: '0.10',
  provider: '0.20',
  family: '0.25',
  capabilities: '0.25',
  contextWindow: '0.20',
} as const;

export const MAX_ESTIMATE_SOURCES = 5;
/** Decimal places of an estimated rate. */
export const ESTIMATE_RATE_PLACES = 10;

export interface EstimateSource {
  modelId: string;
  displayName: string;
  providerId: string;
  inputPer1k: string | null;
  outputPer1k: string | null;
  /** 0..1, 4 decimals. */
  similarity: number;
  /** Share of the total similarity, 0..1, 4 decimals (display; the average uses exact similarities). */
  weight: number;
}

export interface CostEstimate {
  cost: ModelCost;
  confidence: number;
  method: 'weighted_average';
  sourceModels: EstimateSource[];
  similarityFactors: string[];
}

/** Similarity of a candidate to the target (null when not comparable: other category or
 * pricing type). Exact Decimal, rounded to 4 places. */
export function similarity(target: CatalogModel, candidate: CatalogModel): Decimal | null {
  if (candidate.category !== target.category) return null;
  if (candidate.cost.pricingType !== target.cost.pricingType) return null;
  let s = dec(SIMILARITY_WEIGHTS.category);
  if (candidate.providerId === target.providerId) s = s.plus(SIMILARITY_WEIGHTS.provider);
  if (target.family !== null && candidate.family === target.family) s = s.plus(SIMILARITY_WEIGHTS.family);
  s = s.plus(dec(SIMILARITY_WEIGHTS.capabilities).times(jaccard(target.capabilities, candidate.capabilities)));
  s = s.plus(dec(SIMILARITY_WEIGHTS.contextWindow).times(closeness(target.contextWindow, candidate.contextWindow)));
  return s.toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN);
}

/** |A ∩ B| / |A ∪ B|; two empty sets are identical (1). */
export function jaccard(a: readonly string[], b: readonly string[]): Decimal {
  const A = new Set(a);
  const B = new Set(b);
  const union = new Set([...A, ...B]);
  if (union.size === 0) return dec(1);
  let inter = 0;
  for (const x of A) if (B.has(x)) inter += 1;
  return dec(inter).div(union.size);
}

function closeness(a: number | null, b: number | null): Decimal {
  if (a === null && b === null) return dec(1);
  if (a === null || b === null) return ZERO;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (hi === 0) return dec(1);
  return dec(lo).div(hi);
}

type MoneyField = CostRateField;

const MONEY_FIELDS: readonly MoneyField[] = COST_RATE_FIELDS;

interface Scored {
  model: CatalogModel;
  sim: Decimal;
}

/** Weighted average of a decimal-string field over the sources that have it, or null when the
 * sources having it carry less than half of the total similarity. */
function weightedField(sources: Scored[], totalSim: Decimal, pick: (c: ModelCost) => string | null, places: number): string | null {
  let num = ZERO;
  let den = ZERO;
  for (const s of sources) {
    const v = pick(s.model.cost);
    if (v === null) continue;
    num = num.plus(s.sim.times(dec(v)));
    den = den.plus(s.sim);
  }
  if (den.isZero() || den.times(2).lessThan(totalSim)) return null;
  return num.div(den).toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN).toFixed();
}

function fromTopSource(sources: Scored[], pick: (c: ModelCost) => number | null): number | null {
  for (const s of sources) {
    const v = pick(s.model.cost);
    if (v !== null) return v;
  }
  return null;
}

/** Estimate a model's cost from similar known-cost models. */
export function estimateCost(target: CatalogModel, candidates: readonly CatalogModel[]): CostEstimate {
  const scored: Scored[] = [];
  for (const c of candidates) {
    if (c.id === target.id || c.costIsEstimated) continue;
    const sim = similarity(target, c);
    if (sim !== null) scored.push({ model: c, sim });
  }
  if (scored.length === 0) {
    throw new EstimateUnavailableError(`no model with a known cost in category ${target.category} (${target.cost.pricingType}) to estimate ${target.id} from`, {
      details: { modelId: target.id, category: target.category, pricingType: target.cost.pricingType },
    });
  }
  scored.sort((a, b) => b.sim.comparedTo(a.sim) || (a.model.id < b.model.id ? -1 : a.model.id > b.model.id ? 1 : 0));
  const sources = scored.slice(0, MAX_ESTIMATE_SOURCES);
  const totalSim = sources.reduce((acc, s) => acc.plus(s.sim), ZERO);

  const fields: Partial<Record<MoneyField, string | null>> = {};
  for (const f of MONEY_FIELDS) fields[f] = weightedField(sources, totalSim, (c) => c[f], ESTIMATE_RATE_PLACES);

  // Long context is a group: threshold by weight majority, taken from the most similar source.
  const thresholdWeight = sources.filter((s) => s.model.cost.longContextThreshold !== null).reduce((a, s) => a.plus(s.sim), ZERO);
  const hasLongContext = !thresholdWeight.times(2).lessThan(totalSim) && !thresholdWeight.isZero();
  const longContextThreshold = hasLongContext ? fromTopSource(sources, (c) => c.longContextThreshold) : null;

  const cost: ModelCost = {
    pricingType: target.cost.pricingType,
    inputPer1k: fields.inputPer1k ?? null,
    outputPer1k: fields.outputPer1k ?? null,
    cachedInputPer1k: fields.cachedInputPer1k ?? null,
    longContextThreshold,
    longContextInputPer1k: longContextThreshold === null ? null : (fields.longContextInputPer1k ?? null),
    longContextOutputPer1k: longContextThreshold === null ? null : (fields.longContextOutputPer1k ?? null),
    batchDiscountPercent: weightedField(sources, totalSim, (c) => c.batchDiscountPercent, 4),
    perImage: fields.perImage ?? null,
    perSecond: fields.perSecond ?? null,
    perMinute: fields.perMinute ?? null,
    perRequest: fields.perRequest ?? null,
    perToolCall: fields.perToolCall ?? null,
    per1kCharacters: fields.per1kCharacters ?? null,
    warmupCost: fields.warmupCost ?? null,
    warmupSeconds: (fields.warmupCost ?? null) === null ? null : fromTopSource(sources, (c) => c.warmupSeconds),
  };

  const top = sources.slice(0, 3);
  const meanTop = top.reduce((a, s) => a.plus(s.sim), ZERO).div(top.length);
  const countFactor = sources.length >= 3 ? dec('1') : sources.length === 2 ? dec('0.85') : dec('0.70');
  const confidence = meanTop.times(countFactor).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN);

  const count = (pred: (s: Scored) => boolean) => sources.filter(pred).length;
  const n = sources.length;
  const similarityFactors = [
    `same category: ${target.category} (required)`,
    `same pricing type: ${target.cost.pricingType} (required)`,
    `same provider: ${count((s) => s.model.providerId === target.providerId)} of ${n} sources`,
    `same family: ${count((s) => target.family !== null && s.model.family === target.family)} of ${n} sources`,
    'capability overlap (Jaccard)',
    'context window closeness',
  ];

  return {
    cost,
    confidence: toDisplayNumber(confidence),
    method: 'weighted_average',
    sourceModels: sources.map((s) => ({
      modelId: s.model.id,
      displayName: s.model.displayName,
      providerId: s.model.providerId,
      inputPer1k: s.model.cost.inputPer1k,
      outputPer1k: s.model.cost.outputPer1k,
      similarity: toDisplayNumber(s.sim),
      weight: toDisplayNumber(s.sim.div(totalSim).toDecimalPlaces(4, Decimal.ROUND_HALF_EVEN)),
    })),
    similarityFactors,
  };
}

// ---------------------------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------------------------

export type AlertSeverity = 'info' | 'warning' | 'critical';

/** > 0.8 info, > 0.5 warning, otherwise critical (boundaries belong to the worse severity). */
export function alertSeverity(confidence: number): AlertSeverity {
  if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    throw new ValidationError('confidence must be between 0 and 1', [{ path: 'confidence', message: 'must be in [0, 1]' }]);
  }
  if (confidence > 0.8) return 'info';
  if (confidence > 0.5) return 'warning';
  return 'critical';
}

export function alertRecommendation(severity: AlertSeverity): string {
  switch (severity) {
    case 'critical':
      return 'Low-confidence estimate: verify the cost with the provider or adjust it before customers use this model.';
    case 'warning':
      return 'Moderate-confidence estimate: consider verifying the cost against the provider documentation.';
    case 'info':
      return 'High-confidence estimate from similar models: it will be replaced when the provider publishes a cost.';
  }
}

export const ALERT_STATUSES = ['pending', 'acknowledged', 'adjusted', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

const TRANSITIONS: Record<AlertStatus, readonly AlertStatus[]> = {
  pending: ['acknowledged', 'resolved'],
  acknowledged: ['adjusted', 'resolved'],
  adjusted: ['resolved'],
  resolved: [],
};

export function canTransitionAlert(from: AlertStatus, to: AlertStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface EstimatedCostAlert {
  id: string;
  modelId: string;
  createdAt: Date;
  severity: AlertSeverity;
  confidence: number;
  reason: EstimatedCostReason;
  /** The estimated cost at alert time (admin-only). */
  estimatedCost: ModelCost;
  sourceModelIds: string[];
  recommendation: string;
  status: AlertStatus;
  acknowledgedBy?: string;
  acknowledgedAt?: Date;
  adjustedBy?: string;
  adjustedAt?: Date;
  adjustedCost?: ModelCost;
  resolvedBy?: string;
  resolvedAt?: Date;
  resolutionSource?: CostSource;
  resolutionNote?: string;
}

export function createEstimatedCostAlert(args: {
  id: string;
  modelId: string;
  estimate: CostEstimate;
  reason?: EstimatedCostReason;
  at: Date;
}): EstimatedCostAlert {
  const severity = alertSeverity(args.estimate.confidence);
  return {
    id: args.id,
    modelId: args.modelId,
    createdAt: args.at,
    severity,
    confidence: args.estimate.confidence,
    reason: args.reason ?? 'cost_not_published',
    estimatedCost: args.estimate.cost,
    sourceModelIds: args.estimate.sourceModels.map((s) => s.modelId),
    recommendation: alertRecommendation(severity),
    status: 'pending',
  };
}

export type AlertTransition =
  | { to: 'acknowledged'; by: string; at: Date }
  | { to: 'adjusted'; by: string; at: Date; adjustedCost: ModelCost }
  | { to: 'resolved'; by: string; at: Date; source?: CostSource; note?: string };

/** Move an alert to its next status, returning a new object (the input is not modified). */
export function transitionAlert(alert: EstimatedCostAlert, t: AlertTransition): EstimatedCostAlert {
  if (!canTransitionAlert(alert.status, t.to)) {
    throw new InvalidAlertTransitionError(`an alert cannot move from ${alert.status} to ${t.to}`, {
      details: { alertId: alert.id, from: alert.status, to: t.to, allowed: [...TRANSITIONS[alert.status]] },
    });
  }
  switch (t.to) {
    case 'acknowledged':
      return { ...alert, status: 'acknowledged', acknowledgedBy: t.by, acknowledgedAt: t.at };
    case 'adjusted':
      return { ...alert, status: 'adjusted', adjustedBy: t.by, adjustedAt: t.at, adjustedCost: t.adjustedCost };
    case 'resolved': {
      const next: EstimatedCostAlert = { ...alert, status: 'resolved', resolvedBy: t.by, resolvedAt: t.at };
      if (t.source !== undefined) next.resolutionSource = t.source;
      if (t.note !== undefined) next.resolutionNote = t.note;
      return next;
    }
  }
}
