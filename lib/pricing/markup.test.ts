import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/errors';
import { markupOverrideSchema, markupPercentSchema, resolveMarkup, type MarkupOverride } from './markup';

const AT = new Date('2025-06-15T12:00:00Z');
const BEFORE = new Date('2025-06-01T00:00:00Z');
const model = { id: 'openai-gpt-4-1', providerId: 'openai', isSelfHosted: false };
const selfHosted = { id: 'self-llama-3-70b', providerId: 'self-hosted', isSelfHosted: true };

function ov(partial: Partial<MarkupOverride> & Pick<MarkupOverride, 'scope' | 'markupPercent'>): MarkupOverride {
  return { setBy: 'admin-1', setAt: BEFORE, reason: 'test', expiresAt: null, ...partial };
}

const providerOv = ov({ scope: 'provider', providerId: 'openai', markupPercent: '60' });
const modelOv = ov({ scope: 'model', modelId: 'openai-gpt-4-1', markupPercent: '25' });
const tenantOv = ov({ scope: 'tenant_model', tenantId: 't1', modelId: 'openai-gpt-4-1', markupPercent: '10' });

describe('resolveMarkup', () => {
  it('defaults to 40% for external providers and 75% for self-hosted models', () => {
    const ext = resolveMarkup({ model, overrides: [], at: AT });
    expect(ext.markupPercent.toFixed()).toBe('40');
    expect(ext.source).toBe('default');
    expect(ext.override).toBeUndefined();
    const sh = resolveMarkup({ model: selfHosted, overrides: [], at: AT });
    expect(sh.markupPercent.toFixed()).toBe('75');
    expect(sh.source).toBe('default');
  });

  it('a model override (25%) beats a provider override (60%)', () => {
    const r = resolveMarkup({ model, overrides: [providerOv, modelOv], at: AT });
    expect(r.markupPercent.toFixed()).toBe('25');
    expect(r.source).toBe('model');
    expect(r.override).toBe(modelOv);
  });

  it('the provider override applies when there is no model override', () => {
    const r = resolveMarkup({ model, overrides: [providerOv], at: AT });
    expect(r.markupPercent.toFixed()).toBe('60');
    expect(r.source).toBe('provider');
  });

  it('a tenant+model override beats both, only for that tenant', () => {
    const overrides = [providerOv, modelOv, tenantOv];
    const r = resolveMarkup({ model, tenantId: 't1', overrides, at: AT });
    expect(r.markupPercent.toFixed()).toBe('10');
    expect(r.source).toBe('tenant_model');
    expect(resolveMarkup({ model, tenantId: 't2', overrides, at: AT }).source).toBe('model');
    expect(resolveMarkup({ model, overrides, at: AT }).source).toBe('model');
  });

  it('overrides for other models, providers or tenants do not apply', () => {
    const r = resolveMarkup({
      model,
      tenantId: 't1',
      overrides: [
        ov({ scope: 'model', modelId: 'other', markupPercent: '1' }),
        ov({ scope: 'provider', providerId: 'anthropic', markupPercent: '2' }),
        ov({ scope: 'tenant_model', tenantId: 't1', modelId: 'other', markupPercent: '3' }),
        ov({ scope: 'default_self_hosted', markupPercent: '4' }),
      ],
      at: AT,
    });
    expect(r.markupPercent.toFixed()).toBe('40');
    expect(r.source).toBe('default');
  });

  describe('expired overrides stop applying in every scope', () => {
    const expired = new Date('2025-06-15T12:00:00Z'); // == AT: expiresAt <= at is expired
    const live = new Date('2025-06-15T12:00:01Z');
    it('tenant_model', () => {
      const t = { ...tenantOv, expiresAt: expired };
      expect(resolveMarkup({ model, tenantId: 't1', overrides: [t, modelOv], at: AT }).source).toBe('model');
      expect(resolveMarkup({ model, tenantId: 't1', overrides: [{ ...t, expiresAt: live }, modelOv], at: AT }).source).toBe('tenant_model');
    });
    it('model', () => {
      const m = { ...modelOv, expiresAt: expired };
      expect(resolveMarkup({ model, overrides: [m, providerOv], at: AT }).source).toBe('provider');
      expect(resolveMarkup({ model, overrides: [{ ...m, expiresAt: live }, providerOv], at: AT }).source).toBe('model');
    });
    it('provider (the seed let these live forever)', () => {
      const p = { ...providerOv, expiresAt: expired };
      const r = resolveMarkup({ model, overrides: [p], at: AT });
      expect(r.source).toBe('default');
      expect(r.markupPercent.toFixed()).toBe('40');
      expect(resolveMarkup({ model, overrides: [{ ...p, expiresAt: live }], at: AT }).markupPercent.toFixed()).toBe('60');
    });
    it('default rows', () => {
      const d = ov({ scope: 'default_external', markupPercent: '45', expiresAt: expired });
      expect(resolveMarkup({ model, overrides: [d], at: AT }).markupPercent.toFixed()).toBe('40');
      const sh = ov({ scope: 'default_self_hosted', markupPercent: '80', expiresAt: expired });
      expect(resolveMarkup({ model: selfHosted, overrides: [sh], at: AT }).markupPercent.toFixed()).toBe('75');
    });
  });

  it('default rows override the built-in defaults (source stays "default")', () => {
    const overrides = [ov({ scope: 'default_external', markupPercent: '45' }), ov({ scope: 'default_self_hosted', markupPercent: '80' })];
    const ext = resolveMarkup({ model, overrides, at: AT });
    expect(ext.markupPercent.toFixed()).toBe('45');
    expect(ext.source).toBe('default');
    expect(ext.override?.scope).toBe('default_external');
    expect(resolveMarkup({ model: selfHosted, overrides, at: AT }).markupPercent.toFixed()).toBe('80');
    expect(resolveMarkup({ model, overrides: [], defaults: { external: '30', selfHosted: '50' }, at: AT }).markupPercent.toFixed()).toBe('30');
  });

  it('of two live rows for the same target, the most recently set wins', () => {
    const older = ov({ scope: 'model', modelId: model.id, markupPercent: '20', setAt: new Date('2025-01-01') });
    const newer = ov({ scope: 'model', modelId: model.id, markupPercent: '22', setAt: new Date('2025-02-01') });
    expect(resolveMarkup({ model, overrides: [newer, older], at: AT }).markupPercent.toFixed()).toBe('22');
  });

  it('refuses a negative markup found in the data', () => {
    expect(() => resolveMarkup({ model, overrides: [ov({ scope: 'model', modelId: model.id, markupPercent: '-5' })], at: AT })).toThrow(ValidationError);
  });
});

