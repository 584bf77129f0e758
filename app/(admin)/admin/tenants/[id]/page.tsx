import { asc, eq } from 'drizzle-orm';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TenantDetailView } from '@/components/admin/tenants-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getTenantDetail } from '@/lib/admin-views/tenants';
import { requireAdminPage } from '@/lib/auth/session';
import { models } from '@/lib/db/schema';
import { withPlatform } from '@/lib/db/tenant';
import { NotFoundError } from '@/lib/errors';
import { hasPermission } from '@/lib/governance/permissions';
import { listTenantInvitations } from '@/lib/tenants/invitations';
import {
  changeRoleAction,
  inviteTenantUserAction,
  proposeContractPriceAction,
  proposeModelAccessAction,
  proposeStatusAction,
  proposeTierAction,
  removePersonAction,
  transferOwnershipAction,
  updateTenantAction,
} from '../actions';

export const metadata = { title: 'Tenant' };

export default async function TenantPage({ params }: { params: Promise<{ id: string }> }) {
  const access = await requireAdminPage('tenants.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const { id } = await params;
  const data = await withPlatform((tx) => getTenantDetail(tx, id)).catch((err: unknown) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  const role = access.ctx.role;
  const canPropose = hasPermission(role, 'tenants.propose');
  const canPrice = hasPermission(role, 'pricing.propose');
  const [modelRows, invitations] = await Promise.all([
    canPropose || canPrice
      ? withPlatform((tx) =>
          tx.select({ value: models.id, label: models.displayName }).from(models).where(eq(models.enabled, true)).orderBy(asc(models.displayName)),
        )
      : Promise.resolve([]),
    listTenantInvitations({ ctx: access.ctx, input: { tenantId: id } }),
  ]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/tenants" className="text-brand-700 hover:underline">
          ← Tenants
        </Link>
      </p>
      <PageHeader
        title={data.tenant.name}
        description={`${data.tenant.slug} · tenant ${data.tenant.id}`}
        actions={
          hasPermission(role, 'request_logs.read') ? (
            <Link className="text-sm font-medium text-brand-700 underline" href={`/admin/requests?tenant=${data.tenant.id}`}>
              Request log
            </Link>
          ) : null
        }
      />
      <TenantDetailView
        data={data}
        models={modelRows}
        invitations={invitations.filter((i) => i.status === 'pending')}
        actions={{
          canPropose,
          canManage: hasPermission(role, 'tenants.manage'),
          canPrice,
          proposeTier: proposeTierAction,
          update: updateTenantAction,
          proposeStatus: proposeStatusAction,
          proposeAccess: proposeModelAccessAction,
          proposeContract: proposeContractPriceAction,
          invite: inviteTenantUserAction,
          changeRole: changeRoleAction,
          remove: removePersonAction,
          transfer: transferOwnershipAction,
        }}
      />
    </>
  );
}
