/**
 * The one decision of which models a tenant may see and buy. Pure: the gateway
 * (TenantConfig.allows in lib/gateway/state.ts) and the portal's price list
 * (loadTenantCatalog in lib/pricing/service.ts) both call it, so a restriction applies everywhere
 * or nowhere.
 */

interface ModelFacts {
  enabled: boolean;
}

interface ProviderFacts {
  enabled: boolean;
  compliance: readonly string[];
}

export interface TenantFacts {
  /** hipaa_config enabled with restrict_to_hipaa_providers: only HIPAA providers serve it. */
  hipaaOnly: boolean;
}

/** May this tenant use the model at all. `access` is its tenant_model_access row, if any
 * (enabled = false blocks). */
export function tenantMayUse(model: ModelFacts, provider: ProviderFacts | undefined, tenant: TenantFacts, access?: { enabled: boolean }): boolean {
  if (!model.enabled) return false;
  if (!provider || !provider.enabled) return false;
  if (tenant.hipaaOnly && !provider.compliance.includes('HIPAA')) return false;
  return !access || access.enabled;
}

/** A tenant's HIPAA restriction from its hipaa_config row. */
export function hipaaOnlyFrom(row: { enabled: boolean; restrictToHipaaProviders: boolean } | undefined): boolean {
  return Boolean(row?.enabled && row.restrictToHipaaProviders);
}
