import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor';
import { daySchema, moneySchema, pagination, percentString, periodSchema } from './schemas';

describe('shared zod primitives', () => {
  it('money: exact decimal strings in, canonical out; no floats through arithmetic', () => {
    expect(moneySchema.parse('12.50')).toBe('12.5');
    expect(moneySchema.parse(0.1)).toBe('0.1');
    expect(moneySchema.safeParse('1e3').success).toBe(false);
    expect(moneySchema.safeParse('0.00000000001').success).toBe(false);
  });

  it('period and day', () => {
    expect(periodSchema.parse(' 2026-02 ')).toBe('2026-02');
    expect(periodSchema.safeParse('2026-13').success).toBe(false);
    expect(daySchema.safeParse('2026-02-30').success).toBe(false);
    expect(daySchema.parse('2026-02-28')).toBe('2026-02-28');
  });

  it('percent', () => {
    expect(percentString.parse('37.5')).toBe('37.5');
    expect(percentString.safeParse('1000.5').success).toBe(false);
    expect(percentString.safeParse('-1').success).toBe(false);
    // An empty field is a field error, not an exception (the forms validate in the browser).
    const empty = percentString.safeParse('');
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.message).toBe('Enter a percent');
  });

  it('pagination: limit bounds and default, blank fields, sort keys, cursors', () => {
    const p = pagination({ max: 100, def: 20, sort: ['createdAt', 'name'] });
    expect(p.parse({})).toEqual({ limit: 20, offset: 0 });
    expect(p.parse({ limit: '', offset: '' })).toEqual({ limit: 20, offset: 0 });
    expect(p.parse({ limit: '5', sort: '-createdAt' })).toMatchObject({ limit: 5, sort: { key: 'createdAt', desc: true } });
    expect(p.safeParse({ limit: '101' }).success).toBe(false);
    expect(p.safeParse({ sort: 'secret' }).success).toBe(false);
    const c = encodeCursor({ createdAt: '2026-01-01T00:00:00Z', id: 'x' });
    expect(p.parse({ cursor: c }).cursor).toBe(c);
    expect(decodeCursor(c)).toEqual({ createdAt: '2026-01-01T00:00:00Z', id: 'x' });
    expect(decodeCursor('not-a-cursor')).toBeNull();
  });
});
