import type { HTMLAttributes } from 'react';
import { cn } from './cn';

export type BadgeTone = 'neutral' | 'brand' | 'success' | 'warning' | 'danger' | 'info' | 'purple';

const TONES: Record<BadgeTone, string> = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  brand: 'bg-brand-50 text-brand-900 ring-brand-100',
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-300',
  danger: 'bg-red-50 text-red-800 ring-red-200',
  info: 'bg-sky-50 text-sky-900 ring-sky-200',
  purple: 'bg-violet-50 text-violet-800 ring-violet-200',
};

export function Badge({ tone = 'neutral', className, ...rest }: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn('inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONES[tone], className)}
      {...rest}
    />
  );
}

/** Tone for common status words across the app. */
export function statusTone(status: string): BadgeTone {
  switch (status) {
    case 'active':
    case 'healthy':
    case 'paid':
    case 'executed':
    case 'approved':
    case 'succeeded':
    case 'success':
    case 'resolved':
    case 'closed':
    case 'applied':
      return 'success';
    case 'pending':
    case 'degraded':
    case 'warning':
    case 'acknowledged':
    case 'running':
    case 'queued':
    case 'closing':
    case 'pending_approval':
    case 'partial':
      return 'warning';
    case 'suspended':
    case 'unhealthy':
    case 'failed':
    case 'critical':
    case 'error':
    case 'rejected':
    case 'void':
    case 'revoked':
    case 'refunded':
      return 'danger';
    case 'info':
    case 'adjusted':
    case 'open':
    case 'draft':
      return 'info';
    default:
      return 'neutral';
  }
}

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return <Badge tone={statusTone(status)}>{label ?? status.replace(/_/g, ' ')}</Badge>;
}
