import { ProvidersView } from '@/components/admin/providers-view';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/ui/page';
import { getProvidersPage } from '@/lib/admin-views/providers';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';
import { hasPermission } from '@/lib/governance/permissions';
import { deleteRoutingRuleAction, proposeProviderBaseUrlAction, proposeProviderToggleAction, saveRoutingRuleAction } from './actions';

export const metadata = { title: 'Providers' };

export default async function ProvidersPage() {
  const access = await requireAdminPage('catalog.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const data = await withPlatform((tx) => getProvidersPage(tx));
  return (
    <>
      <PageHeader title="Providers" description="Health, activation and base URLs (changed through approvals), routing rules and content-policy rejections." />
      <ProvidersView
        data={data}
        canChange={hasPermission(access.ctx.role, 'catalog.propose')}
        actions={{
          toggle: proposeProviderToggleAction,
          baseUrl: proposeProviderBaseUrlAction,
          saveRule: saveRoutingRuleAction,
          deleteRule: deleteRoutingRuleAction,
        }}
      />
    </>
  );
}
