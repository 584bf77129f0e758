import type { UnitRates } from '@/lib/pricing/price';

/** The headline rates of a model in its own unit: input/output per 1M tokens, or the one unit price. */
export function headlineRates(pricingType: string, r: UnitRates<string>): { a: string | null; b: string | null } {
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

export const SOURCE_LABEL: Record<string, string> = {
  default: 'default',
  provider: 'provider',
  model: 'model',
  tenant_model: 'tenant',
};
