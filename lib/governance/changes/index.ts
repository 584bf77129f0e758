/** The built-in executors' actions and example payloads (the executors: ./*.ts, listed in ../executor-registry.ts). */
export const BUILT_IN_ACTIONS = [
  'markup.set_default',
  'markup.set_provider',
  'markup.set_model',
  'markup.set_tenant_model',
  'markup.clear',
  'model.set_enabled',
  'provider.set_enabled',
  'provider.set_base_url',
  'admin.set_role',
  'admin.invite',
  'admin.deactivate',
  'tenant.set_tier',
  'tenant.set_status',
  'tenant.set_model_access',
] as const;

/** Example payloads for the "Propose a change" form (ids are placeholders to edit). */
export const EXAMPLE_PAYLOADS: Record<string, unknown> = {
  'markup.set_default': { scope: 'default_external', markupPercent: '40', reason: 'Why this default' },
  'markup.set_provider': { providerId: 'deepseek', markupPercent: '55', reason: 'Why', expiresAt: null },
  'markup.set_model': { modelId: 'openai-gpt-4-1', markupPercent: '35', reason: 'Why', expiresAt: null },
  'markup.set_tenant_model': { tenantId: '<tenant uuid>', modelId: 'openai-gpt-4-1', markupPercent: '30', reason: 'Contract', expiresAt: null },
  'markup.clear': { scope: 'model', modelId: 'openai-gpt-4-1', reason: 'Why' },
  'model.set_enabled': { modelId: 'openai-gpt-4-1', enabled: false, reason: 'Why' },
  'provider.set_enabled': { providerId: 'deepseek', enabled: false, reason: 'Why' },
  'provider.set_base_url': { providerId: 'openai', apiBaseUrl: 'https://api.openai.com/v1', reason: 'Why' },
  'admin.set_role': { adminId: '<administrator uuid>', role: 'operator', reason: 'Why' },
  'admin.invite': { email: 'new.person@example.com', role: 'operator', message: 'Welcome' },
  'admin.deactivate': { adminId: '<administrator uuid>', reason: 'Why' },
  'tenant.set_tier': { tenantId: '<tenant uuid>', tier: 3, reason: 'Why' },
  'tenant.set_status': { tenantId: '<tenant uuid>', change: 'suspend', reason: 'Why' },
  'tenant.set_model_access': { tenantId: '<tenant uuid>', modelId: 'openai-gpt-4-1', enabled: false, rateLimitRpm: null, rateLimitTpm: null, reason: 'Why' },
};
