/**
 * Cost sync from a price file in LiteLLM's `model_prices_and_context_window.json` format (the
 * de-facto public cost map): `{ "<model key>": { input_cost_per_token, output_cost_per_token,
 * cache_read_input_token_cost, input_cost_per_token_above_200k_tokens, input_cost_per_image,
 * output_cost_per_image, input_cost_per_character, input_cost_per_second,
 * output_cost_per_second, litellm_provider, mode, ... } }`.
 *
 * JSON numbers are read through their shortest decimal form (dec(number) uses String(n), so
 * 1.5e-07 is exactly "0.00000015") and converted per token -> per 1K exactly.
 *
 * Each change is recorded in model_cost_history with source `registry_sync`. A change that
 * LOWERS or keeps every rate is applied at once; a change that RAISES any rate (so it would raise
 * a tenant's price) is not applied here: it is handed to `onPriceRaise` (the CLI proposes it as a
 * two-person approval) and reported. `onPriceRaise` runs inside the sync's transaction: it must
 * use that transaction or nothing (the CLI proposes after the sync commits, see
 * scripts/catalog-sync.ts, because PGlite has a single connection).
 */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { modelCostHistory, models } from '../db/schema';
import { dec, THOUSAND, toDbString } from '../pricing/money';
import { ValidationError } from '../errors';
import { loadCatalog } from './repository';
import type { CatalogModel, ModelCost } from './types';

export type LiteLlmEntry = Record<string, unknown>;
export type LiteLlmCostMap = Record<string, LiteLlmEntry>;

/** The cost fields a sync may set; everything else on ModelCost is left as is. */
export const SYNCABLE_FIELDS = [
  'inputPer1k',
  'outputPer1k',
  'cachedInputPer1k',
  'longContextInputPer1k',
  'longContextOutputPer1k',
  'perImage',
  'perSecond',
  'perMinute',
  'per1kCharacters',
] as const;
export type SyncableField = (typeof SYNCABLE_FIELDS)[number];

export interface FieldChange {
  field: SyncableField;
  from: string | null;
  to: string;
}

export interface ModelCostChange {
  modelId: string;
  modelName: string;
  matchedKey: string;
  changes: FieldChange[];
  raisesPrice: boolean;
  newCost: ModelCost;
}

export interface SyncReport {
  source: string;
  matched: number;
  unchanged: number;
  applied: ModelCostChange[];
  pendingApproval: ModelCostChange[];
  unmatched: string[];
}

