/**
 * LiteLLM interoperability: RADIANT's live catalog as a LiteLLM proxy `config.yaml`
 * (seed section 7, PART 2), so operators who run LiteLLM can reuse the catalog.
 *
 *   model_list        every ENABLED chat/embedding model (enabled provider too) priced per token:
 *                     model_name = the client name; litellm_params.model = the unique LiteLLM id,
 *                     api_key = os.environ/<the provider's key env>, api_base when it matters
 *                     (self-hosted endpoints, or an operator-changed base URL); model_info = our
 *                     catalog id, mode, and our COST per token (what the provider charges us,
 *                     exact: the per-1K decimal divided by 1000, written as a plain decimal).
 *   router_settings   fallbacks from lib/catalog/data/fallbacks.ts, in LiteLLM's format
 *                     (`- gpt-4o: [claude-sonnet-4, gemini-2.0-flash]`; the seed's
 *                     `model_name`/`fallback_models` shape is not what LiteLLM reads), plus the
 *                     retry/cooldown settings the gateway also uses (3 failures -> 60 s).
 *   litellm_settings  the seed's operational settings that do not name third-party services.
 *
 * Pure: `buildLiteLLMConfig(catalog)` -> object; `toLiteLLMYaml(config)` -> text.
 */
import YAML, { type ScalarTag } from 'yaml';
import { CATALOG_PROVIDER_BY_ID, DEFAULT_FALLBACK_CHAINS } from '../catalog';
import { loadCatalog } from '../catalog/repository';
import type { Db } from '../db/client';
import { withPlatform } from '../db/tenant';
import type { CatalogModel, CatalogProvider } from '../catalog/types';
import { dec, THOUSAND } from '../pricing/money';

/** A decimal written as a plain YAML float (never quoted, never in exponent form). */
export class YamlDecimal {
  constructor(readonly value: string) {}
  toJSON(): string {
    return this.value;
  }
}

const decimalTag: ScalarTag = {
  identify: (v: unknown) => v instanceof YamlDecimal,
  default: true,
  tag: 'tag:yaml.org,2002:float',
  resolve: (s: string) => s,
  stringify: (item) => (item.value as YamlDecimal).value,
};

export type LiteLLMMode = 'chat' | 'embedding';

export interface LiteLLMModelEntry {
  model_name: string;
  litellm_params: { model: string; api_key: string; api_base?: string };
  model_info: {
    id: string;
    mode: LiteLLMMode;
    input_cost_per_token: YamlDecimal;
    output_cost_per_token?: YamlDecimal;
    cache_read_input_token_cost?: YamlDecimal;
    input_cost_per_token_above_128k_tokens?: YamlDecimal;
    output_cost_per_token_above_128k_tokens?: YamlDecimal;
    input_cost_per_token_above_200k_tokens?: YamlDecimal;
    output_cost_per_token_above_200k_tokens?: YamlDecimal;
    max_tokens?: number;
    max_input_tokens?: number;
    max_output_tokens?: number;
    supports_function_calling?: boolean;
    supports_vision?: boolean;
    supports_reasoning?: boolean;
    supports_response_schema?: boolean;
  };
}

export interface LiteLLMConfig {
  model_list: LiteLLMModelEntry[];
  litellm_settings: Record<string, unknown>;
  router_settings: Record<string, unknown>;
  general_settings: Record<string, unknown>;
}

export interface CatalogInput {
  models: CatalogModel[];
  providers: CatalogProvider[];
}

const CHAT_CATEGORIES = new Set(['text_generation', 'reasoning', 'search']);

export function liteLLMMode(m: CatalogModel): LiteLLMMode | null {
  if (m.cost.pricingType !== 'per_token' || m.cost.inputPer1k === null) return null;
  if (m.category === 'embedding') return 'embedding';
  if (CHAT_CATEGORIES.has(m.category) && m.cost.outputPer1k !== null) return 'chat';
  return null;
}

/** $/1K (exact decimal string) -> $/token as a plain decimal string ("0.0025" -> "0.0000025"). */
export function perTokenFromPer1k(per1k: string): string {
  return dec(per1k).div(THOUSAND).toFixed();
}

const dstr = (per1k: string | null) => (per1k === null ? undefined : new YamlDecimal(perTokenFromPer1k(per1k)));

function normaliseUrl(u: string): string {
  return u.trim().replace(/\/+$/, '');
}

/** api_base is written for self-hosted endpoints and when an operator moved a provider off its
 * default URL; otherwise LiteLLM's own default for the provider prefix applies. */
function apiBaseFor(p: CatalogProvider): string | undefined {
  if (!p.apiBaseUrl) return undefined;
  if (p.isSelfHosted) return normaliseUrl(p.apiBaseUrl);
  const builtIn = CATALOG_PROVIDER_BY_ID.get(p.id)?.apiBaseUrl;
  if (builtIn && normaliseUrl(builtIn) === normaliseUrl(p.apiBaseUrl)) return undefined;
  return normaliseUrl(p.apiBaseUrl);
}