describe('markupPercentSchema', () => {
  it('accepts 0..1000 with up to 4 decimals, as string or number, canonically', () => {
    expect(markupPercentSchema.parse('40')).toBe('40');
    expect(markupPercentSchema.parse(40)).toBe('40');
    expect(markupPercentSchema.parse('37.50')).toBe('37.5');
    expect(markupPercentSchema.parse('0')).toBe('0');
    expect(markupPercentSchema.parse('-0')).toBe('0');
    expect(markupPercentSchema.parse('1000')).toBe('1000');
    expect(markupPercentSchema.parse('12.3456')).toBe('12.3456');
    expect(markupPercentSchema.parse(0.1)).toBe('0.1');
  });
  it('refuses negative, too large, too precise and junk', () => {
    for (const bad of ['-1', -0.5, '1000.0001', 1001, '12.34567', 'abc', '', '1e400x']) {
      expect(markupPercentSchema.safeParse(bad).success).toBe(false);
    }
  });
  it('validates override rows per scope', () => {
    const base = { markupPercent: '25', setBy: 'a', setAt: BEFORE, reason: 'promo', expiresAt: null };
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'model', modelId: 'm' }).success).toBe(true);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'model' }).success).toBe(false);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'provider', providerId: 'p', modelId: 'm' }).success).toBe(false);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'tenant_model', tenantId: 't', modelId: 'm' }).success).toBe(true);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'default_external', reason: ' ' }).success).toBe(false);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'default_external', expiresAt: BEFORE }).success).toBe(false);
    expect(markupOverrideSchema.safeParse({ ...base, scope: 'default_external', markupPercent: '-1' }).success).toBe(false);
  });
});