function num(entry: LiteLlmEntry, key: string): string | null {
  const v = entry[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  return toDbString(dec(v));
}

const per1k = (v: string | null) => (v === null ? null : toDbString(dec(v).times(THOUSAND)));
const perMinuteFromSeconds = (v: string | null) => (v === null ? null : toDbString(dec(v).times(60)));

/** The catalog fields a LiteLLM entry determines for a model of this pricing type. */
export function costFieldsFromEntry(entry: LiteLlmEntry, model: CatalogModel): Partial<Record<SyncableField, string>> {
  const out: Partial<Record<SyncableField, string | null>> = {};
  switch (model.cost.pricingType) {
    case 'per_token':
      out.inputPer1k = per1k(num(entry, 'input_cost_per_token'));
      // Embedding models have no output charge; LiteLLM writes 0 there, which says nothing.
      if (model.category !== 'embedding') out.outputPer1k = per1k(num(entry, 'output_cost_per_token'));
      out.cachedInputPer1k = per1k(num(entry, 'cache_read_input_token_cost'));
      if (model.cost.longContextThreshold !== null) {
        const t = model.cost.longContextThreshold;
        const suffix = t >= 1000 && t % 1000 === 0 ? `${t / 1000}k` : String(t);
        out.longContextInputPer1k = per1k(num(entry, `input_cost_per_token_above_${suffix}_tokens`));
        out.longContextOutputPer1k = per1k(num(entry, `output_cost_per_token_above_${suffix}_tokens`));
      }
      break;
    case 'per_image':
      out.perImage = num(entry, 'output_cost_per_image') ?? num(entry, 'input_cost_per_image');
      break;
    case 'per_second':
      out.perSecond = num(entry, 'output_cost_per_second') ?? num(entry, 'input_cost_per_second');
      break;
    case 'per_minute':
      // LiteLLM prices transcription per second of audio; we price per minute.
      out.perMinute = perMinuteFromSeconds(num(entry, 'output_cost_per_second') || num(entry, 'input_cost_per_second'));
      break;
    case 'per_1k_characters':
      out.per1kCharacters = per1k(num(entry, 'input_cost_per_character'));
      break;
    case 'per_request':
      break;
  }
  const clean: Partial<Record<SyncableField, string>> = {};
  for (const [k, v] of Object.entries(out)) if (v !== null && v !== undefined) clean[k as SyncableField] = v;
  return clean;
}

/** Keys a model may be listed under, most specific first. */
export function candidateKeys(model: CatalogModel): string[] {
  const keys = [model.litellmId, `${model.providerId}/${model.providerModelId}`, model.providerModelId, model.name, ...model.aliases];
  return [...new Set(keys)];
}

export function parseCostMap(text: string, source: string): LiteLlmCostMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError(`${source} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ValidationError(`${source} is not a LiteLLM cost map (expected an object of model entries)`);
  }
  const out: LiteLlmCostMap = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (k === 'sample_spec' || !v || typeof v !== 'object') continue;
    out[k] = v as LiteLlmEntry;
  }
  return out;
}

/** Compare the file with the catalog. Pure: nothing is written. */
export function planCostSync(catalog: CatalogModel[], map: LiteLlmCostMap): { changes: ModelCostChange[]; matched: number; unmatched: string[] } {
  const changes: ModelCostChange[] = [];
  const matchedKeys = new Set<string>();
  let matched = 0;
  for (const model of catalog) {
    if (model.isSelfHosted) continue; // our own infrastructure cost, not a public price
    const key = candidateKeys(model).find((k) => map[k] !== undefined);
    if (!key) continue;
    matched += 1;
    matchedKeys.add(key);
    const fields = costFieldsFromEntry(map[key]!, model);
    const diffs: FieldChange[] = [];
    for (const field of SYNCABLE_FIELDS) {
      const to = fields[field];
      if (to === undefined) continue;
      const from = model.cost[field];
      if (from !== null && dec(from).equals(dec(to))) continue;
      diffs.push({ field, from, to });
    }
    if (diffs.length === 0) continue;
    const newCost: ModelCost = { ...model.cost };
    for (const d of diffs) newCost[d.field] = d.to;
    const raisesPrice = diffs.some((d) => d.from === null || dec(d.to).greaterThan(dec(d.from)));
    changes.push({ modelId: model.id, modelName: model.name, matchedKey: key, changes: diffs, raisesPrice, newCost });
  }
  return { changes, matched, unmatched: Object.keys(map).filter((k) => !matchedKeys.has(k)) };
}

/** The column update for a ModelCost (shared with the cost-change approval executor). */
export function costColumns(c: ModelCost): Partial<typeof models.$inferInsert> {
  return {
    inputCostPer1k: c.inputPer1k,
    outputCostPer1k: c.outputPer1k,
    cachedInputCostPer1k: c.cachedInputPer1k,
    longContextThreshold: c.longContextThreshold,
    longContextInputCostPer1k: c.longContextInputPer1k,
    longContextOutputCostPer1k: c.longContextOutputPer1k,
    batchDiscountPercent: c.batchDiscountPercent,
    costPerImage: c.perImage,
    costPerSecond: c.perSecond,
    costPerMinute: c.perMinute,
    costPerRequest: c.perRequest,
    costPerToolCall: c.perToolCall,
    costPer1kCharacters: c.per1kCharacters,
    warmupCost: c.warmupCost,
    warmupSeconds: c.warmupSeconds,
  };
}

/** Apply a cost to a model now, with its history row. A real cost clears an estimate. */
export async function applyModelCost(
  q: Queryable,
  args: {
    modelId: string;
    oldCost: ModelCost;
    newCost: ModelCost;
    source: ModelCostHistorySource;
    changedBy?: string | null;
    note?: string;
    approvalRequestId?: string | null;
    raisesPrice?: boolean;
    at?: Date;
  },
): Promise<void> {
  const at = args.at ?? new Date();
  await q
    .update(models)
    .set({ ...costColumns(args.newCost), costSource: args.source, costUpdatedAt: at, costIsEstimated: false, estimate: null, updatedAt: at })
    .where(eq(models.id, args.modelId));
  await q.insert(modelCostHistory).values({
    modelId: args.modelId,
    source: args.source,
    oldCost: args.oldCost,
    newCost: args.newCost,
    raisesPrice: args.raisesPrice ?? false,
    approvalRequestId: args.approvalRequestId ?? null,
    changedBy: args.changedBy ?? null,
    note: args.note ?? null,
  });
}

type ModelCostHistorySource = (typeof modelCostHistory.$inferInsert)['source'];

/**
 * Run a sync on the platform path. Lowering changes are applied; raising ones go to
 * `onPriceRaise` (returns an approval request id, or null when it only logged the change).
 */
export async function syncCosts(
  q: Queryable,
  args: {
    map: LiteLlmCostMap;
    source: string;
    dryRun?: boolean;
    onPriceRaise?: (change: ModelCostChange) => Promise<string | null>;
  },
): Promise<SyncReport> {
  const { models: catalog } = await loadCatalog(q);
  const plan = planCostSync(catalog, args.map);
  const byId = new Map(catalog.map((m) => [m.id, m]));
  const report: SyncReport = {
    source: args.source,
    matched: plan.matched,
    unchanged: plan.matched - plan.changes.length,
    applied: [],
    pendingApproval: [],
    unmatched: plan.unmatched,
  };
  for (const change of plan.changes) {
    if (change.raisesPrice) {
      report.pendingApproval.push(change);
      if (!args.dryRun) {
        // Logged either way; the approval id is attached when a proposal was made.
        const approvalId = args.onPriceRaise ? await args.onPriceRaise(change) : null;
        await q.insert(modelCostHistory).values({
          modelId: change.modelId,
          source: 'registry_sync',
          oldCost: byId.get(change.modelId)!.cost,
          newCost: change.newCost,
          raisesPrice: true,
          approvalRequestId: approvalId,
          note: `from ${args.source} (${change.matchedKey}): raises price, not applied without two-person approval`,
        });
      }
      continue;
    }
    report.applied.push(change);
    if (!args.dryRun) {
      await applyModelCost(q, {
        modelId: change.modelId,
        oldCost: byId.get(change.modelId)!.cost,
        newCost: change.newCost,
        source: 'registry_sync',
        note: `from ${args.source} (${change.matchedKey})`,
      });
    }
  }
  return report;
}

export function formatSyncReport(r: SyncReport): string {
  const lines = [
    `Cost sync from ${r.source}: ${r.matched} models matched, ${r.unchanged} unchanged, ${r.applied.length} applied, ${r.pendingApproval.length} awaiting approval`,
  ];
  const fmt = (c: ModelCostChange) => `  ${c.modelName.padEnd(28)} ${c.changes.map((d) => `${d.field} ${d.from ?? '—'} -> ${d.to}`).join('; ')}`;
  if (r.applied.length) lines.push('Applied (price stays or falls):', ...r.applied.map(fmt));
  if (r.pendingApproval.length) lines.push('Raises a price: proposed for two-person approval, not applied:', ...r.pendingApproval.map(fmt));
  return lines.join('\n');
}