export function modelEntry(m: CatalogModel, p: CatalogProvider): LiteLLMModelEntry | null {
  const mode = liteLLMMode(m);
  if (!mode) return null;
  const c = m.cost;
  const info: LiteLLMModelEntry['model_info'] = { id: m.id, mode, input_cost_per_token: dstr(c.inputPer1k)! };
  if (mode === 'chat') {
    info.output_cost_per_token = dstr(c.outputPer1k);
    if (c.cachedInputPer1k !== null) info.cache_read_input_token_cost = dstr(c.cachedInputPer1k);
    if (c.longContextThreshold === 128_000 || c.longContextThreshold === 200_000) {
      const k = c.longContextThreshold === 128_000 ? '128k' : '200k';
      if (c.longContextInputPer1k !== null) info[`input_cost_per_token_above_${k}_tokens`] = dstr(c.longContextInputPer1k);
      if (c.longContextOutputPer1k !== null) info[`output_cost_per_token_above_${k}_tokens`] = dstr(c.longContextOutputPer1k);
    }
    if (m.maxOutput) {
      info.max_tokens = m.maxOutput;
      info.max_output_tokens = m.maxOutput;
    }
    if (m.capabilities.includes('function_calling') || m.capabilities.includes('tool_use')) info.supports_function_calling = true;
    if (m.capabilities.includes('vision')) info.supports_vision = true;
    if (m.capabilities.includes('reasoning') || m.capabilities.includes('thinking') || m.category === 'reasoning') info.supports_reasoning = true;
    if (m.capabilities.includes('json_mode') || m.capabilities.includes('structured_output')) info.supports_response_schema = true;
  }
  if (m.contextWindow) info.max_input_tokens = m.contextWindow;
  const params: LiteLLMModelEntry['litellm_params'] = {
    model: m.litellmId,
    api_key: `os.environ/${p.apiKeyEnv || `${p.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`}`,
  };
  const base = apiBaseFor(p);
  if (base) params.api_base = base;
  return { model_name: m.name, litellm_params: params, model_info: info };
}

export function buildLiteLLMConfig(catalog: CatalogInput, opts: { fallbacks?: Record<string, string[]> } = {}): LiteLLMConfig {
  const providers = new Map(catalog.providers.map((p) => [p.id, p]));
  const model_list: LiteLLMModelEntry[] = [];
  for (const m of [...catalog.models].sort((a, b) => a.providerId.localeCompare(b.providerId) || a.name.localeCompare(b.name))) {
    const p = providers.get(m.providerId);
    if (!m.enabled || !p?.enabled) continue;
    const e = modelEntry(m, p);
    if (e) model_list.push(e);
  }
  const exported = new Set(model_list.filter((e) => e.model_info.mode === 'chat').map((e) => e.model_name));
  const fallbacks: Array<Record<string, string[]>> = [];
  for (const [primary, chain] of Object.entries(opts.fallbacks ?? DEFAULT_FALLBACK_CHAINS)) {
    const targets = chain.filter((t) => exported.has(t) && t !== primary);
    if (exported.has(primary) && targets.length) fallbacks.push({ [primary]: targets });
  }
  return {
    model_list,
    litellm_settings: {
      request_timeout: 300,
      num_retries: 3,
      retry_after: 5,
      drop_params: true,
      set_verbose: false,
      json_logs: true,
    },
    router_settings: {
      routing_strategy: 'least-busy',
      enable_pre_call_checks: true,
      allowed_fails: 3,
      cooldown_time: 60,
      num_retries: 3,
      fallbacks,
    },
    general_settings: {
      master_key: 'os.environ/LITELLM_MASTER_KEY',
    },
  };
}

export function toLiteLLMYaml(config: LiteLLMConfig, header?: string): string {
  const doc = new YAML.Document(config, { customTags: [decimalTag] });
  const text = doc.toString({ lineWidth: 0 });
  const lines = header ? header.split('\n').map((l) => `# ${l}`.trimEnd()) : [];
  return `${lines.join('\n')}${lines.length ? '\n' : ''}${text}`;
}

/** Reads the LIVE catalog (platform path) and renders the config.yaml text. */
export async function exportLiteLLMConfig(opts: { db?: Db; now?: Date } = {}): Promise<{ yaml: string; config: LiteLLMConfig }> {
  const catalog = await withPlatform((tx) => loadCatalog(tx), opts.db);
  const config = buildLiteLLMConfig(catalog);
  const header = [
    'LiteLLM proxy configuration generated by RADIANT (npm run litellm:export).',
    `Generated ${(opts.now ?? new Date()).toISOString()} from the live catalog: ${config.model_list.length} enabled chat/embedding models.`,
    'Costs are what the PROVIDER charges (per token, USD), not RADIANT prices. Keys come from the environment.',
  ].join('\n');
  return { yaml: toLiteLLMYaml(config, header), config };
}
