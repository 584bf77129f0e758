import { describe, expect, it } from 'vitest';
import { costToPrice, dec, formatMoney, margin, marginPercentOfPrice, roundCents, sum } from './money';

describe('money', () => {
  it('parses decimals exactly and refuses junk', () => {
    expect(dec('0.1').plus(dec('0.2')).toFixed()).toBe('0.3');
    expect(dec(0.1).plus(0.2).toFixed()).toBe('0.3');
    expect(() => dec('abc')).toThrow(RangeError);
    expect(() => dec(Number.NaN)).toThrow(RangeError);
    expect(() => dec(Infinity)).toThrow(RangeError);
  });
  it('cost -> price -> margin is exact (GPT-4.1 golden numbers)', () => {
    expect(costToPrice('2.00', 40).toFixed(2)).toBe('2.80');
    expect(costToPrice('8.00', 40).toFixed(2)).toBe('11.20');
    expect(margin('8', costToPrice('8', 40)).toFixed()).toBe('3.2');
    expect(costToPrice('0.00000005', '37.5').toFixed()).toBe('0.00000006875');
  });
  it('margin percent is of price, and free items do not divide by zero', () => {
    expect(marginPercentOfPrice('1', '1.4').toFixed(4)).toBe('28.5714');
    expect(marginPercentOfPrice('0', '0').toFixed()).toBe('0');
  });
  it('rounds cents half-even once', () => {
    expect(roundCents('0.125').toFixed(2)).toBe('0.12');
    expect(roundCents('0.135').toFixed(2)).toBe('0.14');
    expect(sum(['0.001', '0.002', '0.003']).toFixed()).toBe('0.006');
  });
  it('formats money for display', () => {
    expect(formatMoney('1234.5')).toBe('$1,234.50');
    expect(formatMoney('0.0000028')).toBe('$0.0000028');
    expect(formatMoney('-3')).toBe('-$3.00');
  });
});
