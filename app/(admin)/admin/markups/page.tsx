import { MarkupsView } from '@/components/admin/markups-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { listMarkups } from '@/lib/admin-views/markups';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';
import { proposeClearMarkupAction, proposeDefaultMarkupAction } from './actions';

export const metadata = { title: 'Markups' };

export default async function MarkupsPage() {
  const access = await requireAdminPage('pricing.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await withPlatform((tx) => listMarkups(tx));
  return (
    <>
      <PageHeader
        title="Markups"
        description="The defaults and every override, with who set it, when, why and until when. Overrides expiring within 14 days are highlighted."
      />
      <MarkupsView
        data={data}
        canPropose={hasPermission(access.ctx.role, 'pricing.propose')}
        proposeDefault={proposeDefaultMarkupAction}
        proposeClear={proposeClearMarkupAction}
      />
    </>
  );
}
