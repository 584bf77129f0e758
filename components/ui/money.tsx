import { formatAmount, formatRate, formatSmallAmount } from './format';
import { cn } from './cn';

/**
 * Money on screen. `kind`:
 *  - "rate":   a per-unit price or cost, every significant decimal ("$0.0000028 / 1M tokens")
 *  - "amount": a total, 2 decimals ("$1,234.57")
 *  - "small":  a per-request amount, a few significant digits ("$0.00123")
 * The exact value is kept in `data-value` and the title for copy/paste and tests.
 */
export function Money({
  value,
  currency = 'USD',
  kind = 'amount',
  unit,
  className,
}: {
  value: string | number | null | undefined;
  currency?: string;
  kind?: 'rate' | 'amount' | 'small';
  unit?: string;
  className?: string;
}) {
  if (value === null || value === undefined || value === '') return <span className="text-slate-500">—</span>;
  const text = kind === 'rate' ? formatRate(value, currency) : kind === 'small' ? formatSmallAmount(value, currency) : formatAmount(value, currency);
  return (
    <span className={cn('tabular-nums', className)} data-value={String(value)} title={`${String(value)} ${currency}`}>
      {text}
      {unit ? <span className="text-xs text-slate-600"> / {unit}</span> : null}
    </span>
  );
}
