/** CSV helpers: RFC 4180 quoting, formula-injection guard, parse round trip, provider CSV. */
import { describe, expect, it } from 'vitest';
import { csvCell, parseCsv, sha256Hex, toCsv } from '../../lib/billing/csv';
import { parseProviderInvoiceCsv } from '../../lib/billing/reconciliation';
import { ValidationError } from '../../lib/errors';

describe('csv', () => {
  it('quotes, escapes and guards formulas but keeps negative numbers', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell('@sum')).toBe("'@sum");
    expect(csvCell(null)).toBe('');
  });

  it('round-trips through the parser', () => {
    const text = toCsv(
      ['a', 'b'],
      [
        ['x,y', 'line\nbreak'],
        ['1.00', '"q"'],
      ],
    );
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x,y', 'line\nbreak'],
      ['1.00', '"q"'],
    ]);
    expect(sha256Hex(text)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads provider invoice CSV with or without a header, exactly', () => {
    expect(parseProviderInvoiceCsv('provider,period,amount\nopenai,2025-01,1234.5678\n')).toEqual([
      { provider: 'openai', period: '2025-01', amount: '1234.5678' },
    ]);
    expect(parseProviderInvoiceCsv('anthropic,2025-02,0.1\r\n')).toEqual([{ provider: 'anthropic', period: '2025-02', amount: '0.1' }]);
    expect(() => parseProviderInvoiceCsv('openai,2025-01')).toThrow(ValidationError);
    expect(() => parseProviderInvoiceCsv('openai,2025-01,1e3')).toThrow(ValidationError);
    expect(() => parseProviderInvoiceCsv('openai,2025-01,-5')).toThrow(ValidationError);
  });
});
