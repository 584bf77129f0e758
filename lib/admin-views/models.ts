/**
 * Models & pricing (admin): the catalog with cost, markup (% and source), price and margin
 * (lib/pricing/service listAdminPricing), the preview of a proposed markup change (new prices
 * and margins BEFORE anything is submitted), and the proposal itself, which becomes approval
 * request(s) through governance's proposeChange (two-person rule).
 */
import type { Queryable } from '../db/client';
import { loadCatalog, loadPlatformOverrides } from '../catalog/repository';
import { proposeChange, type ApprovalView } from '../governance/approvals';
import type { AdminContext } from '../platform/context';
import { ValidationError } from '../errors';
import { resolveMarkup, type MarkupOverride } from '../pricing/markup';
import { dec } from '../pricing/money';
import { LOW_MARGIN_PERCENT } from '../pricing/optimizer';
import { listAdminPricing, type AdminPricingRow } from '../pricing/service';
import { buildAdminModelPricing } from '../pricing/views';
import type { UnitRates } from '../pricing/price';
import { NOT_SERVED_MODELS, NOT_SERVED_PROVIDERS } from '../catalog/not-served';
import { markupPreviewSchema, markupProposalSchema, type MarkupProposalInput } from './schemas';

/** The headline rates of a model in its own unit: input/output per 1M tokens, or the one unit price. */
function headlineRates(pricingType: string, r: UnitRates<string>): { a: string | null; b: string | null } {
  switch (pricingType) {
    case 'per_token':
      return { a: r.inputPer1M, b: r.outputPer1M };
    case 'per_image':
      return { a: r.perImage, b: null };
    case 'per_second':
      return { a: r.perSecond, b: null };
    case 'per_minute':
      return { a: r.perMinute, b: null };
    case 'per_request':
      return { a: r.perRequest, b: null };
    case 'per_1k_characters':
      return { a: r.per1kCharacters, b: null };
    default:
      return { a: null, b: null };
  }
}

/**
 * One row of the console's models table: only what the table draws (and its CSV holds). The full
 * AdminPricingRow carries three blocks of some twenty rates each (cost, price, margin per 1K and
 * per 1M, cached, long-context, batch...); sending it for every model of the catalog made the
 * page 350 KB. Tooltip texts are composed here, on the server.
 */
export interface ModelsTableRow {
  modelId: string;
  name: string;
  displayName: string;
  providerId: string;
  category: string;
  hosting: 'self-hosted' | 'external';
  /** "1M in" / "1M out" for token models, else the unit ("image", "minute"...). */
  unitA: string;
  unitB: string;
  costIn: string | null;
  costOut: string | null;
  priceIn: string | null;
  priceOut: string | null;
  markupPercent: string;
  markupSource: string;
  /** Who/why/expiry of the override in force, for the tooltip; null on the default. */
  markupNote: string | null;
  referenceMix: string;
  referenceMargin: string;
  marginPercent: string;
  /** The estimate's reason, confidence and sources, for the tooltip; null when the cost is published. */
  estimatedNote: string | null;
  enabled: boolean;
  /** Why the gateway cannot call it, or null. */
  notServed: string | null;
}

export function toModelsTableRow(r: AdminPricingRow): ModelsTableRow {
  const cost = headlineRates(r.pricingType, r.cost);
  const price = headlineRates(r.pricingType, r.price);
  const o = r.markupOverride;
  const e = r.estimated;
  const unit = r.unitLabel.replace(/^per /, '');
  return {
    modelId: r.modelId,
    name: r.name,
    displayName: r.displayName,
    providerId: r.providerId,
    category: r.category,
    hosting: r.isSelfHosted ? 'self-hosted' : 'external',
    unitA: r.pricingType === 'per_token' ? '1M in' : unit,
    unitB: r.pricingType === 'per_token' ? '1M out' : unit,
    costIn: cost.a,
    costOut: cost.b,
    priceIn: price.a,
    priceOut: price.b,
    markupPercent: r.markupPercent,
    markupSource: r.markupSource,
    markupNote: o ? `${o.reason} · set ${o.setAt.slice(0, 10)}${o.expiresAt ? ` · expires ${o.expiresAt.slice(0, 10)}` : ''}` : null,
    referenceMix: r.referenceMix,
    referenceMargin: r.reference.margin,
    marginPercent: r.marginPercent,
    estimatedNote: e
      ? `Estimated (${e.reason.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase())})${e.confidence !== null ? `, confidence ${Math.round(e.confidence * 100)}%` : ''}${
          e.sourceModels.length ? `, from ${e.sourceModels.map((x) => x.displayName).join(', ')}` : ''
        }`
      : null,
    enabled: r.enabled && r.providerEnabled,
    notServed: NOT_SERVED_MODELS[r.modelId] ?? NOT_SERVED_PROVIDERS[r.providerId] ?? null,
  };
}

export interface ModelsPageData {
  rows: ModelsTableRow[];
  providers: Array<{ id: string; name: string; enabled: boolean }>;
}

export async function getModelsPage(q: Queryable): Promise<ModelsPageData> {
  const [rows, { providers }] = await Promise.all([listAdminPricing(q), loadCatalog(q)]);
  return { rows: rows.map(toModelsTableRow), providers: providers.map((p) => ({ id: p.id, name: p.displayName, enabled: p.enabled })) };
}

export interface PricePoint {
  markupPercent: string;
  source: string;
  inputPer1M: string | null;
  outputPer1M: string | null;
  referencePrice: string;
  referenceCost: string;
  referenceMargin: string;
  marginPercent: string;
}

