'use client';

import { useSyncExternalStore } from 'react';

const noop = () => () => {};
/** False during SSR and hydration, true after: render timezone-dependent text only on the client. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

function fmt(d: Date, opts: Intl.DateTimeFormatOptions, timeZone?: string) {
  return new Intl.DateTimeFormat(undefined, { ...opts, ...(timeZone ? { timeZone } : {}) }).format(d);
}

/**
 * A moment in the VIEWER's timezone. The server (and hydration) renders it in UTC with a "UTC"
 * suffix; after hydration it re-renders with the browser's timezone (Intl).
 */
export function LocalTime({
  value,
  mode = 'datetime',
  className,
}: {
  value: string | Date | null | undefined;
  mode?: 'datetime' | 'date' | 'relative';
  className?: string;
}) {
  const hydrated = useHydrated();
  if (!value) return <span className="text-slate-500">—</span>;
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return <span>{String(value)}</span>;
  const opts: Intl.DateTimeFormatOptions = mode === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' };
  let text: string;
  if (!hydrated) text = `${fmt(d, opts, 'UTC')} UTC`;
  else if (mode === 'relative') text = relative(d);
  else text = fmt(d, opts);
  return (
    <time dateTime={d.toISOString()} title={hydrated ? fmt(d, { dateStyle: 'full', timeStyle: 'long' }) : d.toISOString()} className={className}>
      {text}
    </time>
  );
}

function relative(d: Date): string {
  const diff = d.getTime() - Date.now();
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, ms] of units) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  return rtf.format(Math.round(diff / 1000), 'second');
}
