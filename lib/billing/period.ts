/**
 * Billing periods are calendar months in UTC, written `YYYY-MM`. Pure helpers, no database.
 */
import { ValidationError } from '@/lib/errors';
import { PERIOD_RE } from '@/lib/platform/schemas';

export interface PeriodRange {
  period: string;
  /** First day, `YYYY-MM-DD`. */
  start: string;
  /** Last day, `YYYY-MM-DD` (inclusive). */
  end: string;
  /** First day of the next period (exclusive end), `YYYY-MM-DD`. */
  nextStart: string;
  year: number;
  month: number;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function assertPeriod(period: string): string {
  if (!PERIOD_RE.test(period)) {
    throw new ValidationError('period must be YYYY-MM', [{ path: 'period', message: 'expected YYYY-MM' }]);
  }
  return period;
}

export function periodRange(period: string): PeriodRange {
  const m = PERIOD_RE.exec(assertPeriod(period))!;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const next = addMonths(period, 1);
  return {
    period,
    start: `${period}-01`,
    end: `${period}-${pad(lastDay)}`,
    nextStart: `${next}-01`,
    year,
    month,
  };
}

export function addMonths(period: string, n: number): string {
  const m = PERIOD_RE.exec(assertPeriod(period))!;
  const idx = Number(m[1]) * 12 + (Number(m[2]) - 1) + n;
  return `${pad(Math.floor(idx / 12), 4)}-${pad((idx % 12) + 1)}`;
}

export function periodOf(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}`;
}

export function currentPeriod(now: Date = new Date()): string {
  return periodOf(now);
}

export function previousPeriod(now: Date = new Date()): string {
  return addMonths(periodOf(now), -1);
}

/** True when the whole month lies in the past (UTC). */
export function hasEnded(period: string, now: Date = new Date()): boolean {
  return assertPeriod(period) < periodOf(now);
}
