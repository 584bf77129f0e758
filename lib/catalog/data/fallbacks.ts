/**
 * Default fallback chains, keyed by client model NAME: when the primary model's provider fails
 * (error, timeout, cooldown), the gateway tries these models in order.
 *
 * Source: the seed's LiteLLM `router_settings.fallbacks` (section 7, PART 2):
 *   gpt-4o        -> claude-sonnet-4, gemini-2.0-flash
 *   claude-opus-4 -> gpt-4o, gemini-1.5-pro
 * Every name is a catalog model name, except `gemini-1.5-pro`: it appears only in the seed's
 * LiteLLM model_list, not in the catalog (PART 1). It is mapped to `gemini-2.5-pro`, the
 * catalog's stable Gemini Pro (same tier and role, 1M context). See docs/catalog.md.
 *
 * Tenants' routing rules (fallback chains per tenant/model) override these defaults.
 */
export const DEFAULT_FALLBACK_CHAINS: Record<string, string[]> = {
  'gpt-4o': ['claude-sonnet-4', 'gemini-2.0-flash'],
  'claude-opus-4': ['gpt-4o', 'gemini-2.5-pro'],
};
