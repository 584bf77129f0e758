/**
 * Where a provider lives and how we authenticate to it.
 *
 * Base URL, first match wins:
 *   1. `<PROVIDER_ID>_BASE_URL` (id upper-cased, non-alphanumerics -> "_": OPENAI_BASE_URL,
 *      ANTHROPIC_BASE_URL, GOOGLE_BASE_URL, SELF_HOSTED_BASE_URL, OPENAI_EMBEDDINGS_BASE_URL);
 *   2. the base URL of the credential's account: `<X>_BASE_URL` when the credential variable is
 *      `<X>_API_KEY` (so OPENAI_BASE_URL also serves openai-embeddings, which shares OPENAI_API_KEY);
 *   3. providers.api_base_url.
 * Credential: the env var named by providers.api_key_env, else providers.encrypted_api_key
 * (AES-256-GCM under RADIANT_SECRET_KEY, lib/platform/secret-box, context "provider:<id>").
 * Self-hosted providers may run without a credential. Credentials are never
 * logged or returned.
 */
import { CATALOG_PROVIDERS } from '../catalog/data/providers';
import { ProviderNotConfiguredError } from '../errors';
import { guardOrigin } from '../platform/outbound';
import type { GatewayProvider } from './state';

export interface ProviderEndpoint {
  baseUrl: string;
  apiKey: string | null;
}

const SHIPPED_BASE_URLS = new Map(CATALOG_PROVIDERS.map((c) => [c.id, (c.apiBaseUrl ?? '').replace(/\/+$/, '')]));

export function envName(providerId: string): string {
  return providerId.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export type SecretDecrypter = (ciphertext: string, providerId: string) => string | null;

export function resolveProviderEndpoint(p: GatewayProvider, env: Record<string, string | undefined>, decrypt: SecretDecrypter | null): ProviderEndpoint {
  const own = env[`${envName(p.id)}_BASE_URL`];
  const accountVar = p.apiKeyEnv?.endsWith('_API_KEY') ? `${p.apiKeyEnv.slice(0, -'_API_KEY'.length)}_BASE_URL` : null;
  const shared = accountVar ? env[accountVar] : undefined;
  const baseUrl = (own || shared || p.apiBaseUrl || '').replace(/\/+$/, '');
  // A base URL from the database that is not the catalog's shipped default was set by a person
  // (a provider.set_base_url approval): checked again at connect time (lib/platform/outbound.ts).
  // The operator's <PROVIDER>_BASE_URL is trusted as it is (a self-hosted model on 127.0.0.1).
  if (!own && !shared && p.apiBaseUrl && p.apiBaseUrl.replace(/\/+$/, '') !== SHIPPED_BASE_URLS.get(p.id)) guardOrigin(baseUrl);
  if (!baseUrl) {
    throw new ProviderNotConfiguredError(`Provider ${p.displayName} has no base URL: set ${envName(p.id)}_BASE_URL or the provider's API base URL.`);
  }
  let apiKey: string | null = p.apiKeyEnv ? (env[p.apiKeyEnv] ?? null) || null : null;
  if (!apiKey && p.encryptedApiKey && decrypt) apiKey = decrypt(p.encryptedApiKey, p.id);
  if (!apiKey && !p.isSelfHosted && p.authType !== 'none') {
    const what = p.apiKeyEnv ? `set the ${p.apiKeyEnv} environment variable` : 'configure its API key';
    const stored = p.encryptedApiKey ? ' (the stored encrypted key cannot be decrypted on this server: check RADIANT_SECRET_KEY)' : '';
    throw new ProviderNotConfiguredError(`Provider ${p.displayName} is not configured: ${what}${stored}.`);
  }
  return { baseUrl, apiKey };
}
