import { PricesTable } from '@/components/portal/prices-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { withTenant } from '@/lib/db/tenant';
import { listClientPricing } from '@/lib/pricing/service';

export const metadata = { title: 'Prices' };

/** Price-only catalog (listClientPricing: a strict client serializer; nothing else reaches this page). */
export default async function PricesPage() {
  const access = await requireTenantPage();
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const { tenantId } = access.ctx;
  const rows = await withTenant(tenantId, (tx) => listClientPricing(tx, tenantId));
  return (
    <>
      <PageHeader
        title="Prices"
        description="Model prices in USD. Token prices are per 1M tokens. Prices marked Estimated may change once final pricing is confirmed."
      />
      <PricesTable rows={rows} />
    </>
  );
}
