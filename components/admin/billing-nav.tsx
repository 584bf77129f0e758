'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { cn } from '../ui/cn';

const TABS = [
  { href: '/admin/billing', label: 'Billing runs', exact: true },
  { href: '/admin/billing/invoices', label: 'Invoices' },
  { href: '/admin/billing/periods', label: 'Periods' },
  { href: '/admin/billing/reconciliation', label: 'Reconciliation' },
  { href: '/admin/billing/exports', label: 'Exports' },
  { href: '/admin/billing/margin', label: 'Margin report' },
  { href: '/admin/billing/metering', label: 'Metering quarantine' },
];

export function BillingNav() {
  const pathname = usePathname() ?? '';
  return (
    <nav aria-label="Billing sections" className="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200">
      {TABS.map((t) => {
        const active = t.exact ? pathname === t.href : pathname.startsWith(t.href);
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? 'page' : undefined}
            className={cn(
              '-mb-px border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap',
              active ? 'border-brand-700 text-brand-900' : 'border-transparent text-slate-600 hover:text-slate-900',
            )}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** Re-fetch the server data every `ms` while `active` (progress of long operations). */
export function AutoRefresh({ active, ms = 2000 }: { active: boolean; ms?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), ms);
    return () => clearInterval(t);
  }, [active, ms, router]);
  return null;
}
