import type { ReactNode } from 'react';
import { BillingNav } from '@/components/admin/billing-nav';
import { PageHeader } from '@/components/ui/page';

export default function BillingLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Billing" description="Invoices from metered usage, accounting periods and close, reconciliation, exports and the margin report." />
      <BillingNav />
      {children}
    </>
  );
}
