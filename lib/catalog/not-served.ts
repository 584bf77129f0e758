/**
 * Catalog entries the gateway cannot call, and why. They stay in the catalog (priced, visible to
 * admins with this reason in the console's providers list) but are not offered to tenants.
 * A whole provider is not callable when its wireFormat is 'none'; a single model when its
 * provider's API does not host it.
 */
export const NOT_SERVED_PROVIDERS: Readonly<Record<string, string>> = {
  midjourney:
    'Midjourney has no official public API (images are made through its Discord bot and web app only); the third-party proxies that wrap Discord break its terms of service. Not offered to tenants.',
  pika: 'Pika publishes no public API of its own (its models are reachable only through third-party hosts such as fal.ai, under their own wire formats and accounts), so RADIANT cannot call it. Not offered to tenants.',
};

export const NOT_SERVED_MODELS: Readonly<Record<string, string>> = {
  'flux-schnell':
    "Black Forest Labs' API (api.bfl.ai) does not host FLUX.1 [schnell], an open-weight model; it would need another host (e.g. self-hosted). Not offered to tenants.",
};

/** Why a provider cannot be called, or null. */
export function providerNotServedReason(p: { id: string; wireFormat: string }): string | null {
  return NOT_SERVED_PROVIDERS[p.id] ?? (p.wireFormat === 'none' ? 'No adapter speaks this provider’s API yet: not offered to tenants.' : null);
}

/** Why a model cannot be called, or null (its provider's reason first). */
export function modelNotServedReason(m: { id: string }, p: { id: string; wireFormat: string }): string | null {
  return providerNotServedReason(p) ?? NOT_SERVED_MODELS[m.id] ?? null;
}