export interface MarkupPreviewRow {
  modelId: string;
  displayName: string;
  providerId: string;
  unitLabel: string;
  referenceMix: string;
  current: PricePoint;
  proposed: PricePoint;
  changes: boolean;
  note: string | null;
  lowMargin: boolean;
}

export interface MarkupPreview {
  rows: MarkupPreviewRow[];
  affected: number;
  unchanged: number;
  warnings: string[];
}

function point(p: ReturnType<typeof buildAdminModelPricing>, source: string): PricePoint {
  return {
    markupPercent: p.markupPercent,
    source,
    inputPer1M: p.price.inputPer1M,
    outputPer1M: p.price.outputPer1M,
    referencePrice: p.reference.price,
    referenceCost: p.reference.cost,
    referenceMargin: p.reference.margin,
    marginPercent: p.marginPercent,
  };
}

/**
 * New prices and margins if the override were approved now. A provider-level override does not
 * change models that have their own (model) override: those rows say so instead of pretending.
 */
export async function previewMarkupChange(q: Queryable, input: unknown, now = new Date()): Promise<MarkupPreview> {
  const p = markupPreviewSchema.parse(input);
  const [{ models }, overrides] = await Promise.all([loadCatalog(q), loadPlatformOverrides(q)]);
  const targets = p.target === 'provider' ? models.filter((m) => m.providerId === p.providerId) : models.filter((m) => p.modelIds.includes(m.id));
  if (targets.length === 0)
    throw new ValidationError('Nothing to preview', [{ path: p.target === 'provider' ? 'providerId' : 'modelIds', message: 'no matching models' }]);

  const hypothetical: MarkupOverride[] = targets.map((m) => ({
    scope: p.target,
    ...(p.target === 'provider' ? { providerId: m.providerId } : { modelId: m.id }),
    markupPercent: dec(p.markupPercent).toFixed(),
    setBy: 'preview',
    setAt: now,
    reason: 'preview',
    expiresAt: null,
  }));
  const replaced = overrides.filter((o) =>
    p.target === 'provider'
      ? !(o.scope === 'provider' && o.providerId === p.providerId)
      : !(o.scope === 'model' && o.modelId && p.modelIds.includes(o.modelId)),
  );
  const next = [...replaced, ...dedupe(hypothetical)];

  const rows = targets.map((m): MarkupPreviewRow => {
    const cur = resolveMarkup({ model: m, overrides, at: now });
    const pro = resolveMarkup({ model: m, overrides: next, at: now });
    const c = buildAdminModelPricing({ model: m, markup: cur });
    const n = buildAdminModelPricing({ model: m, markup: pro });
    const changes = !dec(c.markupPercent).equals(dec(n.markupPercent));
    const keeps = p.target === 'provider' && pro.source === 'model';
    return {
      modelId: m.id,
      displayName: m.displayName,
      providerId: m.providerId,
      unitLabel: c.unitLabel,
      referenceMix: c.referenceMix,
      current: point(c, cur.source),
      proposed: point(n, pro.source),
      changes,
      note: keeps ? `Keeps its own model markup (${n.markupPercent}%)` : changes ? null : 'No change',
      lowMargin: !dec(n.reference.price).isZero() && dec(n.marginPercent).lessThan(LOW_MARGIN_PERCENT),
    };
  });
  const warnings: string[] = [];
  const low = rows.filter((r) => r.lowMargin).length;
  if (low) warnings.push(`${low} model(s) would have a margin under ${LOW_MARGIN_PERCENT}% of price.`);
  if (dec(p.markupPercent).isZero()) warnings.push('A 0% markup sells at cost: no margin at all.');
  return { rows, affected: rows.filter((r) => r.changes).length, unchanged: rows.filter((r) => !r.changes).length, warnings };
}

function dedupe(list: MarkupOverride[]): MarkupOverride[] {
  const seen = new Set<string>();
  return list.filter((o) => {
    const k = `${o.scope}:${o.providerId ?? ''}:${o.modelId ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface ProposalOutcome {
  created: Array<{ id: string; title: string; target: string }>;
  failed: Array<{ target: string; message: string }>;
}

/**
 * Submit the change for approval: one request for a provider (markup.set_provider), one per
 * model otherwise (markup.set_model). Each request is its own transaction (proposeChange);
 * failures are reported per target and do not undo the others.
 */
export async function proposeMarkupChange({ ctx, input }: { ctx: AdminContext; input: MarkupProposalInput }): Promise<ProposalOutcome> {
  const p = markupProposalSchema.parse(input);
  const common = { markupPercent: p.markupPercent, reason: p.reason, expiresAt: p.expiresAt ? new Date(p.expiresAt).toISOString() : null };
  const jobs: Array<{ target: string; run: () => Promise<ApprovalView> }> =
    p.target === 'provider'
      ? [
          {
            target: p.providerId!,
            run: () =>
              proposeChange({
                ctx,
                input: { action: 'markup.set_provider', payload: { providerId: p.providerId, ...common }, description: p.reason },
              }),
          },
        ]
      : p.modelIds.map((modelId) => ({
          target: modelId,
          run: () => proposeChange({ ctx, input: { action: 'markup.set_model', payload: { modelId, ...common }, description: p.reason } }),
        }));

  const out: ProposalOutcome = { created: [], failed: [] };
  for (const j of jobs) {
    try {
      const v = await j.run();
      out.created.push({ id: v.id, title: v.title, target: j.target });
    } catch (err) {
      if (jobs.length === 1) throw err;
      out.failed.push({ target: j.target, message: err instanceof Error && 'code' in err ? err.message : 'could not be proposed' });
    }
  }
  return out;
}
