import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TenantDetailView } from '@/components/admin/tenants-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getTenantDetail } from '@/lib/admin-views/tenants';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { hasPermission } from '@/lib/governance/permissions';
import { proposeTierAction } from '../actions';

export const metadata = { title: 'Tenant' };

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireAdminPage('tenants.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { id } = await params;
  const data = await withPlatform((tx) => getTenantDetail(tx, id)).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/tenants" className="text-brand-700 hover:underline">
          ← Tenants
        </Link>
      </p>
      <PageHeader title={data.tenant.name} description={`${data.tenant.slug} · tenant ${data.tenant.id}`} />
      <TenantDetailView data={data} canPropose={hasPermission(access.ctx.role, 'tenants.propose')} proposeTier={proposeTierAction} />
    </>
  );
}
