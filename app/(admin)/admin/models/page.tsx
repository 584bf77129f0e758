import Link from 'next/link';
import { ModelsTable } from '@/components/admin/models-table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getModelsPage } from '@/lib/admin-views/models';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';
import { previewMarkupAction, proposeMarkupAction } from './actions';

export const metadata = { title: 'Models & pricing' };

export default async function ModelsPage() {
  const access = await requireAdminPage('pricing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await withPlatform((tx) => getModelsPage(tx));
  return (
    <>
      <PageHeader
        title="Models & pricing"
        description={
          <>
            Every model with what it costs us, the markup in force (and where it comes from), the price customers pay and our margin. Token rates are per 1M
            tokens. Markup changes go through{' '}
            <Link className="text-brand-700 underline" href="/admin/approvals">
              approvals
            </Link>
            .
          </>
        }
      />
      <ModelsTable data={data} canPropose={hasPermission(access.ctx.role, 'pricing.propose')} preview={previewMarkupAction} propose={proposeMarkupAction} />
    </>
  );
}
